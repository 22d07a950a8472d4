// Portable (baseline target) build of the shared elementwise kernels (see kernels/common/vec_kernels.inc).
#include <cstddef>
#include <cstdint>

#include "core/portable.h"
#include "core/vec.h"

namespace myelin {
namespace scalar {
#include "kernels/common/vec_kernels.inc"
}  // namespace scalar
}  // namespace myelin
