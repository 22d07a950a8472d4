// Placeholder: the scalar GEMM micro-kernel and packing routines go here.
namespace myelin { namespace scalar { int placeholder() { return 0; } } }
