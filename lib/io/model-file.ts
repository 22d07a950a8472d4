// The bytes of a model file (./format.ts) -> a Sequential model. The writing side is ./model-save.ts,
// which Sequential imports; this side imports Sequential (one direction each: no import cycle).
import { preprocessingFromConfig } from '../data/preprocessing.js';
import { describe } from '../matrix.js';
import { Sequential, type SequentialConfig } from '../model/sequential.js';
import type { MetricIdentifier } from '../metrics.js';
import { lossFromConfig } from '../model/compile.js';
import { Optimizer } from '../optimizers.js';
import { ModelFileError, decodeFile, type Tensor } from './format.js';
import { checkMetadata, type Metadata } from './metadata.js';
import { checkHeaderTypes } from './model-header.js';
import { KIND, SLOT, type ModelFileMeta } from './model-save.js';

/**
 * A model from myelin's own file: architecture, weights, the compile configuration with optimizer
 * state (so `fit` resumes exactly, with `initialEpoch: model.epochsTrained`), attached preprocessing and
 * metadata. Everything is validated first; a damaged file is a ModelFileError naming the problem.
 */
export function modelFromBytes(bytes: Uint8Array, file: string): Sequential {
  const { meta: raw, tensors } = decodeFile(bytes, file);
  const fail = (problem: string): never => {
    throw new ModelFileError(file, problem);
  };
  const attempt = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      return fail(`${what}: ${(e as Error).message}`);
    }
  };
  const meta = raw as Partial<ModelFileMeta>;
  if (meta.kind !== KIND) fail(`the header describes ${JSON.stringify(meta.kind)}, not a Sequential model (${KIND})`);
  checkHeaderTypes(meta, fail);
  checkArchitectureSize(meta.model, tensors, fail);
  const model = attempt('the architecture is invalid', () => Sequential.fromConfig(meta.model as SequentialConfig));
  if (!model.built) fail('the architecture has no input width (first layer inputDim)');

  const byName = new Map(tensors.map((t) => [t.name, t]));
  const used = new Set<string>();
  const take = (name: string, shape: number[]): Float32Array => {
    const t = byName.get(name) ?? fail(`the weights lack ${JSON.stringify(name)}, which the architecture needs`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      fail(`${JSON.stringify(name)} has shape [${t.shape}] but the architecture needs [${shape}]`);
    used.add(name);
    return t.data;
  };
  const expected = model.weights;
  const values = expected.map((w) => take(w.name, w.shape));
  attempt('cannot set the weights', () => model.setWeights(values));

  const compile = meta.compile;
  if (compile !== null && compile !== undefined) {
    if (typeof compile !== 'object') fail(`the compile configuration is ${describe(compile)}`);
    const optimizer = attempt('the optimizer configuration is invalid', () => Optimizer.fromConfig(compile.optimizer));
    attempt('the compile configuration is invalid', () =>
      model.compile({ loss: lossFromConfig(compile.loss), metrics: compile.metrics as MetricIdentifier[], optimizer }),
    );
    const o = meta.optimizer;
    if (!o || !Number.isSafeInteger(o.iterations) || o.iterations < 0 || !Number.isSafeInteger(o.slots))
      fail(`the optimizer state ${JSON.stringify(o)} is invalid (needs iterations >= 0 and a slot count)`);
    const want = model.getOptimizerState().slots;
    if (o!.slots !== want.length)
      fail(
        `the file has ${o!.slots} optimizer slots but ${compile.optimizer.className} on this architecture needs ${want.length}`,
      );
    const slots = want.map((s, i) => take(SLOT + i, [s.length]));
    attempt('cannot restore the optimizer state', () => model.setOptimizerState({ iterations: o!.iterations, slots }));
  }
  for (const t of tensors)
    if (!used.has(t.name)) fail(`tensor ${JSON.stringify(t.name)} belongs to nothing in the architecture`);

  const tr = meta.training;
  if (
    !tr ||
    !Number.isSafeInteger(tr.epoch) ||
    tr.epoch < 0 ||
    !(tr.seed === null || (Number.isInteger(tr.seed) && tr.seed >= 0 && tr.seed < 2 ** 32))
  )
    fail(`the training position ${JSON.stringify(tr)} is invalid`);
  model.epochsTrained = tr!.epoch;
  model.trainingSeed = tr!.seed;
  if (meta.preprocessing !== null && meta.preprocessing !== undefined) {
    const scaler = attempt('the preprocessing is invalid', () => preprocessingFromConfig(meta.preprocessing));
    attempt('the preprocessing does not fit the model', () => model.setPreprocessing(scaler));
  }
  const metadata = meta.metadata ?? legacyCliNotes((raw as { cli?: unknown }).cli);
  model.metadata = attempt('the metadata is invalid', () => checkMetadata(metadata, 'metadata'));
  return model;
}

/** Files written by `myelin train` before model.metadata kept the CLI's notes under the header key "cli". */
function legacyCliNotes(cli: unknown): Metadata {
  if (!cli || typeof cli !== 'object' || Array.isArray(cli)) return {};
  const { task, target, featureNames, classNames } = cli as Metadata;
  return JSON.parse(JSON.stringify({ task, target, featureNames, classNames })) as Metadata;
}

/**
 * Building layers allocates their weights, so before building, the Dense sizes the header claims must
 * fit in the values the file really holds: a forged header cannot make loadModel allocate gigabytes.
 */
function checkArchitectureSize(model: unknown, tensors: Tensor[], fail: (problem: string) => never): void {
  const layers = (model as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers)) return; // Sequential.fromConfig reports the shape of the mistake
  const held = tensors.reduce((n, t) => n + t.data.length, 0);
  let need = 0;
  let width: number | null = null;
  layers.forEach((layer, i) => {
    const c = (layer as { config?: Record<string, unknown> } | null)?.config;
    if (!c || typeof c !== 'object') return;
    const inputDim = c['inputDim'] ?? width;
    for (const [key, v] of [
      ['inputDim', inputDim],
      ['units', c['units']],
    ] as const)
      if (v !== undefined && v !== null && !(Number.isSafeInteger(v) && (v as number) > 0))
        fail(`layer ${i} has an invalid ${key} ${JSON.stringify(v)}`);
    if (typeof c['units'] === 'number') {
      if (typeof inputDim === 'number') need += inputDim * c['units'] + (c['useBias'] === false ? 0 : c['units']);
      width = c['units'];
    } else if (typeof inputDim === 'number') width = inputDim;
    if (need > held) fail(`the architecture needs at least ${need} weights but the file holds ${held} values`);
  });
}
