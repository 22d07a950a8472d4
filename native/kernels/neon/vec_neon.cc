// NEON (arm64) build of the shared elementwise kernels (see kernels/common/vec_kernels.inc).
#include <cstddef>
#include <cstdint>

#include "core/portable.h"
#include "core/vec.h"

namespace myelin {
namespace neon {
#include "kernels/common/vec_kernels.inc"
}  // namespace neon
}  // namespace myelin
