// `myelin train DATA.csv --target COL`: read, split 60/20/20, standardize on the training rows, train
// with early stopping, report test metrics, save the model with its preprocessing and class names.
import { stat } from 'node:fs/promises';
import { setNumThreads, setSeed, trainValTestSplit, type Matrix, type Preprocessor, type Table } from '../../index.js';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { checkWritable } from '../input.js';
import { DEFAULT_LR, outputSetup } from '../network.js';
import { saveTrained, type TrainedMeta } from '../model-file.js';
import { scoreAndPrint, scoreJson } from '../metrics.js';
import { duration } from '../progress.js';
import { concatRows, concatTargets, type StageSetup, trainStage } from '../train-stage.js';
import { trainStreamed } from '../train-streamed.js';
import { memoryOption, readTrainArgs, TRAIN_OPTIONS } from '../train-options.js';
import { checkPlotsDir, drawTrainingPictures } from '../train-pictures.js';
import { describeTable, readTrainingTable } from '../training-table.js';
import { prepareTarget, type Task } from '../task.js';

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
  options: TRAIN_OPTIONS,
  examples: [
    'myelin train iris.csv --target species',
    'myelin train penguins.csv --target species --ignore rowid --impute median',
    'myelin train houses.csv --target price --layers 32,16 --epochs 500 --out houses.myelin',
    'myelin train points.csv --target label --layers none --optimizer sgd --lr 0.1 --plots pictures',
  ],
  async run(args, out) {
    const t = readTrainArgs(args);
    const { file, target, features, ignore, categorical, impute, delimiter, requested, hidden, activation } = t;
    const { loss, optimizer, lr, momentum, epochs, batchSize, valFrac, testFrac, patience, seed } = t;
    const { threads, logEvery, refit, modelPath, plotsDir } = t;
    // Where results go is checked now, not after minutes of training.
    await checkWritable(modelPath, 'the model to');
    if (plotsDir) await checkPlotsDir(plotsDir);

    const memory = memoryOption(t.memory);
    const stageSetup = (task: Task, classes: number, imputed: 'mean' | 'median'): StageSetup => ({
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
      impute: imputed,
    });

    if (threads !== undefined) setNumThreads(threads);
    setSeed(seed);
    if (memory !== undefined && file !== '-' && ((await stat(file).catch(() => null))?.size ?? 0) > memory) {
      await trainStreamed(
        file,
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
        stageSetup('regression', 0, impute === 'median' ? 'median' : 'mean'), // the task is found while streaming
        out,
      );
      return;
    }
    const { csv, report } = await readTrainingTable(
      file,
      { target, features, ignore, categorical, delimiter, impute },
      out,
    );
    if (csv.rows < 10)
      throw new CliError(
        `${file} has ${csv.rows} data rows${csv.droppedRows ? ` with a target` : ''}; training needs at least 10`,
      );
    const prepared = prepareTarget(csv.y, csv.classNames, csv.targetName, requested, 'train', csv.targetLabels);
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

    const setup = stageSetup(task, classes, impute === 'median' ? 'median' : 'mean');
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
      emptyColumns: report.emptyColumns,
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

export type { Task };
