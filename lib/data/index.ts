export { toCategorical, fromCategorical, type ClassIndexes, type ClassScores } from './categorical.js';
export { StandardScaler, MinMaxScaler, scalerFromConfig, type Scaler, type ScalerConfig, type ScalerInput } from './scalers.js';
export {
  trainTestSplit,
  trainValTestSplit,
  type SplitCommon,
  type SplitFeatures,
  type SplitTargets,
  type TrainTestOptions,
  type TrainTestSplit,
  type TrainValTestOptions,
  type TrainValTestSplit,
} from './split.js';
export { readCsv, parseCsv, CsvError, type CsvData, type CsvDataWithTarget, type CsvSource, type ReadCsvOptions, type ReadCsvWithTarget } from './csv.js';
