// `myelin train DATA.csv --target COL`: read, split 60/20/20, standardize on the training rows, train
// with early stopping, report test metrics, save the model with its preprocessing and class names.
import type { ActivationIdentifier } from '../../activations.js';
import type { LossIdentifier } from '../../losses.js';
import { basename, extname, join, resolve } from 'node:path';
import { mkdir, stat } from 'node:fs/promises';
import {
  Dense,
  Matrix,
  plotConfusionMatrix,
  plotDecisionBoundary,
  plotHistory,
  plotModel,
  setNumThreads,
  setSeed,
  trainValTestSplit,
  type Preprocessor,
  type Sequential,
  type Table,
} from '../../index.js';
import type { Command } from '../command.js';
import { ArgReader } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { resolveLoss } from '../../losses.js';
import { checkWritable, reason } from '../input.js';
import { DEFAULT_LR, OPTIMIZERS, outputSetup } from '../network.js';
import { saveTrained, type TrainedMeta } from '../model-file.js';
import { scoreAndPrint, scoreJson } from '../metrics.js';
import type { Output } from '../output.js';
import { pictureFormat } from '../pictures.js';
import { duration } from '../progress.js';
import { concatRows, concatTargets, trainStage } from '../train-stage.js';
import { trainStreamed } from '../train-streamed.js';
import { delimiterOption, describeTable, readTrainingTable } from '../training-table.js';
import { prepareTarget, type Task } from '../task.js';

/** Defaults `myelin train` uses (see docs/data.md for how they compare with scikit-learn's). */
const DEFAULT_LAYERS = [100]; // sklearn MLP's hidden_layer_sizes; bench/defaults/compare.py
const DEFAULT_BATCH = 32;

