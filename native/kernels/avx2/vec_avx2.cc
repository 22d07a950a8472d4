// AVX2+FMA build of the shared elementwise kernels (see kernels/common/vec_kernels.inc).
#include <cstddef>
#include <cstdint>

#include "core/portable.h"
#include "core/vec.h"

namespace myelin {
namespace avx2 {
#include "kernels/common/vec_kernels.inc"
}  // namespace avx2
}  // namespace myelin
