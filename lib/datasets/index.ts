// Built-in data: the course's generated problems and the Iris data set.
export { linear, circle } from './synthetic.js';
export { iris, IRIS_PATH } from './iris.js';
export { mulberry32, type Rng } from './random.js';
export type { Dataset, GeneratorOptions } from './dataset.js';
