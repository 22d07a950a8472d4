export { loadModel } from './model-file.js';
export type { ModelFileMeta } from './model-save.js';
export { ModelFileError } from './format.js';
