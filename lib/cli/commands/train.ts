// `myelin train DATA.csv --target COL`: read, split 60/20/20, standardize on the training rows, train
// with early stopping, report test metrics, save the model with its preprocessing and class names.
import type { ActivationIdentifier } from '../../activations.js';
import type { LossIdentifier } from '../../losses.js';
import { basename, extname, join, resolve } from 'node:path';
import { Dense, EarlyStopping, Matrix, StandardScaler, plotConfusionMatrix, plotDecisionBoundary, plotHistory, plotModel, readCsv, setNumThreads, setSeed, trainValTestSplit, type CallbackHooks, type Sequential } from '../../index.js';
import type { Command } from '../command.js';
import { ArgReader } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { resolveLoss } from '../../losses.js';
import { buildNetwork, DEFAULT_LR, OPTIMIZERS, outputSetup } from '../network.js';
import { saveTrained, type TrainedMeta } from '../model-file.js';
import { scoreAndPrint, scoreJson } from '../metrics.js';
import type { Output } from '../output.js';
import { pictureFormat } from '../pictures.js';
import { duration, progressCallback } from '../progress.js';
import { prepareTarget, type Task } from '../task.js';

export const train: Command = {
  name: 'train',
  summary: 'train a network on a CSV file and save it',
  positionals: 'DATA.csv',
  description:
    'Reads DATA.csv (a header row, numeric feature columns, and the --target column: numbers or text labels),\n' +
    'splits the rows 60/20/20 into training, validation and test sets, standardizes the features with the\n' +
    'training rows\' mean and standard deviation, trains with early stopping on the validation loss, and\n' +
    'reports the test set\'s scores: the confusion matrix and per-class report for a classifier, MSE, MAE and\n' +
    'R² for regression. The saved model holds the standardization and the class names, so `myelin predict`\n' +
    'takes raw rows and prints labels as the training file named them.',
  options: {
    target: { type: 'string', short: 't', arg: 'COL', description: 'the column to predict (required)' },
    layers: { type: 'string', arg: 'N,N,…', description: 'hidden layer sizes; "none" for no hidden layer', default: '16,8' },
    activation: { type: 'string', arg: 'NAME', description: 'hidden layers\' activation (relu, tanh, sigmoid, elu, gelu, swish, leaky_relu)', default: 'relu' },
    task: { type: 'string', arg: 'auto|classification|regression', description: 'auto: text target or at most 10 integer values → classification', default: 'auto' },
    loss: { type: 'string', arg: 'NAME', description: 'loss, by its Keras name', default: 'binary_crossentropy for 2 classes, sparse_categorical_crossentropy for more, mean_squared_error for regression' },
    optimizer: { type: 'string', arg: OPTIMIZERS.join('|'), description: 'optimizer', default: 'adam' },
    lr: { type: 'string', arg: 'RATE', description: 'learning rate', default: '0.001; 0.01 for sgd' },
    momentum: { type: 'string', arg: 'M', description: 'momentum (sgd only)', default: '0.9' },
    epochs: { type: 'string', arg: 'N', description: 'most epochs to train (early stopping usually ends sooner)', default: '1000' },
    'batch-size': { type: 'string', arg: 'N', description: 'rows per gradient step', default: '32' },
    'validation-split': { type: 'string', arg: 'F', description: 'fraction of rows for validation', default: '0.2' },
    'test-split': { type: 'string', arg: 'F', description: 'fraction of rows held out for the final test', default: '0.2' },
    'early-stopping': { type: 'string', arg: 'PATIENCE', description: 'stop after PATIENCE epochs without a better validation loss and keep the best weights; 0 turns it off', default: '20' },
    seed: { type: 'string', arg: 'N', description: 'seed for the split, initial weights and shuffling', default: '1' },
    threads: { type: 'string', arg: 'N', description: 'CPU threads for training', default: 'all cores' },
    out: { type: 'string', short: 'o', arg: 'FILE', description: 'where to save the model', default: '<DATA>.myelin in the current folder' },
    plots: { type: 'string', arg: 'DIR', description: 'draw the training history, confusion matrix, model (and decision boundary for 2 features) into DIR' },
  },
  examples: [
    'myelin train iris.csv --target species',
    'myelin train houses.csv --target price --layers 32,16 --epochs 500 --out houses.myelin',
    'myelin train points.csv --target label --layers none --optimizer sgd --lr 0.1 --plots pictures',
  ],
  async run(args, out) {
    const a = new ArgReader(args, 'train');
    const [file] = a.positionals(['DATA.csv']);
    const target = a.string('target');
    if (!target) throw new UsageError('--target COL is required: the column to predict', 'train');
    const requested = a.choice('task', ['auto', 'classification', 'regression'] as const) ?? 'auto';
    const hidden = a.intList('layers') ?? [16, 8];
    // Names from the command line are checked at run time (checkName).
    const activation = (a.string('activation') ?? 'relu') as ActivationIdentifier;
    checkName(() => new Dense(1, { activation }), '--activation', /^Dense: activation: /);
    const loss = a.string('loss') as LossIdentifier | undefined;
    if (loss !== undefined) checkName(() => resolveLoss(loss), '--loss', /^(compile: )?loss: /);
    const optimizer = a.choice('optimizer', OPTIMIZERS) ?? 'adam';
    const lr = a.number('lr', { min: 0, exclusiveMin: true });
    const momentum = a.number('momentum', { min: 0, max: 1 });
    if (momentum !== undefined && optimizer !== 'sgd') throw new UsageError(`--momentum applies to --optimizer sgd, not ${optimizer}`, 'train');
    const epochs = a.number('epochs', { integer: true, min: 1 }) ?? 1000;
    const batchSize = a.number('batch-size', { integer: true, min: 1 }) ?? 32;
    const valFrac = a.number('validation-split', { min: 0, max: 0.9 }) ?? 0.2;
    const testFrac = a.number('test-split', { min: 0, max: 0.9 }) ?? 0.2;
    if (valFrac + testFrac >= 1) throw new UsageError(`--validation-split + --test-split must leave rows to train on; got ${valFrac} + ${testFrac}`, 'train');
    const patience = a.number('early-stopping', { integer: true, min: 0 }) ?? 20;
    const seed = a.number('seed', { integer: true, min: 0 }) ?? 1;
    const threads = a.number('threads', { integer: true, min: 1 });
    const modelPath = resolve(a.string('out') ?? `${basename(file!, extname(file!))}.myelin`);
    const plotsDir = a.string('plots');

    if (threads !== undefined) setNumThreads(threads);
    setSeed(seed);
    const csv = await readCsv(file!, { target });
    if (csv.rows < 10) throw new CliError(`${file} has ${csv.rows} data rows; training needs at least 10`);
    const prepared = prepareTarget(csv.y!, csv.classNames, csv.targetName ?? target, requested);
    const task = prepared.task;
    const classes = prepared.classNames?.length ?? 0;
    out.line(`${file}: ${csv.rows} rows, ${csv.featureNames.length} features → "${csv.targetName ?? target}"`);
    out.line(`Task: ${task} (${prepared.reason})`);

    const split = trainValTestSplit(csv.x, prepared.y, { train: 1 - valFrac - testFrac, val: valFrac, test: testFrac, seed, stratify: task === 'classification' && stratifiable(prepared.y, classes, valFrac, testFrac) });
    out.line(`Split: ${split.xTrain.rows} training, ${split.xVal.rows} validation, ${split.xTest.rows} test rows (seed ${seed})`);
    if (split.xTrain.rows < 2) throw new UsageError(`only ${split.xTrain.rows} training rows after the split; lower --validation-split or --test-split`, 'train');

    const scaler = new StandardScaler().fit(split.xTrain);
    const constant = constantColumns(split.xTrain).map((j) => csv.featureNames[j]!);
    if (constant.length) out.note(`note: ${constant.map((c) => `"${c}"`).join(', ')} ${constant.length === 1 ? 'is' : 'are'} constant in the training rows and cannot help the model`);
    const xTrain = scaler.transform(split.xTrain);
    const xVal = scaler.transform(split.xVal);
    // Regression learns a standardized target (any scale trains alike); the scale is folded back into
    // the output layer afterwards, so the saved model predicts in the target's own units.
    const yScale = task === 'regression' ? targetScale(split.yTrain as Float32Array) : { mean: 0, std: 1 };
    const scaleY = (y: Float32Array | Int32Array) => (task === 'regression' ? Float32Array.from(y, (v) => (v - yScale.mean) / yScale.std) : y);

    const model = checkName(() => buildNetwork({ inputDim: csv.featureNames.length, hidden, activation, task, classes, loss, optimizer, lr, momentum: momentum ?? 0.9 }), '--loss', /^compile: loss: /);
    if (!out.json) out.line(model.summary(null));
    const head = outputSetup(task, classes);
    out.line(`Training: up to ${epochs} epochs, batch ${batchSize}, ${optimizer} (lr ${lr ?? DEFAULT_LR[optimizer]}${optimizer === 'sgd' ? `, momentum ${momentum ?? 0.9}` : ''}), loss ${loss ?? head.loss}${task === 'regression' ? ' on the standardized target' : ''}${patience > 0 ? `, early stopping after ${patience} epochs without improvement` : ''}`);
    const hasVal = xVal.rows > 0;
    const callbacks: CallbackHooks[] = [progressCallback(out, { epochs, indent: '  ' })];
    if (patience > 0) callbacks.push(new EarlyStopping({ monitor: hasVal ? 'val_loss' : 'loss', patience, restoreBestWeights: true }));
    const started = performance.now();
    const history = await model.fit(xTrain, scaleY(split.yTrain), {
      epochs,
      batchSize,
      verbose: 0,
      callbacks,
      ...(hasVal ? { validationData: [xVal, scaleY(split.yVal)] as [Matrix, Float32Array | Int32Array] } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    if (task === 'regression') foldTargetScale(model, yScale);
    out.line(`Trained ${history.epoch.length} epochs in ${duration(seconds * 1000)}${history.epoch.length < epochs ? ' (stopped early; the best epoch\'s weights are kept)' : ''}`);

    const evalX = split.xTest.rows > 0 ? split.xTest : split.xVal.rows > 0 ? split.xVal : split.xTrain;
    const evalY = split.xTest.rows > 0 ? split.yTest : split.xVal.rows > 0 ? split.yVal : split.yTrain;
    const heading = split.xTest.rows > 0 ? 'Test set' : split.xVal.rows > 0 ? 'Validation set (no test rows)' : 'Training set (no held-out rows)';
    const score = scoreAndPrint(model, scaler.transform(evalX), evalY as Int32Array | Float32Array, task, prepared.classNames, heading, out);

    // Pictures first: saving attaches the scaler to the model, after which predict takes raw rows.
    out.line('');
    const pictures = plotsDir ? drawTrainingPictures(model, history, score.confusionMatrix, prepared.classNames, csv.featureNames, scaler, evalX, evalY, plotsDir, out) : [];
    const meta: TrainedMeta = { task, target: csv.targetName ?? target, featureNames: csv.featureNames, classNames: prepared.classNames };
    await saveTrained(model, scaler, meta, modelPath);
    out.line(`Model saved to ${modelPath}`);
    out.result({ task, reason: prepared.reason, target: meta.target, features: csv.featureNames, classNames: prepared.classNames ?? null, rows: { train: split.xTrain.rows, validation: split.xVal.rows, test: split.xTest.rows }, epochs: history.epoch.length, seconds, history: history.history, evaluatedOn: heading, scores: scoreJson(score), model: modelPath, pictures });
  },
};

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

function targetScale(y: Float32Array): { mean: number; std: number } {
  let mean = 0;
  for (const v of y) mean += v;
  mean /= y.length;
  let s = 0;
  for (const v of y) s += (v - mean) ** 2;
  const std = Math.sqrt(s / y.length);
  return { mean, std: std > 0 ? std : 1 };
}

/** output = std · (x·W + b) + mean, as new weights of the (linear) output layer. */
function foldTargetScale(model: Sequential, s: { mean: number; std: number }): void {
  const weights = model.getWeights();
  const kernel = weights[weights.length - 2] as Matrix;
  const bias = weights[weights.length - 1] as Float32Array;
  weights[weights.length - 2] = new Matrix(kernel.rows, kernel.cols, kernel.data.map((w) => w * s.std));
  weights[weights.length - 1] = bias.map((b) => b * s.std + s.mean);
  model.setWeights(weights);
}

function drawTrainingPictures(model: Sequential, history: Parameters<typeof plotHistory>[0], cm: number[][] | undefined, classNames: string[] | undefined, featureNames: string[], scaler: StandardScaler, x: Matrix, y: Int32Array | Float32Array, dir: string, out: Output): string[] {
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
  if (cm && featureNames.length === 2)
    plotDecisionBoundary({ predict: (g: Matrix) => model.predict(scaler.transform(g)) }, x, y, { toFile: file('decision-boundary'), classNames, featureNames, title: 'Held-out rows over the decision regions' });
  out.line(`Pictures: ${files.join(', ')}`);
  return files;
}

export type { Task };
