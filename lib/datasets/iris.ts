// The Iris data set shipped in the package's data/ folder (source and licence in data/README.md).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Matrix } from '../matrix.js';
import type { Dataset } from './dataset.js';

/** Path of the shipped iris.csv (from lib/datasets or dist/datasets alike, the data folder is two up). */
export const IRIS_PATH = fileURLToPath(new URL('../../data/iris.csv', import.meta.url));

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const SPECIES = ['setosa', 'versicolor', 'virginica'];

/** 150 flowers, 4 measurements (cm), 3 species (class indexes 0, 1, 2 in the order of classNames). */
export function iris(): Dataset {
  let text: string;
  try {
    text = readFileSync(IRIS_PATH, 'utf8');
  } catch (e) {
    throw new Error(`datasets.iris(): cannot read ${IRIS_PATH} (${(e as Error).message}); the package's data folder is missing`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0] !== [...FEATURES, 'species'].join(',')) throw new Error(`datasets.iris(): ${IRIS_PATH} has an unexpected header "${lines[0]}"`);
  const rows = lines.length - 1;
  const x = new Matrix(rows, 4);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const f = lines[i + 1]!.split(',');
    const cls = SPECIES.indexOf(f[4] ?? '');
    if (f.length !== 5 || cls < 0) throw new Error(`datasets.iris(): ${IRIS_PATH} line ${i + 2} is malformed: "${lines[i + 1]}"`);
    for (let j = 0; j < 4; j++) x.data[i * 4 + j] = Number(f[j]);
    y[i] = cls;
  }
  return { x, y, featureNames: [...FEATURES], classNames: [...SPECIES] };
}