export const train: Command = {
  name: 'train',
  summary: 'train a network on a CSV file and save it',
  positionals: 'DATA.csv',
  description:
    'Reads DATA.csv (a header row, feature columns of numbers or text, and the --target column: numbers or\n' +
    'text labels; "-" reads standard input), splits the rows 60/20/20 into training, validation and test sets,\n' +
    'fills missing cells (empty, NA, N/A, NaN, null, ?) and one-hot encodes text columns, standardizes numbers\n' +
    "with the training rows' statistics, trains with early stopping on the validation loss, then (--refit, the\n" +
    'default) trains the final model on training + validation rows for the epochs early stopping chose, and\n' +
    "reports the test set's scores: the confusion matrix and per-class report for a classifier, MSE, MAE and R²\n" +
    'for regression. Rows whose target is missing are dropped and counted. A column holding a different integer\n' +
    'on every row (an id) is left out unless named in --features. The saved model holds the preprocessing and\n' +
    'the class names, so `myelin predict` takes raw rows and prints labels as the training file named them.',
  options: {
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
  },
  examples: [
    'myelin train iris.csv --target species',
    'myelin train penguins.csv --target species --ignore rowid --impute median',
    'myelin train houses.csv --target price --layers 32,16 --epochs 500 --out houses.myelin',
    'myelin train points.csv --target label --layers none --optimizer sgd --lr 0.1 --plots pictures',
  ],
  async run(args, out) {
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
    const epochs = a.number('epochs', { integer: true, min: 1 }) ?? 1000;
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
    // Where results go is checked now, not after minutes of training.
    await checkWritable(modelPath, 'the model to');
    if (plotsDir) await checkPlotsDir(plotsDir);

    const memory = memoryOption(a.string('memory'));

    if (threads !== undefined) setNumThreads(threads);
    setSeed(seed);
    if (memory !== undefined && file !== '-' && (await stat(file!).catch(() => null))?.size! > memory) {
      const setup = {
        hidden,
        activation,
        task: 'regression' as Task,
        classes: 0,
        loss,
        optimizer,
        lr,
        momentum: momentum ?? 0.9,
        batchSize,
        categorical,
        impute: impute === 'median' ? 'median' : 'mean',
      } as const;
      await trainStreamed(
        file!,
        {
          target,
          features,
          ignore,
          delimiter,
          categorical,
          valFrac,
          testFrac,
          seed,
          epochs,
          patience,
          logEvery,
          modelPath,
          memory,
          impute,
        },
        setup,
        out,
      );
      return;
    }
    const { csv, report } = await readTrainingTable(
      file!,
      { target, features, ignore, categorical, delimiter, impute },
      out,
    );
    if (csv.rows < 10)
      throw new CliError(
        `${file} has ${csv.rows} data rows${csv.droppedRows ? ` with a target` : ''}; training needs at least 10`,
      );
    const prepared = prepareTarget(csv.y, csv.classNames, csv.targetName, requested);
    const task = prepared.task;
    const classes = prepared.classNames?.length ?? 0;
    out.line(
      `${file}: ${csv.rows} rows, ${csv.featureNames.length} features → "${csv.targetName}"${report.delimiter !== ',' ? ` (delimiter ${JSON.stringify(report.delimiter)})` : ''}`,
    );
    for (const l of describeTable(report)) out.line(l);
    out.line(`Task: ${task} (${prepared.reason})`);

    const split = trainValTestSplit(csv.x, prepared.y, {
      train: 1 - valFrac - testFrac,
      val: valFrac,
      test: testFrac,
      seed,
      stratify: task === 'classification' && stratifiable(prepared.y, classes, valFrac, testFrac),
    });
    out.line(
      `Split: ${split.xTrain.rows} training, ${split.xVal.rows} validation, ${split.xTest.rows} test rows (seed ${seed})`,
    );
    if (split.xTrain.rows < 2)
      throw new UsageError(
        `only ${split.xTrain.rows} training rows after the split; lower --validation-split or --test-split`,
        'train',
      );
    const table = (x: Matrix): Table => ({ x, categories: csv.categories, featureNames: csv.featureNames });

    const setup = {
      hidden,
      activation,
      task,
      classes,
      loss,
      optimizer,
      lr,
      momentum: momentum ?? 0.9,
      batchSize,
      categorical,
      impute: impute === 'median' ? 'median' : 'mean',
    } as const;
    const head = outputSetup(task, classes);
    const hasVal = split.xVal.rows > 0;
    const first = await trainStage(
      setup,
      table(split.xTrain),
      split.yTrain,
      hasVal ? [table(split.xVal), split.yVal] : null,
      { epochs, patience, seed, logEvery },
      out,
      (model) => {
        if (!out.json) out.line(model.summary(null));
        const noteConstant = constantColumns(split.xTrain).map((j) => csv.featureNames[j]!);
        if (noteConstant.length)
          out.note(
            `note: ${noteConstant.map((c) => `"${c}"`).join(', ')} ${noteConstant.length === 1 ? 'is' : 'are'} constant in the training rows and cannot help the model`,
          );
        out.line(
          `Training: up to ${epochs} epochs, batch ${batchSize}, ${optimizer} (lr ${lr ?? DEFAULT_LR[optimizer]}${optimizer === 'sgd' ? `, momentum ${momentum ?? 0.9}` : ''}), loss ${loss ?? head.loss}${task === 'regression' ? ' on the standardized target' : ''}${patience > 0 ? `, early stopping after ${patience} epochs without improvement` : ''}`,
        );
      },
    );
    let { model, history, seconds } = first;
    const stoppedEarly = history.epoch.length < epochs;
    out.line(
      `Trained ${history.epoch.length} epochs in ${duration(seconds * 1000)}${stoppedEarly ? ` (stopped early; best epoch ${first.bestEpochs})` : ''}`,
    );
    let trainRows = split.xTrain.rows;
    if (refit) {
      // The final model learns from training + validation rows, for as many epochs as early stopping kept.
      const both = concatRows(split.xTrain, split.xVal);
      const yBoth = concatTargets(split.yTrain, split.yVal);
      out.line(
        `Refit: a new model on training + validation rows (${both.rows}) for ${first.bestEpochs} epochs (--no-refit keeps the early-stopped one)`,
      );
      setSeed(seed);
      const second = await trainStage(
        setup,
        table(both),
        yBoth,
        null,
        { epochs: first.bestEpochs, patience: 0, seed, logEvery },
        out,
      );
      ({ model, history } = second);
      seconds += second.seconds;
      trainRows = both.rows;
    }

    const evalX = split.xTest.rows > 0 ? split.xTest : split.xVal.rows > 0 && !refit ? split.xVal : split.xTrain;
    const evalY = split.xTest.rows > 0 ? split.yTest : split.xVal.rows > 0 && !refit ? split.yVal : split.yTrain;
    const heading =
      split.xTest.rows > 0
        ? 'Test set'
        : split.xVal.rows > 0 && !refit
          ? 'Validation set (no test rows)'
          : 'Training set (no held-out rows)';
    const pre = model.preprocessing as Preprocessor;
    const score = scoreAndPrint(
      model,
      table(evalX),
      evalY as Int32Array | Float32Array,
      task,
      prepared.classNames,
      heading,
      out,
    );
    const unseen = pre.unseen.reduce((n, k) => n + k, 0);
    if (unseen)
      out.line(
        `  ${unseen} cells held categories the training rows lack (${pre.inputNames.filter((_, j) => pre.unseen[j]).join(', ')}): encoded as all zeros`,
      );

    out.line('');
    const pictures = plotsDir
      ? drawTrainingPictures(
          model,
          history,
          score.confusionMatrix,
          prepared.classNames,
          csv.featureNames,
          pre,
          evalX,
          evalY,
          plotsDir,
          out,
        )
      : [];
    const meta: TrainedMeta = {
      task,
      target: csv.targetName,
      featureNames: csv.featureNames,
      classNames: prepared.classNames,
    };
    await saveTrained(model, pre, meta, modelPath);
    out.line(`Model saved to ${modelPath}`);
    out.result({
      task,
      reason: prepared.reason,
      target: meta.target,
      features: csv.featureNames,
      classNames: prepared.classNames ?? null,
      rows: { train: split.xTrain.rows, validation: split.xVal.rows, test: split.xTest.rows, dropped: report.dropped },
      missing: report.missing,
      categorical: report.categorical,
      idColumns: report.idColumns,
      delimiter: report.delimiter,
      epochs: first.history.epoch.length,
      refit: refit ? { epochs: first.bestEpochs, rows: trainRows } : null,
      seconds,
      history: first.history.history,
      evaluatedOn: heading,
      scores: scoreJson(score),
      unseenCategories: unseen,
      model: modelPath,
      pictures,
    });
  },
};

