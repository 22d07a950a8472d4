import { describe, expect, it } from 'vitest';
import { Matrix, datasets, plotDecisionBoundary, plotModel } from '../lib/index.js';
import { byClass, parseXml, texts } from './helpers/xml.js';

const layers = [
  { name: 'dense', type: 'Dense', inputShape: [null, 2], outputShape: [null, 16], activation: 'tanh', params: 48 },
  { name: 'dense_1', type: 'Dense', inputShape: [null, 16], outputShape: [null, 16], activation: 'tanh', params: 272 },
  { name: 'dense_2', type: 'Dense', inputShape: [null, 16], outputShape: [null, 1], activation: 'sigmoid', params: 17 },
];

describe('plotModel', () => {
  it('draws one box per layer plus the input, joined by arrows, with shapes when asked', () => {
    const els = parseXml(plotModel({ layers }, { showShapes: true }));
    expect(byClass(els, 'layer').map((e) => e.attrs['data-name'])).toEqual(['input', 'dense', 'dense_1', 'dense_2']);
    expect(byClass(els, 'edge')).toHaveLength(3);
    const t = texts(els);
    expect(t).toContain('dense_1 (Dense)');
    expect(t).toContain('tanh · 272 params');
    expect(t).toContain('input: (None, 16)');
    expect(t).toContain('output: (None, 1)');
    expect(texts(parseXml(plotModel({ layers }))).some((s) => s.startsWith('output:'))).toBe(false);
  });

  it('draws the neurons picture: one circle per unit and one line per weight (wide layers elided)', () => {
    const small = [
      { name: 'hidden', type: 'Dense', inputShape: [null, 2], outputShape: [null, 3], activation: 'relu', params: 9 },
      { name: 'out', type: 'Dense', inputShape: [null, 3], outputShape: [null, 1], activation: 'sigmoid', params: 4 },
    ];
    const els = parseXml(plotModel({ layers: small }, { style: 'neurons' }));
    expect(byClass(els, 'neuron')).toHaveLength(2 + 3 + 1);
    expect(byClass(els, 'weight')).toHaveLength(2 * 3 + 3 * 1);
    const wide = parseXml(plotModel({ layers }, { style: 'neurons' }));
    expect(byClass(wide, 'neuron')).toHaveLength(2 + 8 + 8 + 1);
    expect(texts(wide)).toContain('⋮');
  });

  it('says what is missing for a model without layers', () => {
    expect(() => plotModel({ layers: [] })).toThrow(/no layers/);
    expect(() => plotModel({} as never)).toThrow(/needs a model with layers/);
  });
});

describe('plotDecisionBoundary', () => {
  // A stand-in classifier: the circle x² + y² < 1, and a record of how it was called.
  const calls: number[] = [];
  const circleModel = {
    predict(x: Matrix): Matrix {
      calls.push(x.rows);
      const out = new Matrix(x.rows, 1);
      for (let i = 0; i < x.rows; i++) out.data[i] = x.data[2 * i]! ** 2 + x.data[2 * i + 1]! ** 2 < 1 ? 0.9 : 0.1;
      return out;
    },
  };

  it('predicts the whole grid in one call and draws one point per sample in its class colour', () => {
    const d = datasets.circle(120, { seed: 3 });
    calls.length = 0;
    const svg = plotDecisionBoundary(circleModel, d.x, d.y, {
      resolution: 50,
      classNames: d.classNames,
      featureNames: d.featureNames,
    });
    expect(calls).toEqual([2500]);
    const els = parseXml(svg);
    const points = byClass(els, 'point');
    expect(points).toHaveLength(120);
    const green = points.filter((p) => p.attrs.fill === '#2ca02c').length;
    expect(green).toBe(d.y.reduce((a, b) => a + b, 0));
    expect(texts(els)).toEqual(expect.arrayContaining(['inside', 'outside', 'x', 'y']));
    // Regions are merged runs: both classes appear, in far fewer rectangles than grid cells.
    const regions = els.filter((e) => e.name === 'rect' && /^rgb/.test(e.attrs.fill ?? ''));
    expect(regions.length).toBeGreaterThan(50);
    expect(regions.length).toBeLessThan(1000);
  });

  it('handles softmax outputs with one colour per class', () => {
    const threeWay = {
      predict: (x: Matrix) => {
        const o = new Matrix(x.rows, 3);
        for (let i = 0; i < x.rows; i++) o.data[i * 3 + (x.data[2 * i]! < 0 ? 0 : x.data[2 * i + 1]! < 0 ? 1 : 2)] = 1;
        return o;
      },
    };
    const x = Matrix.from([
      [-1, 0],
      [1, -1],
      [1, 1],
    ]);
    const els = parseXml(plotDecisionBoundary(threeWay, x, [0, 1, 2], { resolution: 20 }));
    expect(byClass(els, 'point').map((p) => p.attrs.fill)).toEqual(['#d62728', '#2ca02c', '#1f77b4']);
  });

  it('rejects inputs that are not 2-D and labels that do not match', () => {
    const x3 = new Matrix(4, 3);
    expect(() => plotDecisionBoundary(circleModel, x3, [0, 1, 0, 1])).toThrow(/2 inputs; x has 3 columns/);
    expect(() => plotDecisionBoundary(circleModel, new Matrix(4, 2), [0, 1])).toThrow(/y has 2 labels for 4 rows/);
  });
});

describe('plotModel with Dropout', () => {
  it('joins a Dropout layer to its input unit by unit', () => {
    const withDropout = [
      { name: 'hidden', type: 'Dense', inputShape: [null, 2], outputShape: [null, 3], activation: 'relu', params: 9 },
      { name: 'dropout', type: 'Dropout', inputShape: [null, 3], outputShape: [null, 3], params: 0 },
      { name: 'out', type: 'Dense', inputShape: [null, 3], outputShape: [null, 1], activation: 'sigmoid', params: 4 },
    ];
    const els = parseXml(plotModel({ layers: withDropout }, { style: 'neurons' }));
    expect(byClass(els, 'weight')).toHaveLength(2 * 3 + 3 + 3 * 1);
  });
});
