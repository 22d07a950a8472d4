// Keras files: the Keras 3 .keras archive and the Keras 2 legacy .h5 (see docs/model-files.md).
export { kerasFromBytes, kerasToBytes } from './archive.js';
export { h5FromBytes, h5ToBytes } from './legacy-h5.js';
