// The Iris data set shipped in the package's data/ folder (source and licence in data/README.md).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../data/csv.js';
import type { Dataset } from './dataset.js';

/** Path of the shipped iris.csv (from lib/datasets or dist/datasets alike, the data folder is two up). */
export const IRIS_PATH = fileURLToPath(new URL('../../data/iris.csv', import.meta.url));

/** 150 flowers, 4 measurements (cm), 3 species (class indexes 0, 1, 2 in the order of classNames). */
export function iris(): Dataset {
  let bytes: Buffer;
  try {
    bytes = readFileSync(IRIS_PATH);
  } catch (e) {
    throw new Error(
      `datasets.iris(): cannot read ${IRIS_PATH} (${(e as Error).message}); the package's data folder is missing`,
    );
  }
  const csv = parseCsv(bytes, { target: 'species', classNames: ['setosa', 'versicolor', 'virginica'] }, IRIS_PATH);
  return { x: csv.x, y: csv.y as Int32Array, featureNames: csv.featureNames, classNames: csv.classNames! };
}
