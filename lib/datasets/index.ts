// Built-in data: the course's generated problems and the Iris data set.
export { linear, circle } from './synthetic.js';
export { iris, IRIS_PATH } from './iris.js';
export type { Dataset, GeneratorOptions } from './dataset.js';
