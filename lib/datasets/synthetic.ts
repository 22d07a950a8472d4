// The course's two generated problems: one a straight line separates, one it cannot.
import { Matrix } from '../matrix.js';
import { checkOptions } from '../names.js';
import { checkCount, checkSeed, type Dataset, type GeneratorOptions } from './dataset.js';
import { seededRandom } from '../random.js';

/**
 * n points uniform in [0, 100]²; class 1 where x + y ≥ 100, class 0 where x + y < 100 — the boundary a
 * single neuron (the perceptron) can learn.
 */
export function linear(n: number, options: GeneratorOptions = {}): Dataset {
  checkCount(n, 'linear');
  checkOptions(options, ['seed'], 'datasets.linear');
  const rand = seededRandom(checkSeed(options.seed));
  const x = new Matrix(n, 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rand() * 100;
    const b = rand() * 100;
    x.data[2 * i] = a;
    x.data[2 * i + 1] = b;
    // Labelled from the stored float32 values, so the label always agrees with what the model sees.
    y[i] = x.data[2 * i]! + x.data[2 * i + 1]! >= 100 ? 1 : 0;
  }
  return { x, y, featureNames: ['x', 'y'], classNames: ['x + y < 100', 'x + y ≥ 100'] };
}

/**
 * n points uniform in [-1.5, 1.5]²; class 1 inside the unit circle (x² + y² < 1, about 35 % of the
 * points), class 0 outside — no straight line separates them, a network with a hidden layer can.
 */
export function circle(n: number, options: GeneratorOptions = {}): Dataset {
  checkCount(n, 'circle');
  checkOptions(options, ['seed'], 'datasets.circle');
  const rand = seededRandom(checkSeed(options.seed));
  const x = new Matrix(n, 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.data[2 * i] = rand() * 3 - 1.5;
    x.data[2 * i + 1] = rand() * 3 - 1.5;
    const a = x.data[2 * i]!;
    const b = x.data[2 * i + 1]!;
    y[i] = a * a + b * b < 1 ? 1 : 0;
  }
  return { x, y, featureNames: ['x', 'y'], classNames: ['outside', 'inside'] };
}
