// The explainers on a real Sequential model: trained weights, Dropout, a scaler it applies itself.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DeepExplainer,
  Dense,
  Dropout,
  KernelExplainer,
  Matrix,
  SGD,
  Sequential,
  StandardScaler,
  permutationImportance,
  setSeed,
} from '../lib/index.js';
import { randomMatrix, seeded } from './helpers/explain-nets.js';

// Three classes decided by features 0 and 1; feature 2 is noise, feature 3 is on a large scale.
function data(n: number, seed: number): { x: Matrix; y: Int32Array } {
  const r = seeded(seed);
  const x = new Matrix(n, 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = r() * 2 - 1,
      b = r() * 2 - 1;
    x.set(i, 0, a);
    x.set(i, 1, b);
    x.set(i, 2, r() * 2 - 1);
    x.set(i, 3, 1000 + 500 * (r() - 0.5) + 100 * a);
    y[i] = a + b > 0.5 ? 2 : a - b > 0.3 ? 1 : 0;
  }
  return { x, y };
}

describe('explaining a Sequential model', () => {
  let model: Sequential;
  const train = data(600, 1);
  const test = data(80, 2);

  beforeAll(async () => {
    setSeed(3);
    model = new Sequential();
    model.add(new Dense(16, { inputDim: 4, activation: 'relu' }));
    model.add(new Dropout(0.2));
    model.add(new Dense(3, { activation: 'softmax' }));
    model.setPreprocessing(new StandardScaler().fit(train.x));
    model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new SGD(0.1, 0.9), metrics: ['accuracy'] });
    await model.fit(train.x, train.y, { epochs: 40, batchSize: 32, verbose: 0 });
  });

  it('DeepExplainer: expected value + Σ SHAP = model.predict on every row', () => {
    const e = new DeepExplainer(model, train.x.sliceRows(0, 100));
    const phi = e.shapValues(test.x);
    const p = model.predict(test.x);
    const bgMean = model.predict(train.x.sliceRows(0, 100));
    for (let k = 0; k < 3; k++) {
      let mean = 0;
      for (let b = 0; b < 100; b++) mean += bgMean.get(b, k) / 100;
      expect(e.expectedValue[k]).toBeCloseTo(mean, 5);
      for (let i = 0; i < test.x.rows; i++) {
        let s = e.expectedValue[k]!;
        for (let j = 0; j < 4; j++) s += phi[k]!.get(i, j);
        expect(Math.abs(s - p.get(i, k))).toBeLessThan(1e-4);
      }
    }
  });

  it('KernelExplainer takes the model and agrees with local accuracy too', () => {
    const e = new KernelExplainer(model, train.x.sliceRows(0, 30));
    const phi = e.shapValues(test.x.sliceRows(0, 10));
    const p = model.predict(test.x.sliceRows(0, 10));
    for (let k = 0; k < 3; k++)
      for (let i = 0; i < 10; i++) {
        let s = e.expectedValue[k]!;
        for (let j = 0; j < 4; j++) s += phi[k]!.get(i, j);
        expect(s).toBeCloseTo(p.get(i, k), 4);
      }
  });

  it('ranks the deciding features above the noise', () => {
    const phi = new DeepExplainer(model, train.x.sliceRows(0, 100)).shapValues(test.x);
    const meanAbs = (j: number) =>
      phi.reduce((s, m) => s + m.data.filter((_, i) => i % 4 === j).reduce((a, v) => a + Math.abs(v), 0), 0);
    expect(meanAbs(0)).toBeGreaterThan(meanAbs(2));
    expect(meanAbs(1)).toBeGreaterThan(meanAbs(2));
    const imp = permutationImportance(model, test.x, test.y, { repeats: 5, seed: 1 });
    expect(imp.metric).toBe('accuracy');
    expect(imp.baselineScore).toBeGreaterThan(0.8);
    expect(Math.min(imp.importancesMean[0]!, imp.importancesMean[1]!)).toBeGreaterThan(imp.importancesMean[2]!);
  });

  it('rejects rows of the wrong width for the model', () => {
    const e = new DeepExplainer(model, train.x.sliceRows(0, 10));
    expect(() => e.shapValues(randomMatrix(2, 5, seeded(4)))).toThrow(/x has 5 columns but the model has 4 features/);
    expect(() => new DeepExplainer(model, randomMatrix(2, 3, seeded(4)))).toThrow(
      /background has 3 columns but the model has 4 features/,
    );
  });
});
