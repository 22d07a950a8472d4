// `myelin explain MODEL DATA.csv`: which features drive the saved model's predictions. SHAP values by
// DeepExplainer (or KernelExplainer) against background rows drawn from the data; prints the
// features ranked by mean |SHAP value| per output, and writes summary plots and per-row values.
import { writeFileAtomic } from '../../io/atomic-write.js';
import { seededRandom } from '../../random.js';
import { basename, join } from 'node:path';
import { DeepExplainer, KernelExplainer, Matrix, Preprocessor, Sequential, readCsv, summaryPlot } from '../../index.js';
import type { Command } from '../command.js';
import { ArgReader } from '../args.js';
import { csvLine } from '../csv-out.js';
import { CliError } from '../errors.js';
import { checkWritable, dataSource } from '../input.js';
import { loadTrained, readFeatures, type Trained } from '../model-file.js';
import { pictureFormat } from '../pictures.js';
import { checkPlotsDir } from '../train-pictures.js';

const METHODS = ['deep', 'kernel'] as const;

export const explain: Command = {
  name: 'explain',
  summary: "which features drive a saved model's predictions: SHAP values, summary plots",
  positionals: 'MODEL DATA.csv',
  description:
    'SHAP values say how much each feature moved each prediction away from the average prediction over\n' +
    'background rows (drawn at random from DATA.csv). Prints the features ranked by mean |SHAP value| per\n' +
    "output; --plots writes SHAP summary plots (beeswarm and bar chart) and --out every row's values.",
  options: {
    background: {
      type: 'string',
      short: 'b',
      arg: 'N',
      description: 'background rows drawn from the data (100 is a good estimate, 1000 a very good one)',
      default: '100',
    },
    rows: { type: 'string', short: 'n', arg: 'N', description: 'explain the first N rows of the data', default: 'all' },
    method: {
      type: 'string',
      short: 'm',
      arg: 'NAME',
      description: `${METHODS.join(' or ')}: DeepSHAP through the network, or model-agnostic Kernel SHAP`,
      default: 'deep',
    },
    plots: { type: 'string', short: 'p', arg: 'DIR', description: 'write summary plots into DIR' },
    format: { type: 'string', arg: 'png|svg', description: 'picture format', default: 'png where it works' },
    out: {
      type: 'string',
      short: 'o',
      arg: 'FILE',
      description: "write every explained row's SHAP values to FILE (CSV: row, output, one column per feature)",
    },
    seed: { type: 'string', arg: 'N', description: 'seed of the background draw', default: '0' },
  },
  examples: [
    'myelin explain iris.myelin iris.csv --plots shap/',
    'myelin explain house.myelin houses.csv --background 200 --out shap.csv --json',
  ],
  async run(args, out) {
    const a = new ArgReader(args, 'explain');
    const [modelFile, dataFile] = a.positionals(['MODEL', 'DATA.csv']);
    const nBackground = a.number('background', { integer: true, min: 1 }) ?? 100;
    const nRows = a.number('rows', { integer: true, min: 1 });
    const method = a.choice('method', METHODS) ?? 'deep';
    const plotsDir = a.string('plots');
    const format = pictureFormat(a.choice('format', ['png', 'svg'] as const));
    const outFile = a.string('out');
    const seed = a.number('seed', { integer: true, min: 0 }) ?? 0;

    if (outFile) await checkWritable(outFile, 'the SHAP values to');
    if (plotsDir) await checkPlotsDir(plotsDir); // before the work: a file named like it failed after
    const t = await loadTrained(modelFile!);
    // A model saved from code does not name its features: take them from the file's header.
    const named = t.meta.featureNames ? null : await readCsv(dataSource(dataFile!));
    if (named && named.x.cols !== t.model.inputDim)
      throw new CliError(
        `${dataFile} has ${named.x.cols} columns (${named.featureNames.join(', ')}) but the model takes ${t.model.inputDim} features`,
      );
    const table = named ? named.x : await readFeatures(t, dataFile!);
    // With a Preprocessor (missing cells, categories) features are explained as the network sees them:
    // imputed, standardized, one column per category.
    const pre = t.model.preprocessing instanceof Preprocessor ? t.model.preprocessing : null;
    const data = pre ? pre.transform(table) : 'x' in table ? table.x : table;
    const model = pre ? networkOnly(t.model) : t.model;
    if (data.rows === 0) throw new CliError(`${dataFile} has no data rows`);
    const x = nRows === undefined || nRows >= data.rows ? data : data.sliceRows(0, nRows);
    const background = drawRows(data, nBackground, seed);
    const featureNames = pre ? pre.featureNames : (t.meta.featureNames ?? named!.featureNames);
    out.note(
      `explaining ${x.rows} rows against ${background.rows} background rows (${method === 'deep' ? 'DeepExplainer' : 'KernelExplainer'})`,
    );

    const started = Date.now();
    let expected: number[];
    let phi: Matrix[];
    if (method === 'deep') {
      const e = new DeepExplainer(model, background);
      phi = await e.shapValuesAsync(x);
      expected = e.expectedValue;
    } else {
      const e = new KernelExplainer(model, background);
      phi = e.shapValues(x);
      expected = e.expectedValue;
    }
    const seconds = (Date.now() - started) / 1000;
    const outputs = outputNames(t, phi.length);

    const ranking = phi.map((m) =>
      featureNames.map((name, j) => ({ name, meanAbs: meanAbs(m, j) })).sort((p, q) => q.meanAbs - p.meanAbs),
    );
    if (!out.json) {
      phi.forEach((_, k) => {
        out.line(`${outputs[k]}: expected value ${fmt(expected[k]!)} (mean output over the background)`);
        const w = Math.max(7, ...featureNames.map((n) => n.length));
        out.line(`  ${'feature'.padEnd(w)}  mean |SHAP|`);
        for (const r of ranking[k]!) out.line(`  ${r.name.padEnd(w)}  ${fmt(r.meanAbs)}`);
        out.line();
      });
      out.note(`done in ${seconds.toFixed(2)} s`);
    }

    const pictures: string[] = [];
    if (plotsDir) {
      for (let k = 0; k < phi.length; k++) {
        const file = join(plotsDir, `shap-summary${phi.length > 1 ? `-${slug(outputs[k]!)}` : ''}.${format}`);
        summaryPlot(phi, x, {
          featureNames,
          outputNames: outputs,
          output: k,
          toFile: file,
          title: `SHAP summary of ${basename(modelFile!)}`,
        });
        pictures.push(file);
        out.note(`wrote ${file}`);
      }
    }
    if (outFile) {
      await writeValues(outFile, phi, outputs, featureNames);
      out.note(`wrote ${outFile}`);
    }
    out.result({
      model: t.path,
      data: dataFile,
      method,
      rows: x.rows,
      background: background.rows,
      seconds,
      outputs: outputs.map((name, k) => ({
        name,
        expectedValue: expected[k],
        features: ranking[k]!.map((r) => ({ name: r.name, meanAbsShap: r.meanAbs })),
      })),
      ...(plotsDir ? { plots: pictures } : {}),
      ...(outFile ? { out: outFile } : {}),
    });
  },
};

