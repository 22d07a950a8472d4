// Loads the addon: MYELIN_ADDON (a path to a .node file) when set, else build/Release or build/Debug
// (a local build), else prebuilds/<platform>-<arch>/ (node-gyp-build). If neither loads, the error says what was looked for and what to do.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FitDataConstructor, NetworkConstructor } from './engine/contract.js';

/** C = alpha·op(A)·op(B) + beta·C, then + bias per column and the activation (native/binding/ops.cc). */
type GemmArgs = [...GemmProduct, bias: Float32Array | null, act: number];

type GemmProduct = [
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  beta: number,
  c: Float32Array,
  ldc: number,
];

/** gemm()'s Epilogue (native/core/gemm.h) for _testing.gemmEpilogue; arrays laid out as C unless said. */
export interface GemmEpilogueOptions {
  bias?: Float32Array;
  act?: number;
  dact?: number;
  dactY?: Float32Array;
  dactZ?: Float32Array;
  /** n values */
  colSums?: Float32Array;
  check?: boolean;
  /** m x n: how many times `done` was called on each element */
  done?: Int32Array;
}

type DeepShapArgs = [
  layers: readonly NativeDenseLayer[],
  x: Float32Array,
  rows: number,
  background: Float32Array,
  bgRows: number,
  softmaxRule: number,
];

export interface NativeGemmConfig {
  config: string;
  isa: string;
  mr: number;
  nr: number;
  mc: number;
  kc: number;
  nc: number;
}

export interface NativeBackendInfo {
  isa: string;
  threads: number;
  supportedIsas: string[];
  cpu: {
    name: string;
    vendor: string;
    family: number;
    model: number;
    l1d: number;
    l2: number;
    l3: number;
    l1dWays: number;
    l2Ways: number;
  };
  gemm: NativeGemmConfig;
}

/** Typed view of what native/binding/*.cc export. */
export interface NativeBinding {
  backendInfo(): NativeBackendInfo;
  setNumThreads(n: number): void;
  /** Feature scaling per column: out = (x - offset) / scale, or x * scale + offset when inverse. */
  affineColumns(
    x: Float32Array,
    cols: number,
    offset: Float64Array,
    scale: Float64Array,
    inverse: boolean,
    out: Float32Array,
  ): void;
  /** Index of the first NaN/±Infinity, or -1. */
  firstNonFinite(data: Float32Array): number;
  gemm(...args: GemmArgs): void;
  gemmAsync(...args: GemmArgs): Promise<void>;
  /** DeepSHAP over dense layers (native/binding/explain.cc): phi is outputs x rows x features;
   *  softmaxRule 0 shift-invariant, 1 SHAP's, 2 Shapley. */
  deepShap(...args: DeepShapArgs): NativeDeepShap;
  deepShapAsync(...args: DeepShapArgs): Promise<NativeDeepShap>;
  /** Kernel SHAP inputs: per mask, every background row with the masked-in features taken from x. */
  fillCoalitions(
    x: Float32Array,
    background: Float32Array,
    bgRows: number,
    features: number,
    masks: Uint8Array,
    nMasks: number,
    out: Float32Array,
  ): void;
  /** Means over consecutive groups of groupRows rows. */
  groupMeans(p: Float32Array, groups: number, groupRows: number, cols: number): Float64Array;
  /** The training engine (native/binding/network.cc); see lib/engine/contract.ts. */
  Network: NetworkConstructor;
  /** A fit's data copied for all its native fit() calls (native/binding/fit_data.cc). */
  FitData: FitDataConstructor;
  /** Aborts this thread's running fits and waits for them (each stops at its next batch). */
  abortFits(): void;
  /** Test and benchmark hooks, not API. */
  _testing: NativeTesting;
}

/** The addon's `_testing` export: hooks for tests and benchmarks (native/binding/ops.cc, kernels.cc). */
export interface NativeTesting {
  /** Switch every kernel table to another supported ISA. */
  forceIsa(isa: string): void;
  /** Every GEMM config (kernel shape and cache blocks) this CPU can run. */
  gemmConfigs(): NativeGemmConfig[];
  /** Force a GEMM config by name, or `<name>:MC,KC,NC` with those cache blocks; null returns to the choice for this CPU. */
  forceGemmConfig(name: string | null): void;
  /** The registry's config for a described CPU (cache sizes in bytes, ways) running `isa`. */
  gemmConfigFor(
    cpu: { vendor: string; family: number; model: number; l1d: number; l2: number; l1dWays: number; l2Ways: number },
    isa: string,
  ): NativeGemmConfig;
  /** Runs the same GEMM `reps` times in native code; returns the seconds taken. */
  gemmBench(...args: [...GemmArgs, reps: number]): number;
  /** FP32 FMA peak in GFLOP/s of one ISA's kernel on `threads` pool threads. */
  gemmFmaPeak(isa: string, threads: number): number;
  /** gemm() with every Epilogue field (native/binding/gemm_testing.cc); true when a row was flagged non-finite. */
  gemmEpilogue(...args: [...GemmProduct, opts: GemmEpilogueOptions]): boolean;
  /** 0: each product's path by its shape; 1: the small-product path wherever it can run; 2: the blocked path. */
  forceGemmPath(path: 0 | 1 | 2): void;
  /** Whether gemm() takes the small-product path for an m x n x k product now. */
  smallPath(m: number, n: number, k: number): boolean;
  /** Bytes this thread has copied from JS arrays for async work (fit's data, predictAsync, evaluate). */
  copiedBytes(): number;
  /** Bytes of such copies alive now, in the whole process. */
  heldBytes(): number;
  /** Bytes of large copies' memory kept for reuse, idle now (see FitData.trimPool). */
  pooledBytes(): number;
  /** The active ISA's elementwise kernels (native/core/vec.h). */
  kernels: NativeKernels;
}

