// The pictures `myelin train --plots DIR` draws: history, model, confusion matrix, decision boundary.
import { join, resolve } from 'node:path';
import {
  type Matrix,
  plotConfusionMatrix,
  plotDecisionBoundary,
  plotHistory,
  plotModel,
  type Preprocessor,
  type Sequential,
} from '../index.js';
import { CliError } from './errors.js';
import { checkWritable, reason } from './input.js';
import type { Output } from './output.js';
import { pictureFormat } from './pictures.js';
import { makeFolder } from '../io/folders.js';

/** Makes DIR and checks pictures can be written there (before training, not after). */
export async function checkPlotsDir(dir: string): Promise<void> {
  try {
    await makeFolder(dir);
  } catch (e) {
    throw new CliError(`cannot write pictures to ${dir}: ${reason(e)}`);
  }
  await checkWritable(resolve(dir, 'history.png'), 'pictures to');
}

function hasMissing(x: Matrix): boolean {
  for (let i = 0; i < x.data.length; i++) if (x.data[i] !== x.data[i]) return true;
  return false;
}

export function drawTrainingPictures(
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
