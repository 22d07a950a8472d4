// `myelin evaluate MODEL DATA.csv --target COL`: the saved model's scores on labelled rows.
import type { Command } from '../command.js';
import { ArgReader } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { loadTrained, readLabelled } from '../model-file.js';
import { scoreAndPrint, scoreJson } from '../metrics.js';

export const evaluate: Command = {
  name: 'evaluate',
  summary: 'score a saved model on a labelled CSV file',
  positionals: 'MODEL DATA.csv',
  description: 'Classifiers: the confusion matrix and per-class precision, recall and F1. Regression: MSE, MAE and R².',
  options: {
    target: {
      type: 'string',
      short: 't',
      arg: 'COL',
      description: 'the column with the true labels or values',
      default: 'the column the model was trained on',
    },
  },
  examples: ['myelin evaluate iris.myelin iris-test.csv --target species'],
  async run(args, out) {
    const a = new ArgReader(args, 'evaluate');
    const [modelFile, dataFile] = a.positionals(['MODEL', 'DATA.csv']);
    const t = await loadTrained(modelFile!);
    const target = a.string('target') ?? t.meta.target;
    if (!target)
      throw new UsageError('--target COL is required: this model does not say which column it predicts', 'evaluate');
    const { x, y, dropped } = await readLabelled(t, dataFile!, target);
    if (y.length === 0)
      throw new CliError(
        `${dataFile} has no rows to evaluate${dropped ? `: all ${dropped} lack the target "${target}"` : ''}`,
      );
    if (dropped) out.line(`Dropped ${dropped} rows whose target is missing`);
    const score = scoreAndPrint(t.model, x, y, t.meta.task, t.meta.classNames, `${dataFile}`, out);
    out.result({
      model: t.path,
      data: dataFile,
      target,
      task: t.meta.task,
      droppedRows: dropped,
      scores: scoreJson(score),
    });
  },
};
