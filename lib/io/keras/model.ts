// What both Keras formats share: a snapshot of a myelin model taken synchronously (an encoder reads
// everything before its first await), and the assembly of a Sequential from what a file holds.
import { version } from '../../backend.js';
import { scalerFromConfig, type Scaler } from '../../data/scalers.js';
import { Matrix, describe } from '../../matrix.js';
import type { CompileArgs, CompileConfig } from '../../model/compile.js';
import { Sequential } from '../../model/sequential.js';
import { ModelFileError } from '../format.js';
import { buildLayers, isObject, specOf, weightShapes, KerasConfigError, type ModelSpec } from './layers.js';

/** The optimizers whose Keras variables (per weight array, in this order) are myelin's slots. */
export const SLOT_NAMES: Record<string, { keras3: string[]; keras2: string[] }> = {
  SGD: { keras3: ['momentum'], keras2: ['m'] },
  Adam: { keras3: ['momentum', 'velocity'], keras2: ['m', 'v'] },
  RMSprop: { keras3: ['velocity'], keras2: ['velocity'] },
  Adagrad: { keras3: ['accumulator'], keras2: ['accumulator'] },
};

/** What myelin keeps in a Keras file under its own key (Keras ignores it): see docs/model-files.md. */
export interface MyelinNotes {
  myelin_version: string;
  metadata: Record<string, unknown>;
  epochs_trained: number;
  training_seed: number | null;
  preprocessing: ReturnType<Scaler['toJSON']> | null;
}

export interface Snapshot {
  spec: ModelSpec;
  /** Per layer, its weight arrays in Keras's order. */
  weights: Float32Array[][];
  compile: CompileConfig | null;
  /** Optimizer step count and slots (per weight array, Keras's order), or null (none, or a layout not mapped). */
  optimizer: { iterations: number; slotsPerArray: number; slots: Float32Array[] } | null;
  notes: MyelinNotes;
}

export function snapshot(model: Sequential, where: string): Snapshot {
  if (!(model instanceof Sequential)) throw new TypeError(`${where}: expected a Sequential model, got ${describe(model)}`);
  if (!model.built) throw new Error(`${where}: the model has no weights yet; add layers (the first with inputDim) before saving`);
  if (model.engineBusy)
    throw new Error(`${where}: the model is in the middle of a training epoch; save from a callback or after fit`);
  let spec: ModelSpec;
  try {
    spec = specOf(model);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  const flat = model.getWeights().map((w) => (w instanceof Matrix ? w.data : w));
  let k = 0;
  const weights = model.layers.map((l) => flat.slice(k, (k += l.weightShapes().length)));
  const compile = model.getCompileConfig();
  let optimizer: Snapshot['optimizer'] = null;
  if (compile && SLOT_NAMES[compile.optimizer.className]) {
    const state = model.getOptimizerState();
    const slotsPerArray = flat.length ? state.slots.length / flat.length : 0;
    if (slotsPerArray === SLOT_NAMES[compile.optimizer.className]!.keras3.length || state.slots.length === 0)
      optimizer = { iterations: state.iterations, slotsPerArray: state.slots.length ? slotsPerArray : 0, slots: state.slots };
  }
  const notes: MyelinNotes = {
    myelin_version: version,
    metadata: getMetadata(model),
    epochs_trained: model.epochsTrained,
    training_seed: model.trainingSeed,
    preprocessing: model.preprocessing?.toJSON() ?? null,
  };
  return { spec, weights, compile, optimizer, notes };
}

/** What a decoder found in a file. */
export interface Decoded {
  spec: ModelSpec;
  weights: Float32Array[][];
  compile: CompileArgs | null;
  /** Step count and slots per weight array, or null: a fresh optimizer. */
  optimizer: { iterations: number; slots: Float32Array[] } | null;
  notes: unknown;
}

/** The Sequential a file describes, compiled when it holds a compile configuration. */
export function assemble(d: Decoded, file: string): Sequential {
  const attempt = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      throw new ModelFileError(file, `${what}${(e as Error).message}`);
    }
  };
  const model = attempt('', () => new Sequential(buildLayers(d.spec), { name: d.spec.name }));
  attempt('cannot set the weights: ', () => model.setWeights(d.weights.flat()));
  if (d.compile) {
    attempt('the compile configuration is not supported: ', () => model.compile(d.compile!));
    if (d.optimizer) {
      const want = model.getOptimizerState().slots;
      if (d.optimizer.slots.length !== want.length)
        throw new ModelFileError(file, `the optimizer state has ${d.optimizer.slots.length} slots, the optimizer needs ${want.length}`);
      attempt('cannot restore the optimizer state: ', () => model.setOptimizerState(d.optimizer!));
    }
  }
  if (d.notes !== undefined && d.notes !== null) attempt("myelin's notes in the file are invalid: ", () => applyNotes(model, d.notes));
  return model;
}

function applyNotes(model: Sequential, notes: unknown): void {
  if (!isObject(notes)) throw new Error('not an object');
  const { metadata, epochs_trained: epoch, training_seed: seed, preprocessing } = notes;
  if (metadata !== undefined) setMetadata(model, metadata);
  if (epoch !== undefined) {
    if (!Number.isSafeInteger(epoch) || (epoch as number) < 0) throw new Error(`epochs_trained ${String(epoch)}`);
    model.epochsTrained = epoch as number;
  }
  if (seed !== undefined) {
    if (!(seed === null || (Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) < 2 ** 32)))
      throw new Error(`training_seed ${String(seed)}`);
    model.trainingSeed = seed as number | null;
  }
  if (preprocessing !== undefined && preprocessing !== null) model.setPreprocessing(scalerFromConfig(preprocessing));
}

function getMetadata(model: Sequential): Record<string, unknown> {
  return { ...((model as unknown as { metadata?: Record<string, unknown> }).metadata ?? {}) };
}

function setMetadata(model: Sequential, metadata: unknown): void {
  if ('metadata' in model) (model as unknown as { metadata: unknown }).metadata = metadata;
}

/** Keras's expected weight shapes, per layer, for a spec. */
export { weightShapes };

/** A config problem or an HDF5 failure as the ModelFileError loadModel throws. */
export function asFileError(e: unknown, file: string, what = ''): ModelFileError {
  if (e instanceof ModelFileError) return e;
  if (e instanceof KerasConfigError) return new ModelFileError(file, what + e.message);
  const text = e instanceof Error ? e.message : String(e);
  return new ModelFileError(file, what + (text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error'));
}

/** Keras's names for myelin's weight arrays inside a legacy file: 'dense/kernel:0', 'dense/bias:0'. */
export function legacyWeightNames(layer: string, count: number): string[] {
  return ['kernel', 'bias'].slice(0, count).map((v) => `${layer}/${v}:0`);
}

/** Values of a numeric array as float32, finite; `what` names it in the error. */
export function finiteFloats(values: Float64Array | Float32Array, what: string): Float32Array {
  const out = values instanceof Float32Array ? values : Float32Array.from(values);
  for (let i = 0; i < out.length; i++)
    if (!Number.isFinite(out[i]!)) throw new KerasConfigError(`${what} holds ${out[i]} at index ${i}; weights must be finite`);
  return out;
}
