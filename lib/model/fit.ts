// The fit loop. Input is validated and converted once, and copied once for native code (fit-data.ts: the copy
// also checks x for NaN/Infinity and one-hot encodes class indexes, in steps, before any callback runs); then
// epochs run natively: all in one call when nothing needs control between epochs, else one call per epoch
// with the callbacks in between. The engine keys shuffling and dropout by absolute epoch, so both ways give
// the same weights.
import type { DataSpec, FitArgs, FitResult, NativeFitData, NativeNetwork } from '../engine/contract.js';
import {
  CallbackList,
  HOOKS,
  uncalledHook,
  type CallbackHooks,
  type FitParams,
  type Logs,
} from '../callbacks/callback.js';
import { History } from '../callbacks/history.js';
import { ProgressLogger } from '../callbacks/progress.js';
import { TerminateOnNaN } from '../callbacks/terminate-on-nan.js';
import { describe, type Matrix } from '../matrix.js';
import { checkFiniteInSteps } from '../finite.js';
import { boolOption, checkKeys, given, intOption, MAX_EPOCHS } from '../names.js';
import { drawSeed } from '../random.js';
import type { Compiled } from './compile.js';
import {
  classOf,
  classWeightToSampleWeight,
  sliceData,
  toSampleWeight,
  toTargets,
  type Inputs,
  type Targets,
  type Weights,
} from './data.js';
import { holdData, releaseData, type XName } from './fit-data.js';
import type { Sequential } from './sequential.js';

export interface FitOptions {
  /** Index of the last epoch to run (exclusive), as Keras: epochs - initialEpoch epochs run. Default 1. */
  epochs?: number;
  /** Rows per gradient step. Default 32; the row count gives batch gradient descent, 1 stochastic. */
  batchSize?: number;
  /** Reshuffle the training rows every epoch. Default true. */
  shuffle?: boolean;
  /** Fraction of the rows, taken from the END before shuffling (as Keras), held out for validation. */
  validationSplit?: number;
  /** [x, y] or [x, y, sampleWeight]; overrides validationSplit. */
  validationData?: [Inputs, Targets] | [Inputs, Targets, Weights];
  /** 0 silent, 1 progress bar (default, as Keras), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  callbacks?: CallbackHooks[];
  /** Epoch to start at (resuming a run): keys shuffling and dropout, and History's epoch numbers. */
  initialEpoch?: number;
  /** Weight per class index ({ 0: 1, 1: 5 }); turned into sample weights. */
  classWeight?: Record<number, number>;
  /** One weight per row. */
  sampleWeight?: Weights;
}

