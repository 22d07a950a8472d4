// `myelin predict MODEL DATA.csv`: one output row per input row — the predicted class (named as in the
// training file) and each class's probability, or the predicted value. Rows stream through in batches,
// so memory stays flat whatever the file's size.
import { once } from 'node:events';
import { Preprocessor, readCsvBatches, type Matrix } from '../../index.js';
import { openAtomic } from '../../io/atomic-write.js';
import type { Command } from '../command.js';
import { ArgReader } from '../args.js';
import { csvLine } from '../csv-out.js';
import { CliError } from '../errors.js';
import { checkReadable, checkWritable, dataSource } from '../input.js';
import { checkWidth, featureOptions, loadTrained, type Trained } from '../model-file.js';

const BATCH_ROWS = 4096;

export const predict: Command = {
  name: 'predict',
  summary: 'predict with a saved model on a CSV file',
  positionals: 'MODEL DATA.csv',
  description:
    'Reads the feature columns the model was trained on, by name (others, such as the target, are ignored;\n' +
    '"-" reads standard input), and writes a CSV with a `prediction` column and, for classifiers, a\n' +
    '`probability_<class>` column per class; --keep puts columns of the input first (an id, to join on).\n' +
    'Text cells that a spreadsheet would run as formulas (starting with = + - @ tab or CR) are written\n' +
    "with a leading ' (OWASP's advice against CSV injection).",
  options: {
    out: {
      type: 'string',
      short: 'o',
      arg: 'FILE',
      description: 'write the predictions to FILE ("-": standard output)',
      default: 'standard output',
    },
    keep: {
      type: 'string',
      arg: 'COL,…',
      description: 'input columns to copy into the output, before the predictions',
    },
  },
  examples: [
    'myelin predict iris.myelin new-flowers.csv --out predictions.csv',
    'myelin predict iris.myelin new-flowers.csv --keep id > predictions.csv',
    'myelin predict model.onnx rows.csv',
  ],
  async run(args, out) {
    const a = new ArgReader(args, 'predict');
    const [modelFile, dataFile] = a.positionals(['MODEL', 'DATA.csv']);
    const outFile = a.string('out') === '-' ? undefined : a.string('out');
    const keep = a.names('keep') ?? [];
    if (outFile) await checkWritable(outFile, 'the predictions to');
    const t = await loadTrained(modelFile!);
    await checkReadable(dataFile!);
    const rows = readCsvBatches(dataSource(dataFile!), { ...featureOptions(t), keep, batchRows: BATCH_ROWS });
    // A file appears whole or not at all (a bad row half-way leaves the previous file); stdout streams.
    const file = outFile ? await openAtomic(outFile).catch((e) => Promise.reject(new CliError(e.message))) : null;
    const write = async (text: string) => {
      if (file)
        await file.write(text).catch((e) => Promise.reject(new CliError(`cannot write ${outFile}: ${e.message}`)));
      else if (!out.json && !process.stdout.write(text)) await once(process.stdout, 'drain');
    };
    const json: Record<string, unknown>[] = [];
    const unseen = new Map<string, number>();
    let count = 0;
    try {
      const names = classNames(t);
      // The header goes out with the first rows, once the file's columns are known to fit the model.
      let header = csvLine([...keep, 'prediction', ...(names ? names.map((n) => `probability_${n}`) : [])]);
      for await (const batch of rows) {
        checkWidth(t, batch, dataFile!);
        if (batch.rows === 0) continue;
        const p = t.model.predict(batch);
        countUnseen(t, unseen);
        let text = '';
        for (let i = 0; i < p.rows; i++) {
          const kept = batch.kept?.map((k) => k[i]!) ?? [];
          const r = predictionRow(p, i, names);
          text += csvLine([...kept, ...r.cells]);
          if (out.json)
            json.push({
              ...(keep.length ? { kept: Object.fromEntries(keep.map((k, j) => [k, kept[j]])) } : {}),
              ...r.json,
            });
        }
        count += p.rows;
        await write(header + text);
        header = '';
      }
      if (header) await write(header);
      await file?.commit().catch((e) => Promise.reject(new CliError(e.message)));
    } catch (e) {
      await file?.abort();
      throw e;
    }
    const unseenNote = [...unseen].map(([c, n]) => `${c} ${n}`).join(', ');
    if (unseen.size) out.note(`note: categories the training rows lack were encoded as all zeros (${unseenNote})`);
    if (outFile) out.note(`${count} predictions written to ${outFile}`);
    out.result({
      rows: count,
      task: t.meta.task,
      ...(outFile ? { out: outFile } : {}),
      unseenCategories: Object.fromEntries(unseen),
      predictions: json,
    });
  },
};

function classNames(t: Trained): string[] | null {
  if (t.meta.task !== 'classification') return null;
  const units = t.model.outputDim!;
  return t.meta.classNames ?? Array.from({ length: Math.max(2, units) }, (_, i) => String(i));
}

function predictionRow(
  p: Matrix,
  i: number,
  names: string[] | null,
): { cells: (string | number)[]; json: Record<string, unknown> } {
  if (!names) {
    const v = +p.data[i]!.toPrecision(7);
    return { cells: [v], json: { prediction: v } };
  }
  const probs = p.cols === 1 ? [1 - p.data[i]!, p.data[i]!] : Array.from(p.row(i));
  let best = 0;
  for (let j = 1; j < probs.length; j++) if (probs[j]! > probs[best]!) best = j;
  const rounded = probs.map((v) => +v.toPrecision(6));
  return {
    cells: [names[best]!, ...rounded],
    json: { prediction: names[best], probabilities: Object.fromEntries(names.map((n, j) => [n, rounded[j]])) },
  };
}

function countUnseen(t: Trained, into: Map<string, number>): void {
  const pre = t.model.preprocessing;
  if (!(pre instanceof Preprocessor)) return;
  pre.unseen.forEach((n, j) => n && into.set(pre.inputNames[j]!, (into.get(pre.inputNames[j]!) ?? 0) + n));
}
