// A Sequential model -> the bytes of a model file (./format.ts): architecture, weights, compile
// configuration with optimizer state, training position (epoch, shuffle seed), preprocessing, metadata.
// Sequential imports this file, so it refers to Sequential by type only (./model-file.ts reads files).
import { version } from '../backend.js';
import type { Preprocessing } from '../data/preprocessing.js';
import { Matrix } from '../matrix.js';
import type { CompileConfig } from '../model/compile.js';
import type { Sequential, SequentialConfig } from '../model/sequential.js';
import { encodeFile, type Tensor } from './format.js';
import { checkMetadata, type Metadata } from './metadata.js';

export const KIND = 'myelin.sequential';
export const SLOT = 'optimizer/slot_';

/** The JSON header of a model file (besides its tensor table). */
export interface ModelFileMeta {
  kind: typeof KIND;
  myelinVersion: string;
  model: SequentialConfig;
  /** null for a model saved before compile. */
  compile: CompileConfig | null;
  optimizer: { iterations: number; slots: number } | null;
  /** Epochs trained (the initialEpoch to resume at) and the shuffle/dropout seed of that run. */
  training: { epoch: number; seed: number | null };
  preprocessing: ReturnType<Preprocessing['toJSON']> | null;
  /** model.metadata (absent in files written before it existed). */
  metadata?: Metadata;
}

/** The 'myelin' format's encoder; encodeModel (./formats.ts) has checked the model first. */
export function modelToBytes(model: Sequential, where = 'toBuffer'): Uint8Array {
  const tensors: Tensor[] = model.weights.map((w) => ({
    name: w.name,
    shape: w.shape,
    data: w.value instanceof Matrix ? w.value.data : w.value,
  }));
  const compile = model.getCompileConfig();
  let optimizer: ModelFileMeta['optimizer'] = null;
  if (compile) {
    const state = model.getOptimizerState();
    optimizer = { iterations: state.iterations, slots: state.slots.length };
    state.slots.forEach((s, i) => tensors.push({ name: SLOT + i, shape: [s.length], data: s }));
  }
  const meta: ModelFileMeta = {
    kind: KIND,
    myelinVersion: version,
    model: model.getConfig(),
    compile,
    optimizer,
    training: { epoch: model.epochsTrained, seed: model.trainingSeed },
    preprocessing: model.preprocessing?.toJSON() ?? null,
    metadata: checkMetadata(model.metadata, `${where}: metadata`),
  };
  return encodeFile(meta as unknown as Record<string, unknown>, tensors);
}
