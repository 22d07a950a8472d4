// model.evaluate: [loss, ...metrics] over all rows, in inference mode, on a job thread. The data is copied in steps
// (fit-data.ts), which also find x's NaN/Infinity and one-hot class indexes.
import type { NativeNetwork } from '../engine/contract.js';
import { describe } from '../matrix.js';
import { checkKeys, intOption } from '../names.js';
import { toSampleWeight, toTargets, type Inputs, type Targets, type Weights } from './data.js';
import { withData } from './fit-data.js';
import type { Sequential } from './sequential.js';

export interface EvaluateOptions {
  /** Rows per batch (memory only: the result is over all rows). Default 32. */
  batchSize?: number;
  sampleWeight?: Weights;
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
  checkKeys(options, ['batchSize', 'sampleWeight'], 'evaluate');
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
