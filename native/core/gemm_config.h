// GEMM parameters chosen per CPU at run time, BLIS-style: the micro-kernel shape (MR x NR) and the
// cache blocks (MC, KC, NC) come from a small registry keyed by vendor/family/model; blocks an
// entry leaves open are derived from the cache sizes the CPU reports; one entry per ISA matches
// any CPU (the safe default). MYELIN_GEMM_CONFIG=<name> forces an entry, `<name>:MC,KC,NC` also
// its blocks (tuning on a new CPU); a forced entry runs its own ISA's kernels, whatever the ISA
// of the other kernels.
#pragma once

#include "core/cpu_info.h"
#include "core/gemm_kernel.h"
#include "core/isa.h"

namespace myelin {

struct GemmConfig {
  const char* name;
  Isa isa;
  int mr, nr;      // micro-kernel shape, one of those that isa's kernel file registers
  int mc, kc, nc;  // A block mc x kc (L2), B panel kc x nr (L1), B block kc x nc (L3)
  const GemmKernels* kernels;
};

// What GEMM uses now: the forced entry, else the first entry for active_isa() matching this CPU.
// Throws std::runtime_error for a bad MYELIN_GEMM_CONFIG, naming the value and the choices.
const GemmConfig& gemm_config();
// The registry's choice for `cpu` running `isa`, blocks derived from its caches, kernels not set: a
// pure function, so tests check the choice for CPUs they do not run on. Throws for an unknown ISA.
GemmConfig gemm_config_for(const CpuInfo& cpu, Isa isa);
// Every entry this build and CPU can run, blocks resolved for this CPU; *count set.
const GemmConfig* gemm_configs(int* count);
// Tests and benchmarks: force the entry named so, `<name>:MC,KC,NC` with those blocks (nullptr or "":
// back to the automatic choice). Throws std::runtime_error for a name gemm_configs() does not list
// or malformed blocks.
void force_gemm_config(const char* name);

}  // namespace myelin
