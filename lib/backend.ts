// What the native backend is doing: its ISA, threads and version; thread control.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { native, packageRoot } from './native.js';

export interface BackendInfo {
  /** Kernels in use: 'avx512' | 'avx2' | 'neon' | 'scalar'. MYELIN_ISA forces one. */
  isa: string;
  /** Threads a kernel may use, including the caller. */
  threads: number;
  /** The myelin package version. */
  version: string;
  /** Every ISA this CPU and binary support. */
  supportedIsas: string[];
}

export const version: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

export function backendInfo(): BackendInfo {
  const info = native.backendInfo();
  return { isa: info.isa, threads: info.threads, version, supportedIsas: info.supportedIsas };
}

/** Threads for native kernels (default: the number of cores, or MYELIN_NUM_THREADS). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: n must be an integer >= 1, got ${n}`);
  native.setNumThreads(n);
}
