// The first bytes that tell the model file formats apart (loadModel sniffs with them, ./formats.ts; readCsv names
// such a file rather than reading it as a table). No imports beyond the myelin file's magic: any module may use it.
import { MAGIC } from './format.js';

const startsWith = (bytes: Uint8Array, sig: ArrayLike<number>, at = 0) =>
  bytes.length >= at + sig.length && Array.prototype.every.call(sig, (b: number, i: number) => bytes[at + i] === b);
/** myelin's own file. */
export const isMyelin = (b: Uint8Array) => startsWith(b, MAGIC);
/** A zip's first local file header (a .keras archive). */
export const isZip = (b: Uint8Array) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]);
const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
/** HDF5's signature sits at 0 or, after a user block, at 512, 1024, 2048... */
export const isHdf5 = (b: Uint8Array) => {
  for (let at = 0; at + HDF5.length <= b.length; at = at === 0 ? 512 : at * 2) if (startsWith(b, HDF5, at)) return true;
  return false;
};
