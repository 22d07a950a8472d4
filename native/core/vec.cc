#include "core/vec.h"

#include "core/isa.h"

namespace myelin {

const VecKernels& vec() {
  switch (active_isa()) {
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::Avx512: return avx512::vec_kernels();
    case Isa::Avx2: return avx2::vec_kernels();
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
    case Isa::Neon: return neon::vec_kernels();
#endif
    default: return scalar::vec_kernels();
  }
}

}  // namespace myelin
