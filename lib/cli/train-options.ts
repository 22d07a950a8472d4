// The command line of `myelin train`: its options (as --help shows them) and what they say, checked.
import { basename, extname, resolve } from 'node:path';
import type { ActivationIdentifier } from '../activations.js';
import { Dense } from '../index.js';
import { type LossIdentifier, resolveLoss } from '../losses.js';
import { MAX_EPOCHS } from '../names.js';
import { ArgReader } from './args.js';
import type { OptionSpec, ParsedArgs } from './command.js';
import { UsageError } from './errors.js';
import { OPTIMIZERS } from './network.js';
import { delimiterOption } from './training-table.js';

/** Defaults `myelin train` uses (see docs/data.md for how they compare with scikit-learn's). */
const DEFAULT_LAYERS = [100]; // sklearn MLP's hidden_layer_sizes; bench/defaults/compare.py
const DEFAULT_BATCH = 32;

export const TRAIN_OPTIONS: Record<string, OptionSpec> = {
  target: { type: 'string', short: 't', arg: 'COL', description: 'the column to predict (required)' },
  features: {
    type: 'string',
    arg: 'COL,…',
    description: 'the feature columns',
    default: 'every column but the target, ids and --ignore',
  },
  ignore: { type: 'string', arg: 'COL,…', description: 'columns to leave out of the features' },
  categorical: {
    type: 'string',
    arg: 'COL,…',
    description: 'numeric columns to one-hot encode as categories (text columns always are)',
  },
  impute: {
    type: 'string',
    arg: 'mean|median|drop',
    description: 'missing numbers: the column mean or median of the training rows, or drop rows with missing cells',
    default: 'mean',
  },
  delimiter: {
    type: 'string',
    arg: 'C',
    description: 'field delimiter: one character, tab, or auto (the one of , ; tab the header uses)',
    default: 'auto',
  },
  layers: {
    type: 'string',
    arg: 'N,N,…',
    description: 'hidden layer sizes; "none" for no hidden layer',
    default: DEFAULT_LAYERS.join(','),
  },
  activation: {
    type: 'string',
    arg: 'NAME',
    description: "hidden layers' activation (relu, tanh, sigmoid, elu, gelu, swish, leaky_relu)",
    default: 'relu',
  },
  task: {
    type: 'string',
    arg: 'auto|classification|regression',
    description: 'auto: text target or at most 10 integer values → classification',
    default: 'auto',
  },
  loss: {
    type: 'string',
    arg: 'NAME',
    description: 'loss, by its Keras name',
    default:
      'binary_crossentropy for 2 classes, sparse_categorical_crossentropy for more, mean_squared_error for regression',
  },
  optimizer: { type: 'string', arg: OPTIMIZERS.join('|'), description: 'optimizer', default: 'adam' },
  lr: { type: 'string', arg: 'RATE', description: 'learning rate', default: '0.001; 0.01 for sgd' },
  momentum: { type: 'string', arg: 'M', description: 'momentum (sgd only)', default: '0.9' },
  epochs: {
    type: 'string',
    arg: 'N',
    description: 'most epochs to train (early stopping usually ends sooner)',
    default: '1000',
  },
  'batch-size': { type: 'string', arg: 'N', description: 'rows per gradient step', default: String(DEFAULT_BATCH) },
  'validation-split': { type: 'string', arg: 'F', description: 'fraction of rows for validation', default: '0.2' },
  'test-split': {
    type: 'string',
    arg: 'F',
    description: 'fraction of rows held out for the final test',
    default: '0.2',
  },
  'early-stopping': {
    type: 'string',
    arg: 'PATIENCE',
    description:
      'stop after PATIENCE epochs without a better validation loss and keep the best weights; 0 turns it off',
    default: '20',
  },
  'no-refit': {
    type: 'boolean',
    description: 'keep the early-stopped model instead of training the final one on training + validation rows',
  },
  seed: { type: 'string', arg: 'N', description: 'seed for the split, initial weights and shuffling', default: '1' },
  threads: { type: 'string', arg: 'N', description: 'CPU threads for training', default: 'all cores' },
  memory: {
    type: 'string',
    arg: 'SIZE',
    description:
      'stream a file larger than SIZE (e.g. 512MB) instead of loading it: rows split by a hash of their position, no refit',
  },
  'log-every': {
    type: 'string',
    arg: 'N',
    description: "without a terminal, print every N-th epoch's line (and the last)",
    default: '1',
  },
  out: {
    type: 'string',
    short: 'o',
    arg: 'FILE',
    description: 'where to save the model',
    default: '<DATA>.myelin in the current folder',
  },
  plots: {
    type: 'string',
    arg: 'DIR',
    description: 'draw the training history, confusion matrix, model (and decision boundary for 2 features) into DIR',
  },
};

