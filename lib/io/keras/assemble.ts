// What both Keras readers share: a Sequential from what a file holds, and errors that name the file.
import { preprocessingFromConfig } from '../../data/preprocessing.js';
import type { CompileArgs } from '../../model/compile.js';
import { Sequential } from '../../model/sequential.js';
import type { Optimizer } from '../../optimizers.js';
import { ModelFileError } from '../format.js';
import type { H5Node } from './h5-read.js';
import { buildLayers, isObject, KerasConfigError, weightsOf, type ModelSpec } from './layers.js';
import { KERAS3_TAIL } from './snapshot.js';

/** What a reader found in a file. */
export interface Decoded {
  spec: ModelSpec;
  weights: Float32Array[][];
  compile: CompileArgs | null;
  /** Step count and slots per weight array ([] when Keras had not built the optimizer), or null: fresh. */
  optimizer: { iterations: number; slots: Float32Array[] } | null;
  /** myelin's own key (written by myelin), or undefined. */
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
    const o = d.optimizer;
    // The file has slots for the trainable arrays (Keras's), the engine for every array.
    const fresh = model.getOptimizerState().slots;
    const trainable = d.spec.layers.flatMap((l) => weightsOf(l).map((w) => w.trainable));
    const per = trainable.length ? fresh.length / trainable.length : 0;
    const want = per * trainable.filter(Boolean).length;
    if (o && (o.slots.length > 0 || want === 0)) {
      if (o.slots.length !== want)
        throw new ModelFileError(file, `the optimizer state has ${o.slots.length} slots, the optimizer needs ${want}`);
      let k = 0;
      const slots = fresh.map((s, i) => (trainable[Math.floor(i / per)] ? o.slots[k++]! : s));
      attempt('cannot restore the optimizer state: ', () => model.setOptimizerState({ ...o, slots }));
    }
  }
  if (d.notes !== undefined && d.notes !== null)
    attempt("myelin's notes in the file are invalid: ", () => applyNotes(model, d.notes));
  return model;
}

function applyNotes(model: Sequential, notes: unknown): void {
  if (!isObject(notes)) throw new Error('not an object');
  const { metadata, epochs_trained: epoch, training_seed: seed, preprocessing } = notes;
  if (metadata !== undefined) model.metadata = metadata as Sequential['metadata'];
  if (epoch !== undefined) {
    if (!Number.isSafeInteger(epoch) || (epoch as number) < 0) throw new Error(`epochs_trained ${String(epoch)}`);
    model.epochsTrained = epoch as number;
  }
  if (seed !== undefined) {
    if (!(seed === null || (Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) < 2 ** 32)))
      throw new Error(`training_seed ${String(seed)}`);
    model.trainingSeed = seed as number | null;
  }
  if (preprocessing !== undefined && preprocessing !== null)
    model.setPreprocessing(preprocessingFromConfig(preprocessing));
}

/** A config problem, a damaged file or any other failure as the ModelFileError loadModel throws. */
export function asFileError(e: unknown, file: string, what = ''): ModelFileError {
  if (e instanceof ModelFileError) return e;
  const text = e instanceof Error ? e.message : String(e);
  const line =
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? 'unknown error';
  return new ModelFileError(file, what + (e instanceof KerasConfigError ? text : line));
}

const fail = (problem: string): never => {
  throw new KerasConfigError(problem);
};

/** A float array of exactly `shape`, finite, as float32. */
export function readArray(g: H5Node, path: string, shape: number[], where: string): Float32Array {
  const d = g.numeric(path);
  if ('problem' in d) return fail(`${where} ${d.problem}`);
  if (d.shape.length !== shape.length || d.shape.some((n, i) => n !== shape[i]))
    fail(`${where} has shape [${d.shape}] but the model needs [${shape}]`);
  const out = d.values instanceof Float32Array ? d.values : Float32Array.from(d.values);
  for (let i = 0; i < out.length; i++)
    if (!Number.isFinite(out[i]!)) fail(`${where} holds ${out[i]} at index ${i}; weights must be finite`);
  return out;
}

/** A scalar step count (int64 under TensorFlow, int32 under JAX). */
export function readCount(g: H5Node, path: string, where: string): number {
  const d = g.numeric(path);
  if ('problem' in d) return fail(`${where} ${d.problem}`);
  const v = d.values.length === 1 && d.shape.length <= 1 ? d.values[0]! : NaN;
  if (!Number.isSafeInteger(v) || v < 0) fail(`${where} is not a step count (a scalar integer >= 0)`);
  return v;
}

/** Scalars after the slots that must agree with the step count (./snapshot.ts KERAS3_TAIL), for a reader. */
export interface Tail {
  names: string[];
  values: (iterations: number) => number[];
}

/** The scalars a Keras 3 file keeps after `optimizer`'s slots (none for most). */
export function keras3Tail(optimizer: Optimizer): Tail | undefined {
  const t = KERAS3_TAIL[optimizer.className];
  const beta1 = optimizer.getConfig().config['beta1'] as number;
  return t && { names: t.names, values: (steps) => t.values(beta1, steps) };
}

/**
 * The optimizer's saved variables, `lead` scalars (iteration first), then `perArray` slots per weight array,
 * then the `tail` scalars: the state, or none when the file holds only the lead (Keras had not built the
 * optimizer). Each tail value must be what myelin's engine derives from the step count.
 */
export function optimizerState(
  g: H5Node,
  names: string[],
  lead: number,
  perArray: number,
  arrays: number[][],
  where: string,
  tail: Tail | undefined,
): Decoded['optimizer'] {
  const tailNames = tail?.names ?? [];
  const built = lead + perArray * arrays.length + tailNames.length;
  if (names.length !== lead && names.length !== built)
    fail(`${where} holds ${names.length} arrays; the optimizer on this model keeps ${built}`);
  const iterations = readCount(g, names[0]!, `${where}/${names[0]} (iteration)`);
  const slotNames = names.slice(lead, names.length - (names.length === lead ? 0 : tailNames.length));
  const slots = slotNames.map((n, k) => readArray(g, n, arrays[Math.floor(k / perArray)]!, `${where}/${n}`));
  if (tail && names.length === built) {
    const want = tail.values(iterations);
    tailNames.forEach((what, k) => {
      const n = names[lead + slots.length + k]!;
      const got = readArray(g, n, [], `${where}/${n} (${what})`)[0]!;
      // float32 in the file, and Keras multiplies in float32 (myelin in double): they differ below 1e-7.
      if (!(Math.abs(got - want[k]!) <= 1e-6))
        fail(`${where}/${n} (${what}) is ${got}, but after ${iterations} steps it is ${want[k]} (a damaged file?)`);
    });
  }
  return { iterations, slots };
}
