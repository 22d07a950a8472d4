// Finding NaN/Infinity in inputs, at memory speed, so the API can name the bad cell.
#pragma once

#include <cstddef>

namespace myelin {

// Index of the first NaN or ±Infinity in x[0, n), or -1 when every value is finite.
long long first_non_finite(const float* x, size_t n);

}  // namespace myelin
