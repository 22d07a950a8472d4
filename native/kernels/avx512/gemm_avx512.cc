// Placeholder: the avx512 GEMM micro-kernel and packing routines go here.
namespace myelin { namespace avx512 { int placeholder() { return 0; } } }
