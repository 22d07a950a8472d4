// Placeholder: the avx2 GEMM micro-kernel and packing routines go here.
namespace myelin { namespace avx2 { int placeholder() { return 0; } } }
