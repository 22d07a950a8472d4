// What both Keras writers take from a model, read synchronously (a writer reads everything before its
// first await: a ModelCheckpoint save runs between epochs). Sequential imports the format registry, which
// imports this file: Sequential is a type here only.
import { version } from '../../backend.js';
import { Matrix } from '../../matrix.js';
import type { CompileConfig } from '../../model/compile.js';
import type { Sequential } from '../../model/sequential.js';
import type { Metadata } from '../metadata.js';
import { specOf, weightsOf, type ModelSpec } from './layers.js';

/** The optimizers whose Keras variables (per weight array, in this order) are myelin's slots, by dialect. */
export const SLOT_NAMES: Record<string, { keras3: string[]; keras2: string[] }> = {
  SGD: { keras3: ['momentum'], keras2: ['m'] },
  Adam: { keras3: ['momentum', 'velocity'], keras2: ['m', 'v'] },
  AdamW: { keras3: ['momentum', 'velocity'], keras2: ['m', 'v'] }, // Keras's AdamW is an Adam
  RMSprop: { keras3: ['velocity'], keras2: ['velocity'] },
  Adagrad: { keras3: ['accumulator'], keras2: ['accumulator'] },
  Adamax: { keras3: ['momentum', 'norm'], keras2: ['m', 'u'] }, // keras/src/optimizers/adamax.py build
  Nadam: { keras3: ['momentum', 'velocity'], keras2: ['m', 'v'] },
};

/**
 * Scalars a Keras 3 optimizer keeps after its slots, each a function of its config and step count (myelin's
 * engine derives them from the step count, so a file's values are checked, not read). Nadam's u_product is
 * the product over steps i of beta_1 (1 - 0.5 * 0.96^i): keras/src/optimizers/nadam.py build tracks it after
 * the slots; Keras 2's Nadam does not save it (native/core/engine/optimizer.cc nadam_u_product computes it).
 */
export const KERAS3_TAIL: Record<string, { names: string[]; values: (beta1: number, steps: number) => number[] }> = {
  Nadam: {
    names: ['u_product'],
    values: (beta1, steps) => {
      let product = 1;
      for (let i = 1; i <= steps && product !== 0; i++) product *= beta1 * (1 - 0.5 * 0.96 ** i);
      return [product];
    },
  },
};

/** What myelin keeps in a Keras file under its own key (Keras ignores it): see docs/model-files.md. */
export interface MyelinNotes {
  myelin_version: string;
  metadata: Metadata;
  epochs_trained: number;
  training_seed: number | null;
  preprocessing: ReturnType<NonNullable<Sequential['preprocessing']>['toJSON']> | null;
}

export interface Snapshot {
  spec: ModelSpec;
  /** Per layer, its weight arrays in Keras's order. */
  weights: Float32Array[][];
  compile: CompileConfig | null;
  /** Step count and slots (per trainable weight array, Keras's order); null when there is no optimizer or its
   *  variables have no known Keras order (Keras then starts that optimizer fresh). */
  optimizer: { iterations: number; slotsPerArray: number; slots: Float32Array[]; tail: number[] } | null;
  notes: MyelinNotes;
  /** What errors start with ('save', 'toBuffer'). */
  where: string;
}

/** The model's state for a Keras writer; `where` starts error messages. The model is built and idle. */
export function snapshot(model: Sequential, where: string): Snapshot {
  let spec: ModelSpec;
  try {
    spec = specOf(model);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  const flat = model.getWeights().map((w) => (w instanceof Matrix ? w.data : w));
  let k = 0;
  const weights = model.layers.map((l) => {
    const n = l.weightShapes().length;
    k += n;
    return flat.slice(k - n, k);
  });
  const compile = model.getCompileConfig();
  let optimizer: Snapshot['optimizer'] = null;
  const slotNames = compile && SLOT_NAMES[compile.optimizer.className];
  if (slotNames) {
    const state = model.getOptimizerState();
    const slotsPerArray = flat.length ? state.slots.length / flat.length : 0;
    // Keras has slots for the trainable arrays only; myelin's engine for every array.
    const trainable = spec.layers.flatMap((l) => weightsOf(l).map((w) => w.trainable));
    const slots = state.slots.filter((_, k) => trainable[Math.floor(k / slotsPerArray)]);
    const tail = KERAS3_TAIL[compile.optimizer.className];
    const beta1 = compile.optimizer.config['beta1'] as number;
    if (slotsPerArray === slotNames.keras3.length || state.slots.length === 0)
      optimizer = {
        iterations: state.iterations,
        slotsPerArray,
        slots,
        tail: tail?.values(beta1, state.iterations) ?? [],
      };
  }
  const notes: MyelinNotes = {
    myelin_version: version,
    metadata: structuredClone(model.metadata),
    epochs_trained: model.epochsTrained,
    training_seed: model.trainingSeed,
    preprocessing: model.preprocessing?.toJSON() ?? null,
  };
  return { spec, weights, compile, optimizer, notes, where };
}

/** Keras 2's names for a layer's weight arrays: 'dense/kernel:0', 'dense/bias:0'. */
export function legacyWeightNames(layer: string, weights: { name: string }[]): string[] {
  return weights.map((w) => `${layer}/${w.name}:0`);
}