/** The same network without its preprocessing (it explains transformed rows). */
function networkOnly(model: Sequential): Sequential {
  const copy = Sequential.fromConfig(model.getConfig());
  copy.setWeights(model.getWeights());
  return copy;
}

/** n distinct rows drawn at random (all rows when n >= rows), in their original order. */
function drawRows(m: Matrix, n: number, seed: number): Matrix {
  if (n >= m.rows) return m;
  const random = seededRandom(seed);
  const idx = Array.from({ length: m.rows }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const r = i + Math.floor(random() * (m.rows - i));
    [idx[i], idx[r]] = [idx[r]!, idx[i]!];
  }
  const pick = idx.slice(0, n).sort((p, q) => p - q);
  const out = new Matrix(n, m.cols);
  pick.forEach((row, i) => out.data.set(m.row(row), i * m.cols));
  return out;
}

function outputNames(t: Trained, outputs: number): string[] {
  const classes = t.meta.classNames;
  if (t.meta.task === 'classification') {
    if (outputs === 1) return [`probability of ${classes?.[1] ?? 'class 1'}`];
    return Array.from({ length: outputs }, (_, k) => `probability of ${classes?.[k] ?? `class ${k}`}`);
  }
  return outputs === 1 ? [t.meta.target ?? 'prediction'] : Array.from({ length: outputs }, (_, k) => `output ${k}`);
}

function meanAbs(m: Matrix, j: number): number {
  let s = 0;
  for (let i = 0; i < m.rows; i++) s += Math.abs(m.data[i * m.cols + j]!);
  return s / m.rows;
}

function fmt(v: number): string {
  return String(+v.toPrecision(4));
}

function slug(s: string): string {
  return s.replace(/^probability of /, '').replace(/[^A-Za-z0-9_-]+/g, '_');
}

async function writeValues(file: string, phi: Matrix[], outputs: string[], featureNames: string[]): Promise<void> {
  const lines = [csvLine(['row', 'output', ...featureNames])];
  for (let i = 0; i < phi[0]!.rows; i++)
    for (let k = 0; k < phi.length; k++)
      lines.push(csvLine([i, outputs[k]!, ...Array.from(phi[k]!.row(i), (v) => +v.toPrecision(6))]));
  await writeFileAtomic(file, Buffer.from(lines.join(''))).catch((e) => Promise.reject(new CliError(e.message)));
}
