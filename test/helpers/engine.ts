// Builders for native Network specs in tests (the model API builds the same from Sequential/Dense).
import type {
  CompileSpec,
  DataSpec,
  DenseSpec,
  DropoutSpec,
  FitArgs,
  FitDataSpec,
  NativeFitData,
  OptimizerSpec,
} from '../../lib/engine/contract.js';
import { native as binding, type native } from '../../lib/native.js';
import { rng } from './reference.js';

export function dense(inputDim: number, units: number, activation: number, extra: Partial<DenseSpec> = {}): DenseSpec {
  return { kind: 'dense', inputDim, units, activation, useBias: true, l1: 0, l2: 0, ...extra };
}

export function dropout(units: number, rate: number, seed = 1): DropoutSpec {
  return { kind: 'dropout', units, rate, seed };
}

export function sgd(learningRate: number, momentum = 0, extra: Partial<OptimizerSpec> = {}): OptimizerSpec {
  return {
    kind: 0,
    learningRate,
    momentum,
    nesterov: false,
    beta1: 0.9,
    beta2: 0.999,
    rho: 0.9,
    initialAccumulator: 0.1,
    epsilon: 1e-7,
    clipNorm: 0,
    clipValue: 0,
    ...extra,
  };
}

export function compileSpec(loss: number, optimizer: OptimizerSpec, metrics: number[] = []): CompileSpec {
  return { loss, metrics, optimizer };
}

/** Weights uniform in [-scale, scale) from a seed, shaped as the network's getWeights(). */
export function randomWeights(net: InstanceType<typeof native.Network>, seed: number, scale = 0.5): Float32Array[] {
  const r = rng(seed);
  return net.getWeights().map((w) => Float32Array.from(w, () => (r() * 2 - 1) * scale));
}

/** rows x cols uniform [-scale, scale). */
export function randomMatrix(rows: number, cols: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: rows * cols }, () => (r() * 2 - 1) * scale);
}

export function data(
  x: Float32Array,
  rows: number,
  y: Float32Array | Int32Array,
  sampleWeight: Float32Array | null = null,
): DataSpec {
  return { x, rows, y, sampleWeight };
}

export function sameBits(a: Float32Array[], b: Float32Array[]): boolean {
  return (
    a.length === b.length &&
    a.every((w, i) =>
      Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(
        Buffer.from(b[i]!.buffer, b[i]!.byteOffset, b[i]!.byteLength),
      ),
    )
  );
}

/** A FitData copied at once (lib/model/fit-data.ts copies in steps): what native fit, evaluate, predictAsync read. */
export function held(net: InstanceType<typeof native.Network>, spec: FitDataSpec): NativeFitData {
  const data = new binding.FitData(net, spec);
  while (!data.copy(1 << 30)) {
    // one step copies up to 1 GB
  }
  return data;
}

/** x alone, held for native predictAsync. */
export function heldInputs(net: InstanceType<typeof native.Network>, x: Float32Array, rows: number): NativeFitData {
  return held(net, { train: { x, rows }, inputsOnly: true });
}

/** native fit()'s arguments with train and val held. */
export function fitArgs(
  net: InstanceType<typeof native.Network>,
  a: Omit<FitArgs, 'data'> & { train: DataSpec; val: DataSpec | null },
): FitArgs {
  const { train, val, ...rest } = a;
  return { data: held(net, { train, val }), ...rest };
}
