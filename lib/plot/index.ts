// Pictures of models, training and results, as SVG (PNG when the file name ends in .png).
export { plotHistory, type HistoryLike, type PlotHistoryOptions } from './history.js';
export { plotConfusionMatrix, type PlotConfusionMatrixOptions } from './confusion.js';
export { plotModel, describeLayers, type LayerDescription, type ModelLike, type PlotModelOptions } from './model.js';
export { plotDecisionBoundary, type Predictor, type PlotDecisionBoundaryOptions } from './boundary.js';
export { svgToPng, type PlotFileOptions } from './output.js';