/** --memory 512MB → bytes (K, M, G with or without B; plain numbers are bytes). */
function memoryOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(raw);
  if (!m || Number(m[1]) <= 0) throw new UsageError(`--memory must be a size like 512MB or 2GB; got "${raw}"`, 'train');
  return Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
}

async function checkPlotsDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new CliError(`cannot write pictures to ${dir}: ${reason(e)}`);
  }
  await checkWritable(resolve(dir, 'history.png'), 'pictures to');
}

function hasMissing(x: Matrix): boolean {
  for (let i = 0; i < x.data.length; i++) if (x.data[i] !== x.data[i]) return true;
  return false;
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

/** Stratify only when every class can appear in every part; tiny classes would make the split fail. */
function stratifiable(y: Int32Array | Float32Array, classes: number, val: number, test: number): boolean {
  const counts = new Array<number>(classes).fill(0);
  for (const v of y) counts[v]!++;
  const smallest = Math.min(...[val, test].filter((f) => f > 0), 1);
  return counts.every((c) => c * smallest >= 1);
}

function constantColumns(x: Matrix): number[] {
  const out: number[] = [];
  for (let j = 0; j < x.cols; j++) {
    let same = true;
    for (let i = 1; i < x.rows && same; i++) same = x.data[i * x.cols + j] === x.data[j];
    if (same) out.push(j);
  }
  return out;
}

function drawTrainingPictures(
  model: Sequential,
  history: Parameters<typeof plotHistory>[0],
  cm: number[][] | undefined,
  classNames: string[] | undefined,
  featureNames: string[],
  pre: Preprocessor,
  x: Matrix,
  y: Int32Array | Float32Array,
  dir: string,
  out: Output,
): string[] {
  const format = pictureFormat();
  const files: string[] = [];
  const file = (name: string) => {
    const f = resolve(join(dir, `${name}.${format}`));
    files.push(f);
    return f;
  };
  plotHistory(history, { toFile: file('history'), title: 'Training history' });
  plotModel(model, { toFile: file('model'), showShapes: true });
  if (cm) plotConfusionMatrix(cm, { toFile: file('confusion-matrix'), labels: classNames, title: 'Held-out rows' });
  if (cm && featureNames.length === 2 && pre.nFeatures === 2 && !hasMissing(x))
    plotDecisionBoundary({ predict: (g: Matrix) => model.predict(pre.transform(g)) }, x, y, {
      toFile: file('decision-boundary'),
      classNames,
      featureNames,
      title: 'Held-out rows over the decision regions',
    });
  out.line(`Pictures: ${files.join(', ')}`);
  return files;
}

export type { Task };