/** native/core/vec.h, one function per kernel; ids as in lib/engine/ids.ts. */
export interface NativeKernels {
  actForward(act: number, z: Float32Array, y: Float32Array): void;
  softmaxRows(c: Float32Array, rows: number, cols: number): void;
  actBackward(
    act: number,
    y: Float32Array,
    z: Float32Array | null,
    g: Float32Array,
    rows: number,
    cols: number,
    db: Float32Array | null,
  ): void;
  colSums(g: Float32Array, rows: number, cols: number, db: Float32Array): void;
  /** Returns sum over rows of sampleWeight * loss; grad gets scale * sampleWeight * dloss/d(p or logits). */
  loss(
    loss: number,
    fused: boolean,
    p: Float32Array,
    rows: number,
    cols: number,
    t: Float32Array | null,
    idx: Int32Array | null,
    sw: Float32Array | null,
    scale: number,
    grad: Float32Array | null,
  ): number;
  sgd(w: Float32Array, v: Float32Array | null, g: Float32Array, lr: number, mu: number, nesterov: boolean): void;
  adam(
    w: Float32Array,
    m: Float32Array,
    v: Float32Array,
    g: Float32Array,
    alpha: number,
    beta1: number,
    beta2: number,
    eps: number,
  ): void;
  rmsprop(w: Float32Array, v: Float32Array, g: Float32Array, lr: number, rho: number, eps: number): void;
  adagrad(w: Float32Array, a: Float32Array, g: Float32Array, lr: number, eps: number): void;
  sumSquares(g: Float32Array): number;
  scaleClip(g: Float32Array, scale: number, clip: number): void;
  regGrad(w: Float32Array, g: Float32Array | null, l1: number, l2: number): number;
  dropout(x: Float32Array, y: Float32Array, mask: Float32Array, key: number, rate: number): void;
  /** y = x . w + bias for a few rows by the single-row inference path (w packed, then its row kernel; its
   *  columns split into `parts` run on the thread pool, default: as predict splits them). */
  denseRows(
    x: Float32Array,
    rows: number,
    k: number,
    w: Float32Array,
    n: number,
    bias: Float32Array | null,
    y: Float32Array,
    parts?: number,
  ): void;
}

export interface NativeDenseLayer {
  kernel: Float32Array;
  bias: Float32Array | null;
  inDim: number;
  units: number;
  /** Index into ACTIVATIONS (lib/engine/ids.ts). */
  act: number;
}

export interface NativeDeepShap {
  phi: Float32Array;
  output: Float32Array;
  expected: Float64Array;
}

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function candidates(): string[] {
  const out: string[] = [];
  for (const dir of ['build/Release', 'build/Debug', `prebuilds/${process.platform}-${process.arch}`]) {
    const full = join(packageRoot, dir);
    const files = existsSync(full) ? readdirSync(full).filter((f) => f.endsWith('.node')) : [];
    out.push(files.length ? files.map((f) => join(full, f)).join(', ') : `${full}/*.node (none)`);
  }
  return out;
}

function load(): NativeBinding {
  const require = createRequire(import.meta.url);
  // A specific build, e.g. the sanitizer build of `npm run test:asan`.
  const chosen = process.env['MYELIN_ADDON'];
  if (chosen) return require(resolve(chosen)) as NativeBinding;
  try {
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
    return nodeGypBuild(packageRoot) as NativeBinding;
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    throw new Error(
      `myelin: could not load its native addon for platform=${process.platform} arch=${process.arch} ` +
        `node=${process.versions.node} (Node-API ${process.versions.napi}).\n` +
        `Looked for:\n  ${candidates().join('\n  ')}\n` +
        `Cause: ${cause}\n` +
        `To fix: build it from source with \`npm rebuild myelin\` (needs python3, make and a C++17 compiler), ` +
        `or allow myelin's install script if your package manager blocks it. ` +
        `In a clone of the repository: \`npm run build:gyp\`.`,
      { cause: err },
    );
  }
}

export const native: NativeBinding = load();

// process.exit() joins libuv's threads and then exits the process under a running fit's thread: stop
// fits first (each at its next batch). Worker threads' fits stop in the addon's cleanup hook instead.
process.once('exit', () => native.abortFits());
