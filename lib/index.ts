// The public API of myelin.
export { Matrix } from './matrix.js';
export { matmul, matmulAsync, type MatmulOptions } from './ops.js';
export { backendInfo, setNumThreads, version, type BackendInfo } from './backend.js';
export {
  DeepExplainer,
  KernelExplainer,
  exactShapleyValues,
  permutationImportance,
  type DenseLayerInput,
  type KernelShapOptions,
  type PermutationImportance,
  type PermutationImportanceOptions,
} from './explain/index.js';
