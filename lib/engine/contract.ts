// The contract between the TypeScript model API (lib/model/...) and the native training engine
// (native/core/engine/, bound in native/binding/network.cc). Ids index the arrays in ./ids.ts; the
// specs (./specs.ts) and ids are generated from native/contract.json (scripts/gen-contract.mjs).
//
// Semantics are Keras's (see ../shared/design/peers-and-keras-semantics.md §4):
// - Dense: y = act(x · kernel + bias), kernel is inputDim x units row-major (Keras orientation).
// - BatchNormalization: batch statistics (biased variance) in training, moving statistics otherwise;
//   LayerNormalization per row; Activation; Normalization (x - mean) / max(sqrt(variance), 1e-7).
//   Their non-trainable arrays (moving or adapted statistics) have optimizer slots that stay unused.
// - Dropout: inverted dropout in training only; mask bits from a counter-based RNG keyed by
//   (layer seed, absolute epoch, batch index, element), so they do not depend on thread count.
// - Loss reduction "sum_over_batch_size": sum(per-sample loss * sample weight) / batch rows; the
//   per-sample loss is the mean over outputs (MSE, MAE, BCE) or the sum (CCE). BCE/CCE clip
//   probabilities to [1e-7, 1 - 1e-7]; sigmoid+BCE and softmax+CCE use the fused gradient (p - t).
// - L1/L2 kernel penalties are added to the reported loss (training and validation) and gradient.
// - Optimizers update as Keras 3 does: SGD v = μv − lr·g, w += v (Nesterov: w += μv − lr·g);
//   Adam/AdamW/Nadam/Adamax/RMSprop/Adagrad with Keras's defaults and epsilon placement; per step:
//   the rate (a schedule at `iterations`), clipping, decoupled weight decay, then the update.
// - The epoch loss is the batch-size-weighted mean of the per-batch losses (training mode, before
//   each update); metrics likewise; validation runs at epoch end in inference mode.

import type {
  ActivationSpec,
  BatchNormalizationSpec,
  CompileSpec,
  DenseSpec,
  DropoutSpec,
  LayerNormalizationSpec,
  NormalizationSpec,
} from './specs.js';

// The specs, their fields' types, defaults and ranges are generated from native/contract.json.
export type {
  ActivationSpec,
  BatchNormalizationSpec,
  CompileSpec,
  DenseSpec,
  DropoutSpec,
  LayerNormalizationSpec,
  NormalizationSpec,
  OptimizerSpec,
  ScheduleSpec,
} from './specs.js';

export type LayerSpec =
  | DenseSpec
  | DropoutSpec
  | BatchNormalizationSpec
  | LayerNormalizationSpec
  | ActivationSpec
  | NormalizationSpec;

/** Rows of a data set, already validated by TS (shapes, finite values). */
export interface DataSpec {
  x: Float32Array;
  rows: number;
  /** rows x outputs, or one class index per row: sparse categorical crossentropy reads them, FitData copies
   *  them one-hot for the other losses. */
  y: Float32Array | Int32Array;
  /** One weight per row, or null. */
  sampleWeight: Float32Array | null;
}

/** Rows copied into native memory that JS cannot detach or shrink, for native work that outlives the call:
 *  a model.fit's training (and validation) rows, for all its native fit() calls, or the data of one evaluate
 *  or predictAsync call (lib/model/fit-data.ts). */
export interface NativeFitData {
  /** Touches the copies' fresh pages on another thread; settle it before copy(). undefined: none is fresh. */
  prepare(): Promise<void> | undefined;
  /** Copies up to maxBytes more from the arrays given; true once all is copied. A RangeError naming the
   *  array when it was detached or shrunk since, or (checkFinite) when x holds a NaN/Infinity: its `index`
   *  is the element's. */
  copy(maxBytes: number): boolean;
  /** Frees the copies once no running call reads them (else the GC does). */
  release(): void;
}

/** y given as an Int32Array of class indexes (any loss but sparse categorical crossentropy's, which reads
 *  them as they are) is copied as one-hot rows. */
export interface FitDataSpec {
  train: DataSpec | Pick<DataSpec, 'x' | 'rows'>;
  val?: DataSpec | null;
  /** x alone (predictAsync): no targets, and the network need not be compiled. */
  inputsOnly?: boolean;
  /** Look for NaN/Infinity in x as it is copied. */
  checkFinite?: boolean;
}

