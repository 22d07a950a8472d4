export { toCategorical, fromCategorical, type ClassIndexes, type ClassScores } from './categorical.js';
export {
  StandardScaler,
  MinMaxScaler,
  scalerFromConfig,
  type Scaler,
  type ScalerConfig,
  type ScalerInput,
} from './scalers.js';
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
export {
  readCsv,
  readCsvBatches,
  parseCsv,
  CsvError,
  type CsvData,
  type CsvDataWithTarget,
  type CsvSource,
  type ReadCsvOptions,
  type ReadCsvWithTarget,
} from './csv.js';
export { Imputer, IMPUTE_STRATEGIES, type ImputeStrategy, type ImputerOptions } from './imputer.js';
export { OneHotEncoder } from './one-hot.js';
export {
  Preprocessor,
  type PreprocessorColumn,
  type PreprocessorConfig,
  type PreprocessorOptions,
} from './preprocessor.js';
export { preprocessingFromConfig, type Preprocessing } from './preprocessing.js';
export { MISSING_MARKERS } from './csv-cells.js';
export type { Cell, Table, TableInput } from './table.js';
export { csvDataset, type CsvDatasetOptions, type TableBatch } from './csv-dataset.js';
export { streamStatistics, type StreamStatisticsOptions } from './stream-statistics.js';
export { tableFormat, tableSource, type TableFormat } from './table-files.js';
