// The --memory branch of `myelin train`: report, train and save from streamed passes (./train-stream.ts).
import { setSeed } from '../index.js';
import { saveTrained } from './model-file.js';
import { checkEncodedWidth } from '../data/one-hot.js';
import { idReason, ignoreHint, noteNumbersAsText } from './training-table.js';
import type { Output } from './output.js';
import { duration } from './progress.js';
import type { StageSetup } from './train-stage.js';
import { firstChunkIds, fitStreaming, planPass, scoreStreaming, type StreamPlan } from './train-stream.js';

export interface StreamedRun {
  target: string;
  features?: string[];
  ignore?: string[];
  delimiter: string;
  categorical?: string[];
  valFrac: number;
  testFrac: number;
  seed: number;
  epochs: number;
  patience: number;
  logEvery: number;
  modelPath: string;
  memory: number;
  impute: 'mean' | 'median' | 'drop';
}

export async function trainStreamed(file: string, r: StreamedRun, setup: StageSetup, out: Output): Promise<void> {
  // Chunks of ~1/64 of the budget keep a few of them (reading, training, the next) well inside it.
  const plan: StreamPlan = {
    file,
    target: r.target,
    read: {
      delimiter: r.delimiter,
      missing: true,
      ...(r.features ? { features: [...r.features, r.target] } : {}),
      ...(r.ignore ? { ignore: r.ignore } : {}),
    },
    fractions: { val: r.valFrac, test: r.testFrac },
    seed: r.seed,
    batchRows: 16384,
    impute: r.impute,
  };
  out.line(
    `${file} is larger than --memory ${Math.round(r.memory / 2 ** 20)} MB: streaming it (rows split by a hash of their position)`,
  );
  const started = performance.now();
  let ids: string[] = [];
  if (!r.features) {
    const first = await firstChunkIds(plan);
    ids = first?.ids ?? [];
    for (const id of ids)
      out.note(
        `note: "${id}" ${idReason(first!.chunk, id)}, judged on the first ${first!.chunk.rows} rows; it is left ` +
          'out of the features (name it in --features to use it)',
      );
    if (ids.length) plan.read = { ...plan.read, ignore: [...(plan.read.ignore ?? []), ...ids] };
  }
  const { layout, preprocessor, rows } = await planPass(plan, r.categorical);
  for (const [name, k] of Object.entries(layout.categories)) if (name !== r.target) noteNumbersAsText(name, k, out);
  checkEncodedWidth(
    layout.names.filter((n) => n !== r.target).map((n) => [n, layout.categories[n]?.length ?? 1] as const),
    plan.batchRows,
    `${file}: one-hot encoding`,
    `the ${plan.batchRows}-row chunks`,
    ignoreHint,
  );
  const classes = layout.classNames?.length ?? 0;
  out.line(
    `Task: ${layout.task}${classes ? ` (classes ${layout.classNames!.join(', ')})` : ''}; ${rows.train} training rows`,
  );
  setSeed(r.seed);
  const { model, history } = await fitStreaming(
    { ...setup, task: layout.task, classes },
    plan,
    layout,
    preprocessor,
    r,
    out,
  );
  out.line(
    `Trained ${history.epoch.length} epochs in ${duration(performance.now() - started)} (no refit when streaming)`,
  );
  const scores = await scoreStreaming(model, plan, layout);
  out.line(
    `Test set (${scores.rows} rows): ${layout.task === 'classification' ? `accuracy ${(scores.accuracy as number).toFixed(4)}` : `MSE ${(scores.mse as number).toPrecision(4)}   MAE ${(scores.mae as number).toPrecision(4)}   R² ${(scores.r2 as number).toFixed(4)}`}`,
  );
  const featureNames = layout.names.filter((_, j) => j !== layout.targetCol);
  await saveTrained(
    model,
    preprocessor,
    { task: layout.task, target: r.target, featureNames, classNames: layout.classNames },
    r.modelPath,
  );
  out.line(`Model saved to ${r.modelPath}`);
  out.result({
    streamed: true,
    task: layout.task,
    target: r.target,
    features: featureNames,
    classNames: layout.classNames ?? null,
    rows: { train: rows.train },
    idColumns: ids,
    epochs: history.epoch.length,
    history: history.history,
    scores,
    model: r.modelPath,
  });
}