export interface FitDataConstructor {
  /** Checks the arrays against the network and allocates their copies. */
  new (network: NativeNetwork, data: FitDataSpec): NativeFitData;
  /** Frees the memory of large copies kept for reuse (up to 4 blocks) that has been idle idleMs; bytes freed. */
  trimPool(idleMs: number): number;
}

export interface FitArgs {
  /** Fully copied; made for this network and its current loss. */
  data: NativeFitData;
  /** Epochs this call runs; it returns earlier on requestStop() or a non-finite loss. */
  epochs: number;
  /** Absolute index of this call's first epoch: keys the shuffle and dropout streams. */
  initialEpoch: number;
  batchSize: number;
  shuffle: boolean;
  seed: number;
  /** Called on the JS thread, at most every progressMs (default 100), during an epoch. */
  onProgress?: (epoch: number, batch: number, batches: number, loss: number) => void;
  progressMs?: number;
}

export interface FitResult {
  /** epochsRun rows of `[loss, ...metrics]` followed by `[valLoss, ...valMetrics]` when val is given. */
  logs: Float64Array;
  epochsRun: number;
  /** requestStop() ended the call early. */
  stopped: boolean;
  /** The loss turned NaN/Infinity in this epoch and batch; weights and optimizer state were restored
   *  to the end of the previous epoch, and the epoch is not in logs. */
  nonFinite: { epoch: number; batch: number } | null;
}

export interface OptimizerState {
  iterations: number;
  /** Optimizer slots, array-major: for each weight array (getWeights() order) its slots, each as long
   *  as the array: SGD [velocity] (none when momentum is 0), Adam [m, v], RMSprop [velocity],
   *  Adagrad [accumulator]. */
  slots: Float32Array[];
}

/** Weights start at zero: set them (initializers live in TS) before training. Bad arguments throw a
 *  TypeError/RangeError naming the argument, synchronously, also from the Promise-returning methods;
 *  fit() while training or before compile() returns a rejected Promise. */
export interface NativeNetwork {
  /** Scalars in all weight arrays (Keras's count_params()). Weights are owned natively, in
   *  getWeights() order: per Dense layer its kernel then its bias. */
  readonly paramCount: number;
  /** True while a fit() call runs. */
  readonly training: boolean;
  /** Optimizer steps taken (Keras's optimizer.iterations), as of the last snapshot. */
  readonly iterations: number;
  /** Sets loss, metrics and optimizer; resets optimizer state. */
  compile(spec: CompileSpec): void;
  /** Copies. During fit: the snapshot taken at the end of the last epoch. */
  getWeights(): Float32Array[];
  /** Lengths are checked; throws during fit. */
  setWeights(weights: Float32Array[]): void;
  getOptimizerState(): OptimizerState;
  setOptimizerState(state: OptimizerState): void;
  /** Allowed during fit: takes effect from the next batch. */
  setLearningRate(lr: number): void;
  /**
   * Inference (no dropout). During fit it reads the last epoch's snapshot. checkFinite: x is checked for
   * NaN/Infinity as it is read, and the index of its first one is returned instead of the outputs.
   */
  predict(x: Float32Array, rows: number): Float32Array;
  predict(x: Float32Array, rows: number, checkFinite: boolean): Float32Array | number;
  /** Writes the outputs into `out` (rows x outputs, not sharing memory with x) and returns it. */
  predict(x: Float32Array, rows: number, checkFinite: boolean, out: Float32Array): Float32Array | number;
  /** predict on a job thread, of data made inputsOnly for this network (copied). */
  predictAsync(data: NativeFitData): Promise<Float32Array>;
  predictAsync(data: NativeFitData, checkFinite: boolean): Promise<Float32Array | number>;
  /** [loss, ...metrics] over all rows, inference mode, of data made for this network and loss (copied). */
  evaluate(data: NativeFitData, batchSize: number): Promise<Float64Array>;
  fit(args: FitArgs): Promise<FitResult>;
  /** The running fit() returns after the current epoch. */
  requestStop(): void;
  /** Tests: mean loss (with penalties) and its gradient for each weight array (0 for non-trainable ones);
   *  inference mode unless `training` (dropout on, batch statistics; moving statistics unchanged). */
  gradients(data: DataSpec, training?: boolean): { loss: number; grads: Float32Array[] };
}

export interface NetworkConstructor {
  new (layers: LayerSpec[]): NativeNetwork;
}
