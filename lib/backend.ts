// What the native backend is doing: its ISA, threads and version; thread control.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { native, packageRoot } from './native.js';
import { intOption } from './names.js';

export interface BackendInfo {
  /** Kernels in use: 'avx512' | 'avx2' | 'neon' | 'scalar'. MYELIN_ISA forces one. */
  isa: string;
  /** Threads a kernel may use, including the caller. */
  threads: number;
  /** The myelin package version. */
  version: string;
  /** Every ISA this CPU and binary support. */
  supportedIsas: string[];
  /** The CPU as it describes itself (x86 CPUID; arm64 MIDR and sysfs); 0 or '' where it does not say. */
  cpu: {
    name: string;
    vendor: string;
    /** x86: display family; arm64: implementer. */
    family: number;
    /** x86: display model; arm64: part number. */
    model: number;
    /** Bytes: L1 data and L2 per core, L3 as reported. */
    cacheBytes: { l1d: number; l2: number; l3: number };
    /** Associativity of L1d and L2 (the GEMM blocks are derived from it); 0 where not reported. */
    cacheWays: { l1d: number; l2: number };
  };
  /**
   * The GEMM parameters in use, chosen for this CPU from a registry (MYELIN_GEMM_CONFIG=<name> forces
   * one, `<name>:MC,KC,NC` its cache blocks too): micro-kernel shape mr x nr and blocks mc, kc, nc.
   */
  gemm: { config: string; isa: string; mr: number; nr: number; mc: number; kc: number; nc: number };
}

export const version: string = (
  JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;

export function backendInfo(): BackendInfo {
  const info = native.backendInfo();
  const { name, vendor, family, model, l1d, l2, l3, l1dWays, l2Ways } = info.cpu;
  return {
    isa: info.isa,
    threads: info.threads,
    version,
    supportedIsas: info.supportedIsas,
    cpu: { name, vendor, family, model, cacheBytes: { l1d, l2, l3 }, cacheWays: { l1d: l1dWays, l2: l2Ways } },
    gemm: { ...info.gemm },
  };
}

/**
 * Threads for native kernels (default: the number of cores, or MYELIN_NUM_THREADS). Capped at 4x the
 * hardware threads (more only adds context switches; backendInfo().threads says what was set).
 * Lowering it ends the pool threads no longer needed.
 */
export function setNumThreads(n: number): void {
  // Any count above the cap means the cap (2^31 reached the binding's 'threads must be an integer >= 1').
  native.setNumThreads(Math.min(intOption(n, Number.NaN, 1, 'setNumThreads: n'), 2 ** 31 - 1));
}
