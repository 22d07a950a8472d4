export {
  confusionMatrix,
  formatConfusionMatrix,
  type ConfusionMatrixOptions,
  type FormatConfusionMatrixOptions,
  type Labels,
} from './confusion-matrix.js';
export {
  classificationReport,
  type BinaryErrors,
  type ClassificationReport,
  type ClassificationReportOptions,
  type ClassReportRow,
  type ClassScoresRow,
} from './report.js';
