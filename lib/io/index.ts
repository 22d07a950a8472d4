export { loadModel, type ModelFileMeta } from './model-file.js';
export { ModelFileError } from './format.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './checkpoint.js';
