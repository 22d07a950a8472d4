// The public API of myelin.
export { Matrix } from './matrix.js';
export { matmul, matmulAsync, type MatmulOptions } from './ops.js';
export { backendInfo, setNumThreads, version, type BackendInfo } from './backend.js';
export * from './data/index.js';
export * from './evaluate/index.js';
export * as datasets from './datasets/index.js';
export {
  plotHistory,
  plotConfusionMatrix,
  plotModel,
  plotDecisionBoundary,
  svgToPng,
  type HistoryLike,
  type LayerDescription,
  type PlotConfusionMatrixOptions,
  type PlotDecisionBoundaryOptions,
  type PlotFileOptions,
  type PlotHistoryOptions,
  type PlotModelOptions,
} from './plot/index.js';
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
