// fit on a Dataset (Keras/tfjs): an async iterable of { x, y } chunks, iterated once per epoch, for data
// larger than memory. Each chunk trains natively (gradient steps of batchSize rows, shuffled within
// the chunk); the next chunk is read and parsed on the JS thread while the current one trains. Epoch
// logs are the row-weighted means over the chunks; validation is an [x, y] pair or another Dataset.
import type { DataSpec, FitResult, NativeNetwork } from '../engine/contract.js';
import { CallbackList, type FitParams, type Logs } from '../callbacks/callback.js';
import { History } from '../callbacks/history.js';
import { Matrix, describe } from '../matrix.js';
import { boolOption, checkKeys, intOption, MAX_EPOCHS } from '../names.js';
import { drawSeed } from '../random.js';
import type { Compiled } from './compile.js';
import { toTargets, type Inputs, type Targets } from './data.js';
import { checkCallbacks, NonFiniteLossError, type FitOptions } from './fit.js';
import { holdData, releaseData, type XName } from './fit-data.js';
import type { Sequential } from './sequential.js';

/** One element of a Dataset: rows of inputs (raw rows when the model has a Preprocessor) and targets. */
export interface DatasetBatch {
  x: Inputs;
  y: Targets;
}

/** Iterated once per epoch: each `for await` must start again from the first row. */
export type Dataset = AsyncIterable<DatasetBatch>;

export interface FitDatasetOptions
  extends Pick<FitOptions, 'epochs' | 'batchSize' | 'shuffle' | 'callbacks' | 'initialEpoch'> {
  validationData?: Dataset | [Inputs, Targets];
}

export function isDataset(v: unknown): v is Dataset {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    typeof (v as Dataset)[Symbol.asyncIterator] === 'function'
  );
}

export async function runFitDataset(
  model: Sequential,
  net: NativeNetwork,
  compiled: Compiled,
  data: Dataset,
  o: FitDatasetOptions = {},
): Promise<History> {
  if (o === null || typeof o !== 'object') throw new TypeError(`fit: options must be an object, got ${describe(o)}`);
  checkKeys(
    o,
    ['epochs', 'batchSize', 'shuffle', 'callbacks', 'initialEpoch', 'validationData', 'verbose'],
    'fit (Dataset)',
  );
  const epochs = intOption(o.epochs, 1, 0, 'fit: epochs', MAX_EPOCHS);
  const initialEpoch = intOption(o.initialEpoch, 0, 0, 'fit: initialEpoch', MAX_EPOCHS);
  const batchSize = intOption(o.batchSize, 32, 1, 'fit: batchSize');
  const shuffle = boolOption(o.shuffle, true, 'fit: shuffle');
  const keys = ['loss', ...compiled.metrics.map((m) => m.name)];
  const history = new History();
  const list = new CallbackList([...checkCallbacks(o.callbacks), history]);
  list.setup(model, { verbose: 0, epochs, steps: 0 } as FitParams);
  const seed = initialEpoch > 0 && model.trainingSeed !== null ? model.trainingSeed : drawSeed();
  model.trainingSeed = seed;
  const spec = model.targetSpec();
  // x's NaN/Infinity are looked for by the native copy (x is read once), named as the check would name them.
  const toSpec = (b: DatasetBatch, what: string): { train: DataSpec; x: XName } => {
    if (b === null || typeof b !== 'object' || !('x' in b) || !('y' in b))
      throw new TypeError(`${what} must be { x, y }, got ${describe(b)}`);
    const x = model.networkInputs(b.x, `${what}.x`, true, false);
    const y = toTargets(b.y, x.rows, spec, `${what}.y`);
    return { train: { x: x.data, rows: x.rows, y, sampleWeight: null }, x: { what: model.inputName(`${what}.x`) } };
  };

  model.fitting = true;
  model.stopTraining = false;
  model.history = history;
  try {
    await list.onTrainBegin();
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      await list.onEpochBegin(epoch);
      const sums = new Float64Array(keys.length);
      let rows = 0;
      let k = 0;
      let batchesBefore = 0; // this epoch's batches in earlier chunks: onBatchEnd counts across the epoch
      const it = data[Symbol.asyncIterator]();
      let next = it.next(); // read ahead: the next chunk parses while this one trains
      for (;;) {
        const r = await next;
        if (r.done) break;
        const { train, x } = toSpec(r.value, `fit: dataset element ${k++}`);
        next = it.next();
        if (train.rows === 0) continue;
        const held = await holdData(net, { train, checkFinite: true }, 'fit', { train: x }, false);
        const batches = Math.ceil(train.rows / batchSize);
        const stop = () => (model.stopTraining = true);
        let reported = 0;
        let res: FitResult;
        try {
          res = await net.fit({
            data: held,
            epochs: 1,
            initialEpoch: epoch,
            batchSize: Math.min(batchSize, train.rows), // the engine takes sizes below 2^31
            shuffle,
            seed,
            ...(list.wantsBatches && {
              onProgress: (_e: number, batch: number, _n: number, loss: number) => {
                reported = batch;
                list.onBatchEnd(batchesBefore + batch - 1, { loss }, stop);
              },
            }),
          });
        } finally {
          releaseData(held);
        }
        // As fit: the chunk's last batch is reported even when its timed reports missed it.
        if (list.wantsBatches && res.epochsRun > 0 && reported < batches)
          list.onBatchEnd(batchesBefore + batches - 1, { loss: res.logs[0]! }, stop);
        batchesBefore += batches;
        if (res.nonFinite)
          throw new NonFiniteLossError(
            `fit: the loss became NaN or Infinity in epoch ${epoch + 1} (dataset element ${k - 1}); lower the learning rate or scale the inputs`,
            history,
          );
        if (res.epochsRun === 0) break;
        keys.forEach((_, j) => (sums[j]! += res.logs[j]! * train.rows));
        rows += train.rows;
      }
      if (list.batchError) throw list.batchError;
      if (rows === 0) throw new RangeError(`fit: the dataset yielded no rows in epoch ${epoch + 1}`);
      const logs: Logs = {};
      keys.forEach((key, j) => (logs[key] = sums[j]! / rows));
      if (o.validationData !== undefined) Object.assign(logs, await validate(model, o.validationData, keys));
      model.epochsTrained = epoch + 1;
      await list.onEpochEnd(epoch, logs);
    }
    if (list.batchError) throw list.batchError;
    await list.onTrainEnd();
  } finally {
    model.fitting = false;
  }
  return history;
}

async function validate(model: Sequential, v: Dataset | [Inputs, Targets], keys: string[]): Promise<Logs> {
  const sums = new Float64Array(keys.length);
  let rows = 0;
  const add = async (x: Inputs, y: Targets) => {
    const values = await model.evaluate(x, y, { batchSize: 256 });
    const n = y instanceof Matrix ? y.rows : (y as ArrayLike<unknown>).length;
    values.forEach((s, j) => (sums[j]! += s * n));
    rows += n;
  };
  if (Array.isArray(v)) await add(v[0], v[1]);
  else for await (const b of v) await add(b.x, b.y);
  const logs: Logs = {};
  keys.forEach((k, j) => (logs[`val_${k}`] = rows ? sums[j]! / rows : NaN));
  return logs;
}
