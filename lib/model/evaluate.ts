// model.evaluate: [loss, ...metrics] over all rows, in inference mode, on a job thread. The data is copied in steps
// (fit-data.ts), which also find x's NaN/Infinity and one-hot class indexes.
import type { NativeNetwork } from '../engine/contract.js';
import { describe } from '../matrix.js';
import { checkKeys, given, intOption } from '../names.js';
import { toSampleWeight, toTargets, type Inputs, type Targets, type Weights } from './data.js';
import { withData } from './fit-data.js';
import type { Sequential } from './sequential.js';

export interface EvaluateOptions {
  /** Rows per batch (memory only: the result is over all rows). Default 32. */
  batchSize?: number;
  sampleWeight?: Weights;
  /** Keras's progress bar: evaluate prints nothing, so 0, 1 and 2 are all accepted (Keras code runs as is). */
  verbose?: 0 | 1 | 2;
}

export async function runEvaluate(
  model: Sequential,
  net: NativeNetwork,
  x: Inputs,
  y: Targets,
  options: EvaluateOptions,
): Promise<number[]> {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`evaluate: options must be an object, got ${describe(options)}`);
  checkKeys(options, ['batchSize', 'sampleWeight', 'verbose'], 'evaluate');
  const { verbose = 0 } = options;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2)
    throw new RangeError(`evaluate: verbose must be 0, 1 or 2, got ${given(verbose)}`);
  const batchSize = intOption(options.batchSize, 32, 1, 'evaluate: batchSize');
  const m = model.networkInputs(x, 'evaluate: x', true, false);
  const targets = toTargets(y, m.rows, model.targetSpec(), 'evaluate: y');
  const sampleWeight = toSampleWeight(options.sampleWeight, m.rows, 'evaluate: sampleWeight');
  const train = { x: m.data, rows: m.rows, y: targets, sampleWeight };
  const what = model.inputName('evaluate: x');
  const spec = { train, checkFinite: true };
  return Array.from(
    await withData(net, spec, 'evaluate', { train: { what } }, (d) => net.evaluate(d, Math.min(batchSize, m.rows))),
  );
}
