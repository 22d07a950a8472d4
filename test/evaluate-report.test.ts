import { describe, expect, it } from 'vitest';
import { Matrix, classificationReport, confusionMatrix, formatConfusionMatrix } from '../lib/index.js';

// Binary: 4 positives, 6 negatives. TP 3, FN 1, FP 2, TN 4.
const bTrue = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
const bPred = [1, 1, 1, 0, 0, 0, 0, 0, 1, 1];
// Three classes; by hand: [[2,1,0],[0,3,1],[1,0,2]].
const tTrue = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2];
const tPred = [0, 1, 0, 1, 1, 2, 1, 2, 0, 2];

describe('confusionMatrix', () => {
  it('counts rows = true, columns = predicted (binary and three classes)', () => {
    expect(confusionMatrix(bTrue, bPred)).toEqual([
      [4, 2],
      [1, 3],
    ]);
    expect(confusionMatrix(Int32Array.from(tTrue), tPred)).toEqual([
      [2, 1, 0],
      [0, 3, 1],
      [1, 0, 2],
    ]);
  });

  it('takes one-hot rows, probabilities (argmax) and a single probability column (> 0.5)', () => {
    const oneHot = tTrue.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
    const probs = new Matrix(
      10,
      3,
      Float32Array.from(tPred.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 0.6 : 0.2)))),
    );
    expect(confusionMatrix(oneHot, probs)).toEqual([
      [2, 1, 0],
      [0, 3, 1],
      [1, 0, 2],
    ]);
    const p1 = new Matrix(10, 1, Float32Array.from(bPred.map((c, i) => (c ? 0.51 + i / 100 : 0.5))));
    expect(confusionMatrix(bTrue, p1)).toEqual([
      [4, 2],
      [1, 3],
    ]);
  });

  it('uses the columns of a score matrix for classes that never occur, and `labels` to pick and order', () => {
    const probs = new Matrix(2, 4, Float32Array.from([0.9, 0, 0, 0.1, 0, 0.8, 0, 0.2]));
    expect(confusionMatrix([0, 1], probs)).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(confusionMatrix(tTrue, tPred, { labels: [2, 0] })).toEqual([
      [2, 1],
      [0, 2],
    ]);
  });

  it('rejects mismatched lengths and non-integer labels clearly', () => {
    expect(() => confusionMatrix([0, 1], [0])).toThrow(/yTrue has 2 samples but yPred has 1/);
    expect(() => confusionMatrix([0, 0.7], [0, 1])).toThrow(/yTrue\[1\].*integers.*Matrix/);
    expect(() => confusionMatrix([0, -1], [0, 1])).toThrow(/yTrue\[1\]/);
    expect(() => confusionMatrix([0, 1e9], [0, 1])).toThrow(/largest class index is 1000000000.*pass labels/);
    expect(confusionMatrix([0, 1e9, 1e9], [1e9, 1e9, 5], { labels: [1e9, 0] })).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  it('renders a labelled terminal table with row totals', () => {
    const text = formatConfusionMatrix(
      [
        [4, 2],
        [1, 3],
      ],
      { targetNames: ['neg', 'pos'] },
    );
    expect(text.split('\n')).toEqual([
      '      predicted',
      'true  neg  pos  │ total',
      'neg     4    2  │     6',
      'pos     1    3  │     4',
    ]);
  });
});

