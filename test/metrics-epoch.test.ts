// The epoch metrics (precision, recall, AUC, F1, top-k, R²) against scikit-learn on fixed predictions
// (test/fixtures/make_metric_fixtures.py). An identity linear model predicts its inputs, so evaluate()
// sees exactly the fixture's predictions. Tolerance 1e-6 everywhere: predictions are float32, counts
// are accumulated in double; F1 follows Keras (1e-7 epsilons), which moves it by < 1e-6 from sklearn's.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AUC,
  Dense,
  EarlyStopping,
  F1Score,
  Precision,
  R2Score,
  Recall,
  SGD,
  Sequential,
  TopKCategoricalAccuracy,
  loadModel,
  type MetricIdentifier,
} from '../lib/index.js';
import { monitorMode } from '../lib/metrics.js';

const F = JSON.parse(readFileSync(new URL('./fixtures/metrics.json', import.meta.url), 'utf8'));
const TOL = 1e-6;

function rows(flat: number[], cols: number): number[][] {
  return Array.from({ length: flat.length / cols }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
}

function identity(cols: number, metrics: MetricIdentifier[]): Sequential {
  const m = new Sequential([new Dense(cols, { inputDim: cols, useBias: false })]);
  m.compile({ loss: 'mse', optimizer: new SGD(1e-9), metrics });
  m.setWeights([Array.from({ length: cols }, (_, i) => Array.from({ length: cols }, (_, j) => (i === j ? 1 : 0)))]);
  return m;
}

async function scores(
  cols: number,
  p: number[],
  y: number[],
  metrics: MetricIdentifier[],
  w?: number[],
  batchSize = 7,
) {
  const r = await identity(cols, metrics).evaluate(rows(p, cols), rows(y, cols), { batchSize, sampleWeight: w });
  return r.slice(1);
}

describe('epoch metrics against scikit-learn', () => {
  const b = F.binary;
  const binaryMetrics = (): MetricIdentifier[] => [
    'precision',
    'recall',
    'auc',
    new AUC({ curve: 'PR', name: 'auc_pr' }),
    'f1_score',
    new Precision({ thresholds: 0.3, name: 'precision_0.3' }),
  ];
  const keys = ['precision', 'recall', 'auc', 'auc_pr', 'f1_score', 'precision_0.3'];

  for (const weighted of [false, true])
    it(`binary: precision, recall, ROC and PR AUC, F1 (${weighted ? 'sample weights' : 'unweighted'})`, async () => {
      const want = weighted ? b.weighted : b.unweighted;
      const got = await scores(1, b.p, b.y, binaryMetrics(), weighted ? b.w : undefined);
      for (let i = 0; i < keys.length; ++i) expect(Math.abs(got[i]! - want[keys[i]!])).toBeLessThan(TOL);
    });

  it('accumulates over the whole epoch: every batch size gives the same value', async () => {
    const one = await scores(1, b.p, b.y, binaryMetrics(), b.w, 1000);
    const small = await scores(1, b.p, b.y, binaryMetrics(), b.w, 5);
    for (let i = 0; i < one.length; ++i) expect(Math.abs(one[i]! - small[i]!)).toBeLessThan(1e-9);
  });

  it('multiclass: F1 macro / micro / weighted (argmax), top-k, precision over all outputs', async () => {
    const c = F.multiclass;
    const got = await scores(c.cols, c.p, c.y, [
      'f1_score',
      new F1Score({ average: 'micro', name: 'f1_micro' }),
      new F1Score({ average: 'weighted', name: 'f1_w' }),
      new TopKCategoricalAccuracy({ k: 2, name: 'top_2' }),
      'top_k_categorical_accuracy',
      'precision',
    ]);
    const want = [c.f1_macro, c.f1_micro, c.f1_weighted, c.top_2, c.top_5, c.precision];
    for (let i = 0; i < want.length; ++i) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(TOL);
  });

  it('regression: R² (uniform average over outputs), with and without sample weights', async () => {
    const g = F.regression;
    const [plain] = await scores(g.cols, g.p, g.y, ['r2_score']);
    const [weighted] = await scores(g.cols, g.p, g.y, [new R2Score()], g.w);
    expect(Math.abs(plain! - g.r2)).toBeLessThan(TOL);
    expect(Math.abs(weighted! - g.r2_weighted)).toBeLessThan(TOL);
  });
});

describe('epoch metrics in training', () => {
  const b = F.binary;
  it('are History keys, val_auc is maximised by the monitors, and metric objects are saved with the model', async () => {
    const m = identity(1, ['auc', new AUC({ curve: 'PR', name: 'pr' }), new Recall()]);
    const x = rows(b.p, 1),
      y = rows(b.y, 1);
    const stop = new EarlyStopping({ monitor: 'val_auc', patience: 5 });
    expect(stop.mode).toBe('max');
    const h = await m.fit(x, y, { epochs: 2, batchSize: 8, validationData: [x, y], callbacks: [stop], verbose: 0 });
    expect(Object.keys(h.history)).toEqual([
      'loss',
      'auc',
      'pr',
      'recall',
      'val_loss',
      'val_auc',
      'val_pr',
      'val_recall',
    ]);
    expect(Math.abs(h.history.auc![0]! - b.unweighted.auc)).toBeLessThan(TOL);
    expect(Math.abs(h.history.val_pr![1]! - b.unweighted.auc_pr)).toBeLessThan(TOL);
    for (const k of ['val_precision', 'val_recall', 'f1_score', 'r2_score', 'val_top_k_categorical_accuracy'])
      expect([k, monitorMode(k)]).toEqual([k, 'max']);
    const path = join(mkdtempSync(join(tmpdir(), 'myelin-metrics-')), 'm.myelin');
    await m.save(path);
    const back = await loadModel(path);
    expect(back.metricsNames).toEqual(['loss', 'auc', 'pr', 'recall']);
    expect(await back.evaluate(x, y)).toEqual(await m.evaluate(x, y));
  });
});

describe('metric options', () => {
  it('reject bad values naming the option and the value', () => {
    expect(() => new TopKCategoricalAccuracy({ k: 0 })).toThrow(
      'TopKCategoricalAccuracy: k must be an integer >= 1, got 0',
    );
    expect(() => new TopKCategoricalAccuracy({ k: 2.5 })).toThrow('got 2.5');
    expect(() => new AUC({ curve: 'XY' as never })).toThrow(`AUC: curve must be 'ROC' or 'PR', got "XY"`);
    expect(() => new AUC({ numThresholds: 1 })).toThrow('AUC: numThresholds must be an integer in [2, 100000], got 1');
    expect(() => new F1Score({ average: 'samples' as never })).toThrow("F1Score: average must be 'macro'");
    expect(() => new F1Score({ threshold: 0 })).toThrow('F1Score: threshold must be in (0, 1], got 0');
    expect(() => new Precision({ thresholds: 1.5 })).toThrow('Precision: thresholds must be in [0, 1], got 1.5');
    expect(() => new Recall({ k: 1 } as never)).toThrow("Recall: unknown option 'k'");
    expect(() => identity(1, ['auc', new AUC()])).toThrow("compile: metrics lists 'auc' twice");
    expect(() => identity(1, ['aucc' as never])).toThrow("compile: metrics: unknown name 'aucc'");
  });
});
