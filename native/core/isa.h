// Which instruction set the kernels use. Chosen once from the CPU (and MYELIN_ISA), switchable by
// tests. Nothing compiled for an ISA may run before isa_supported() said yes for it.
#pragma once

namespace myelin {

enum class Isa : int { Scalar = 0, Avx2 = 1, Avx512 = 2, Neon = 3 };

const char* isa_name(Isa isa);
// Parses "scalar" | "avx2" | "avx512" | "neon"; returns false for anything else.
bool isa_from_name(const char* name, Isa* out);
// The CPU and OS support it, and this binary contains its kernels.
bool isa_supported(Isa isa);
// The kernels in use: MYELIN_ISA if set (validated), else the best supported. Throws
// std::runtime_error on an unknown or unsupported MYELIN_ISA value.
Isa active_isa();
// Tests and benchmarks: switch every kernel table at once. Throws if unsupported.
void force_isa(Isa isa);

}  // namespace myelin
