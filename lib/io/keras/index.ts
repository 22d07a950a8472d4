// Keras files: Keras 3's .keras archive and Keras 2's legacy .h5 (docs/model-files.md). The format registry
// (../formats.ts) takes the snapshot itself and imports the writers and readers on first use.
import type { Sequential } from '../../model/sequential.js';
import { snapshot } from './snapshot.js';
import { h5FromSnapshot } from './write-h5.js';
import { kerasFromSnapshot } from './write-keras.js';

export { kerasFromBytes } from './read-keras.js';
export { h5FromBytes } from './read-h5.js';

/** The bytes of a .keras file for `model` (read before the first await). */
export function kerasToBytes(model: Sequential, where = 'toBuffer'): Promise<Uint8Array> {
  return kerasFromSnapshot(snapshot(model, where));
}

/** The bytes of a legacy .h5 file for `model` (read before the first await). */
export function h5ToBytes(model: Sequential, where = 'toBuffer'): Promise<Uint8Array> {
  return h5FromSnapshot(snapshot(model, where));
}
