export { loadModel, type FormatName } from './formats.js';
export type { ModelFileMeta } from './model-save.js';
export type { Metadata, JsonValue } from './metadata.js';
export { ModelFileError } from './format.js';
