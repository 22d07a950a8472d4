export { loadModel, type FormatName } from './formats.js';
export type { ModelFileMeta } from './model-file.js';
export type { Metadata, JsonValue } from './metadata.js';
export { ModelFileError } from './format.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './checkpoint.js';