describe('classificationReport', () => {
  it('binary: precision, recall, F1, averages and the alpha/beta errors computed by hand', () => {
    const r = classificationReport(bTrue, bPred, { targetNames: ['false', 'true'] });
    const [c0, c1] = r.classes;
    expect(c0).toMatchObject({ name: 'false', label: 0, support: 6 });
    expect(c0!.precision).toBeCloseTo(0.8, 12);
    expect(c0!.recall).toBeCloseTo(4 / 6, 12);
    expect(c0!.f1).toBeCloseTo(8 / 11, 12); // 2·0.8·(2/3) / (0.8 + 2/3)
    expect(c1!.precision).toBeCloseTo(0.6, 12);
    expect(c1!.recall).toBeCloseTo(0.75, 12);
    expect(c1!.f1).toBeCloseTo(2 / 3, 12);
    expect(r.accuracy).toBeCloseTo(0.7, 12);
    expect(r.macroAvg.precision).toBeCloseTo(0.7, 12);
    expect(r.macroAvg.recall).toBeCloseTo((4 / 6 + 0.75) / 2, 12);
    expect(r.macroAvg.f1).toBeCloseTo((8 / 11 + 2 / 3) / 2, 12);
    expect(r.weightedAvg.precision).toBeCloseTo(0.72, 12);
    expect(r.weightedAvg.recall).toBeCloseTo(0.7, 12);
    expect(r.weightedAvg.f1).toBeCloseTo(((6 * 8) / 11 + (4 * 2) / 3) / 10, 12);
    expect(r.binary).toMatchObject({ truePositives: 3, falseNegatives: 1, falsePositives: 2, trueNegatives: 4 });
    expect(r.binary!.alpha).toBeCloseTo(0.25, 12); // a true sample predicted false: FN / actual true
    expect(r.binary!.beta).toBeCloseTo(2 / 6, 12); // a false sample predicted true: FP / actual false
  });

  it('binary text matches sklearn layout and names alpha and beta', () => {
    const lines = classificationReport(bTrue, bPred).toString().split('\n');
    expect(lines.slice(0, 8)).toEqual([
      '              precision    recall  f1-score   support',
      '',
      '           0       0.80      0.67      0.73         6',
      '           1       0.60      0.75      0.67         4',
      '',
      '    accuracy                           0.70        10',
      '   macro avg       0.70      0.71      0.70        10',
      'weighted avg       0.72      0.70      0.70        10',
    ]);
    const text = lines.join('\n');
    expect(text).toContain('alpha error (true predicted false) = FN / actual 1 = 1 / 4 = 25.0 %');
    expect(text).toContain('beta error  (false predicted true) = FP / actual 0 = 2 / 6 = 33.3 %');
  });

  it('three classes: per-class values, accuracy and averages by hand; no alpha/beta', () => {
    const r = classificationReport(tTrue, tPred, { targetNames: ['a', 'b', 'c'] });
    expect(r.classes.map((c) => c.support)).toEqual([3, 4, 3]);
    expect(r.classes.map((c) => c.precision)).toEqual([2 / 3, 3 / 4, 2 / 3]);
    expect(r.classes.map((c) => c.recall)).toEqual([2 / 3, 3 / 4, 2 / 3]);
    expect(r.classes[1]!.f1).toBeCloseTo(0.75, 12);
    expect(r.accuracy).toBeCloseTo(0.7, 12);
    expect(r.macroAvg.precision).toBeCloseTo((2 / 3 + 3 / 4 + 2 / 3) / 3, 12);
    expect(r.weightedAvg.recall).toBeCloseTo(0.7, 12);
    expect(r.binary).toBeUndefined();
    expect(r.confusionMatrix).toEqual([
      [2, 1, 0],
      [0, 3, 1],
      [1, 0, 2],
    ]);
    expect(r.toString()).toContain('           b       0.75      0.75      0.75         4');
    expect(r.toString()).not.toContain('alpha');
  });

  it('a class never predicted has precision 0 (sklearn zero_division=0), not NaN', () => {
    const r = classificationReport([0, 1, 2], [0, 0, 0]);
    expect(r.classes.map((c) => c.precision)).toEqual([1 / 3, 0, 0]);
    expect(r.classes.map((c) => c.f1)).toEqual([0.5, 0, 0]);
  });

  it('rejects targetNames of the wrong length', () => {
    expect(() => classificationReport(tTrue, tPred, { targetNames: ['a', 'b'] })).toThrow(
      /targetNames has 2 names but there are 3 classes/,
    );
  });
});
