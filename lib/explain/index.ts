// Explaining predictions: SHAP values (DeepExplainer, KernelExplainer, exact enumeration) and
// permutation importance.
export { DeepExplainer, type DeepExplainerOptions, type SoftmaxRuleName } from './deep.js';
export { summaryPlot, type SummaryPlotOptions } from './summary-plot.js';
export { KernelExplainer, EXACT_MAX_FEATURES, type KernelShapOptions } from './kernel.js';
export { exactShapleyValues } from './shapley.js';
export { permutationImportance, type PermutationImportance, type PermutationImportanceOptions } from './permutation.js';
export type { DenseLayerInput, PredictFn, PredictingModel, SequentialLike } from './model.js';
export type { MatrixLike } from './inputs.js';
export type { ScoreFn } from './metrics.js';