/** The settings of one `myelin train` run. */
export type TrainArgs = ReturnType<typeof readTrainArgs>;

/** Reads and checks the command line; the model path is resolved, nothing is touched yet. */
export function readTrainArgs(args: ParsedArgs) {
  const a = new ArgReader(args, 'train');
  const [file] = a.positionals(['DATA.csv']);
  const target = a.string('target');
  if (!target) throw new UsageError('--target COL is required: the column to predict', 'train');
  const features = a.names('features');
  const ignore = a.names('ignore');
  if (features && ignore) throw new UsageError('give --features or --ignore, not both', 'train');
  const categorical = a.names('categorical');
  const impute = a.choice('impute', ['mean', 'median', 'drop'] as const) ?? 'mean';
  const delimiter = delimiterOption(a.string('delimiter'));
  const requested = a.choice('task', ['auto', 'classification', 'regression'] as const) ?? 'auto';
  const hidden = a.intList('layers') ?? DEFAULT_LAYERS;
  // Names from the command line are checked at run time (checkName).
  const activation = (a.string('activation') ?? 'relu') as ActivationIdentifier;
  checkName(() => new Dense(1, { activation }), '--activation', /^Dense: activation: /);
  const loss = a.string('loss') as LossIdentifier | undefined;
  if (loss !== undefined) checkName(() => resolveLoss(loss), '--loss', /^(compile: )?loss: /);
  const optimizer = a.choice('optimizer', OPTIMIZERS) ?? 'adam';
  const lr = a.number('lr', { min: 0, exclusiveMin: true });
  const momentum = a.number('momentum', { min: 0, max: 1 });
  if (momentum !== undefined && optimizer !== 'sgd')
    throw new UsageError(`--momentum applies to --optimizer sgd, not ${optimizer}`, 'train');
  const epochs = a.number('epochs', { integer: true, min: 1, max: MAX_EPOCHS }) ?? 1000;
  const batchSize = a.number('batch-size', { integer: true, min: 1 }) ?? DEFAULT_BATCH;
  const valFrac = a.number('validation-split', { min: 0, max: 0.9 }) ?? 0.2;
  const testFrac = a.number('test-split', { min: 0, max: 0.9 }) ?? 0.2;
  if (valFrac + testFrac >= 1)
    throw new UsageError(
      `--validation-split + --test-split must leave rows to train on; got ${valFrac} + ${testFrac}`,
      'train',
    );
  const patience = a.number('early-stopping', { integer: true, min: 0 }) ?? 20;
  const seed = a.number('seed', { integer: true, min: 0 }) ?? 1;
  const threads = a.number('threads', { integer: true, min: 1 });
  const logEvery = a.number('log-every', { integer: true, min: 1 }) ?? 1;
  const refit = !a.flag('no-refit') && patience > 0 && valFrac > 0;
  const stem = file === '-' ? 'model' : basename(file!, extname(file!));
  const modelPath = resolve(a.string('out') ?? `${stem}.myelin`);
  const plotsDir = a.string('plots');
  return {
    file: file!,
    target,
    features,
    ignore,
    categorical,
    impute,
    delimiter,
    requested,
    hidden,
    activation,
    loss,
    optimizer,
    lr,
    momentum,
    epochs,
    batchSize,
    valFrac,
    testFrac,
    patience,
    seed,
    threads,
    logEvery,
    refit,
    modelPath,
    plotsDir,
    memory: a.string('memory'),
  };
}

/** --memory 512MB → bytes (K, M, G with or without B; plain numbers are bytes). */
export function memoryOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(raw);
  if (!m || Number(m[1]) <= 0) throw new UsageError(`--memory must be a size like 512MB or 2GB; got "${raw}"`, 'train');
  return Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
}

/** Runs `f`; an unknown-name error from the library is reported as a mistake in the option that gave the name. */
function checkName<T>(f: () => T, option: string, prefix: RegExp): T {
  try {
    return f();
  } catch (e) {
    const msg = (e as Error).message;
    if (prefix.test(msg)) throw new UsageError(`${option}: ${msg.replace(prefix, '')}`, 'train');
    throw e;
  }
}
