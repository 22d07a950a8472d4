// `myelin predict MODEL DATA.csv`: one output row per input row — the predicted class (named as in the
// training file) and each class's probability, or the predicted value.
import { createWriteStream } from 'node:fs';
import type { Command } from '../command.js';
import { ArgReader } from '../args.js';
import { csvLine } from '../csv-out.js';
import { loadTrained, readFeatures } from '../model-file.js';

export const predict: Command = {
  name: 'predict',
  summary: 'predict with a saved model on a CSV file',
  positionals: 'MODEL DATA.csv',
  description:
    'Reads the feature columns the model was trained on, by name (others, such as the target, are ignored),\n' +
    'and writes a CSV with a `prediction` column and, for classifiers, a `probability_<class>` column per class.',
  options: {
    out: { type: 'string', short: 'o', arg: 'FILE', description: 'write the predictions to FILE', default: 'standard output' },
  },
  examples: ['myelin predict iris.myelin new-flowers.csv --out predictions.csv', 'myelin predict model.onnx rows.csv'],
  async run(args, out) {
    const a = new ArgReader(args, 'predict');
    const [modelFile, dataFile] = a.positionals(['MODEL', 'DATA.csv']);
    const outFile = a.string('out');
    const t = await loadTrained(modelFile!);
    const x = await readFeatures(t, dataFile!);
    const p = t.model.predict(x);
    const classNames = t.meta.classNames;
    const header = ['prediction'];
    const rows: (string | number)[][] = [];
    const json: Record<string, unknown>[] = [];
    if (t.meta.task === 'classification') {
      const names = classNames ?? Array.from({ length: Math.max(2, p.cols) }, (_, i) => String(i));
      header.push(...names.map((n) => `probability_${n}`));
      for (let i = 0; i < p.rows; i++) {
        const probs = p.cols === 1 ? [1 - p.data[i]!, p.data[i]!] : Array.from(p.row(i));
        let best = 0;
        for (let j = 1; j < probs.length; j++) if (probs[j]! > probs[best]!) best = j;
        const rounded = probs.map((v) => +v.toPrecision(6));
        rows.push([names[best]!, ...rounded]);
        json.push({ prediction: names[best], probabilities: Object.fromEntries(names.map((n, j) => [n, rounded[j]])) });
      }
    } else {
      for (let i = 0; i < p.rows; i++) {
        const v = +p.data[i]!.toPrecision(7);
        rows.push([v]);
        json.push({ prediction: v });
      }
    }
    if (out.json) {
      if (outFile) await writeCsv(outFile, header, rows);
      out.result({ rows: p.rows, task: t.meta.task, ...(outFile ? { out: outFile } : {}), predictions: json });
      return;
    }
    if (outFile) {
      await writeCsv(outFile, header, rows);
      out.note(`${p.rows} predictions written to ${outFile}`);
    } else {
      process.stdout.write(csvLine(header));
      for (const r of rows) process.stdout.write(csvLine(r));
    }
  },
};

async function writeCsv(file: string, header: string[], rows: (string | number)[][]): Promise<void> {
  const stream = createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => {
    stream.on('error', (e) => reject(new Error(`cannot write ${file}: ${e.message}`)));
    stream.on('finish', resolve);
  });
  stream.write(csvLine(header));
  for (const r of rows) stream.write(csvLine(r));
  stream.end();
  await done;
}