/** fit rejects with this when the loss turned NaN/Infinity; `history` holds the finite epochs. */
export class NonFiniteLossError extends Error {
  constructor(
    message: string,
    readonly history: History,
  ) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

interface Prepared extends Pick<FitArgs, 'epochs' | 'initialEpoch' | 'batchSize' | 'shuffle'> {
  train: DataSpec;
  val: DataSpec | null;
  verbose: 0 | 1 | 2;
  callbacks: CallbackHooks[];
  /** What x's NaN/Infinity are reported as, train's and val's (see holdData). */
  names: { train: XName; val?: XName };
  /** x and the validation x, for the check when no epoch runs (no copy then). */
  inputs: [Matrix, string][];
}

export async function runFit(
  model: Sequential,
  net: NativeNetwork,
  compiled: Compiled,
  x: Inputs,
  y: Targets,
  options: FitOptions,
): Promise<History> {
  const p = prepare(model, x, y, options);
  const keys = ['loss', ...compiled.metrics.map((m) => m.name)];
  if (p.val) keys.push(...keys.map((k) => `val_${k}`));
  const steps = Math.ceil(p.train.rows / p.batchSize);
  const params: FitParams = { verbose: p.verbose, epochs: p.epochs, steps };
  const history = new History();
  const progress = p.verbose > 0 ? new ProgressLogger(p.verbose as 1 | 2) : null;
  const list = new CallbackList([...p.callbacks, ...(progress ? [progress] : []), history]);
  list.setup(model, params);
  const terminateOnNaN = p.callbacks.some((c) => c instanceof TerminateOnNaN);
  // Per-epoch calls only when something must run between epochs (onBatchEnd: each epoch's last batch).
  const perEpoch =
    progress !== null ||
    list.wantsBatches ||
    p.callbacks.some((c) => typeof c.onEpochBegin === 'function' || typeof c.onEpochEnd === 'function');
  const wantsBatches = (progress?.drawsBar ?? false) || list.wantsBatches;
  let lastBatch = 0; // the last batch onBatchEnd saw in this epoch (1-based)
  let seed = 0;
  let data: NativeFitData | null = null; // copied before the first epoch, released when fit ends
  const hold = async () =>
    (data ??= await holdData(net, { train: p.train, val: p.val, checkFinite: true }, 'fit', p.names));
  const run = async (initialEpoch: number, epochs: number): Promise<FitResult> => {
    await hold();
    return net.fit({
      data: data!,
      epochs,
      initialEpoch,
      batchSize: p.batchSize,
      shuffle: p.shuffle,
      seed,
      ...(wantsBatches && {
        onProgress: (_epoch: number, batch: number, batches: number, loss: number) => {
          // `batch` counts the batches done; Keras's onBatchEnd takes the batch's 0-based index.
          progress?.progress(batch, batches, loss);
          lastBatch = batch;
          list.onBatchEnd(batch - 1, { loss }, () => (model.stopTraining = true));
        },
      }),
    });
  };
  const logsOf = (r: FitResult, i: number): Logs => {
    const logs: Logs = {};
    keys.forEach((k, j) => (logs[k] = r.logs[i * keys.length + j]!));
    return logs;
  };

  model.fitting = true;
  let nonFinite: FitResult['nonFinite'] = null;
  try {
    // A callback restoring a backup may still move the start in onTrainBegin: run() holds the data then.
    if (p.epochs > p.initialEpoch) await hold();
    else for (const [m, what] of p.inputs) await checkFiniteInSteps(m.data, m.cols, what);
    model.stopTraining = false;
    model.history = history;
    model.resumeEpoch = null;
    await list.onTrainBegin();
    // A callback restoring a backup (BackupAndRestore) moves the start.
    if (model.resumeEpoch !== null) p.initialEpoch = model.resumeEpoch;
    // Resuming (initialEpoch > 0) continues the last run's shuffle/dropout streams, so it equals an uninterrupted fit.
    seed = p.initialEpoch > 0 && model.trainingSeed !== null ? model.trainingSeed : drawSeed();
    model.trainingSeed = seed;
    if (!perEpoch && p.epochs > p.initialEpoch) {
      const r = await run(p.initialEpoch, p.epochs - p.initialEpoch);
      // Nothing else has epoch hooks in this mode: History records the epochs directly.
      for (let i = 0; i < r.epochsRun; i++) history.onEpochEnd(p.initialEpoch + i, logsOf(r, i));
      model.epochsTrained = p.initialEpoch + r.epochsRun;
      nonFinite = r.nonFinite;
    } else {
      for (let epoch = p.initialEpoch; epoch < p.epochs && !model.stopTraining; epoch++) {
        await list.onEpochBegin(epoch);
        lastBatch = 0;
        const r = await run(epoch, 1);
        nonFinite = r.nonFinite;
        if (nonFinite || r.epochsRun === 0) break;
        // Progress reports are timed: a short epoch may have none. The last batch's running loss is the epoch's.
        if (list.wantsBatches && lastBatch < steps)
          list.onBatchEnd(steps - 1, { loss: r.logs[0]! }, () => (model.stopTraining = true));
        model.epochsTrained = epoch + 1;
        await list.onEpochEnd(epoch, logsOf(r, 0));
      }
    }
    if (list.batchError) throw list.batchError;
    if (nonFinite && terminateOnNaN) {
      console.log(`Epoch ${nonFinite.epoch + 1}, batch ${nonFinite.batch + 1}: invalid loss, terminating training`);
      nonFinite = null;
    }
    await list.onTrainEnd();
  } finally {
    model.fitting = false;
    const held = data as NativeFitData | null;
    if (held) releaseData(held);
  }
  if (nonFinite)
    throw new NonFiniteLossError(
      `fit: the loss became NaN or Infinity in epoch ${nonFinite.epoch + 1}, batch ${nonFinite.batch + 1}; training stopped ` +
        `and the model keeps the weights from the end of the last finite epoch. Lower the learning rate, scale the inputs, ` +
        `or pass callbacks: [new TerminateOnNaN()] to stop without an error.`,
      history,
    );
  return history;
}

const FIT_OPTIONS = [
  'epochs',
  'batchSize',
  'shuffle',
  'validationSplit',
  'validationData',
  'verbose',
  'callbacks',
  'initialEpoch',
  'classWeight',
  'sampleWeight',
];

/** fit's callbacks option: an array of Callbacks or objects of hooks, none of them a hook fit never calls. */
export function checkCallbacks(callbacks: unknown = []): CallbackHooks[] {
  if (!Array.isArray(callbacks)) throw new TypeError(`fit: callbacks must be an array, got ${describe(callbacks)}`);
  for (const [i, c] of callbacks.entries()) {
    if (c === null || typeof c !== 'object')
      throw new TypeError(`fit: callbacks[${i}] must be a Callback or an object of hooks, got ${describe(c)}`);
    const hook = uncalledHook(c);
    if (hook)
      throw new TypeError(
        `fit: callbacks[${i}].${hook} is a Keras hook myelin does not call (batches run natively); ` +
          `it calls ${HOOKS.join(', ')}`,
      );
  }
  return callbacks;
}

/** Sorted data makes the last rows one class: Keras's most common validationSplit surprise. */
function warnSingleClassTail(y: Float32Array | Int32Array, units: number, split: number): void {
  const rows = y instanceof Int32Array ? y.length : y.length / units;
  const first = classOf(y, units, 0);
  for (let i = 1; i < rows; i++) if (classOf(y, units, i) !== first) return;
  if (rows > 1)
    console.warn(
      `fit: all ${rows} validation rows (the last ${Math.round(split * 100)} %, taken before shuffling, as Keras does) ` +
        `are class ${first}; if the rows are sorted, shuffle them first or pass validationData`,
    );
}

function prepare(model: Sequential, x: Inputs, y: Targets, o: FitOptions): Prepared {
  if (o === null || typeof o !== 'object') throw new TypeError(`fit: options must be an object, got ${describe(o)}`);
  checkKeys(o, FIT_OPTIONS, 'fit');
  const epochs = intOption(o.epochs, 1, 0, 'fit: epochs', MAX_EPOCHS);
  const initialEpoch = intOption(o.initialEpoch, 0, 0, 'fit: initialEpoch', MAX_EPOCHS);
  const batchSize = intOption(o.batchSize, 32, 1, 'fit: batchSize');
  const shuffle = boolOption(o.shuffle, true, 'fit: shuffle');
  const verbose = o.verbose ?? 1;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2)
    throw new RangeError(`fit: verbose must be 0, 1 or 2, got ${given(o.verbose)}`);
  const split = o.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1))
    throw new RangeError(`fit: validationSplit must be in [0, 1), got ${given(o.validationSplit)}`);
  const callbacks = checkCallbacks(o.callbacks);
  if (o.classWeight !== undefined && o.sampleWeight !== undefined)
    throw new Error('fit: pass classWeight or sampleWeight, not both');

  const inputDim = model.inputDim!;
  const spec = model.targetSpec();
  const xm = model.networkInputs(x, 'fit: x', true, false);
  const inputs: [Matrix, string][] = [[xm, model.inputName('fit: x')]];
  const names: Prepared['names'] = { train: { what: model.inputName('fit: x') } };
  const ty = toTargets(y, xm.rows, spec, 'fit: y');
  const sw =
    o.classWeight !== undefined
      ? classWeightToSampleWeight(o.classWeight, ty, spec.units, 'fit: classWeight')
      : toSampleWeight(o.sampleWeight, xm.rows, 'fit: sampleWeight');
  let train: DataSpec = { x: xm.data, rows: xm.rows, y: ty, sampleWeight: sw };
  let val: DataSpec | null = null;
  if (o.validationData !== undefined) {
    const vd = o.validationData;
    if (!Array.isArray(vd) || vd.length < 2 || vd.length > 3)
      throw new TypeError(`fit: validationData must be [x, y] or [x, y, sampleWeight], got ${describe(vd)}`);
    const vx = model.networkInputs(vd[0], 'fit: validationData x', true, false);
    inputs.push([vx, model.inputName('fit: validationData x')]);
    names.val = { what: model.inputName('fit: validationData x') };
    const vy = toTargets(vd[1], vx.rows, spec, 'fit: validationData y');
    val = {
      x: vx.data,
      rows: vx.rows,
      y: vy,
      sampleWeight: toSampleWeight(vd[2], vx.rows, 'fit: validationData sampleWeight'),
    };
  } else if (split > 0) {
    // Keras: the last fraction, before shuffling; x, y and sample weights alike.
    const at = Math.floor(xm.rows * (1 - split));
    if (at === 0 || at === xm.rows)
      throw new RangeError(
        `fit: validationSplit ${split} of ${xm.rows} rows leaves ${at === 0 ? 'no training' : 'no validation'} rows`,
      );
    const ycols = ty instanceof Int32Array ? 1 : spec.units;
    val = sliceData(train, inputDim, ycols, at, xm.rows);
    names.val = { what: names.train.what, firstRow: at };
    train = sliceData(train, inputDim, ycols, 0, at);
    if (spec.loss.endsWith('crossentropy')) warnSingleClassTail(val.y, spec.units, split);
  }
  // A batch larger than the data is all of it (as in Keras); the engine takes sizes below 2^31.
  const batch = Math.min(batchSize, train.rows);
  return { train, val, epochs, initialEpoch, batchSize: batch, shuffle, verbose, callbacks, names, inputs };
}
