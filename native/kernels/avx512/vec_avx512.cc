// AVX-512F build of the shared elementwise kernels (see kernels/common/vec_kernels.inc).
#include <cstddef>
#include <cstdint>

#include "core/portable.h"
#include "core/vec.h"

namespace myelin {
namespace avx512 {
#include "kernels/common/vec_kernels.inc"
}  // namespace avx512
}  // namespace myelin
