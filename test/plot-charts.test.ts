import { describe, expect, it } from 'vitest';
import { plotConfusionMatrix, plotHistory } from '../lib/index.js';
import { formatTick, niceDomain, niceTicks } from '../lib/plot/scale.js';
import { byClass, parseXml, texts } from './helpers/xml.js';

describe('scales', () => {
  it('chooses 1-2-5 tick steps and widens domains to whole ticks', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(1, 60, 5)).toEqual([20, 40, 60]); // the smallest 1-2-5 step giving at most 5 intervals
    expect(niceTicks(-1.5, 1.5, 6)).toEqual([-1.5, -1, -0.5, 0, 0.5, 1, 1.5]);
    expect(niceDomain(0.031, 0.68)).toEqual([0, 0.8]);
    expect(niceDomain(3, 3)).toEqual([2.7, 3.3]);
    expect(formatTick(0.30000000000000004)).toBe('0.3');
    expect(formatTick(250000)).toBe('2.5e5');
  });
});

describe('plotHistory', () => {
  const history = {
    history: {
      loss: [0.9, 0.5, 0.3, 0.2],
      val_loss: [1.0, 0.6, 0.45, 0.4],
      accuracy: [0.5, 0.7, 0.85, 0.9],
      val_accuracy: [0.45, 0.65, 0.8, 0.82],
    },
    epoch: [0, 1, 2, 3],
  };

  it('draws one panel per quantity with training and validation lines, axis labels and a legend', () => {
    const els = parseXml(plotHistory(history));
    expect(byClass(els, 'panel').map((e) => e.attrs['data-key'])).toEqual(['loss', 'accuracy']);
    expect(byClass(els, 'train')).toHaveLength(2);
    expect(byClass(els, 'val')).toHaveLength(2);
    expect(byClass(els, 'train-point')).toHaveLength(8); // 4 epochs × 2 panels
    const t = texts(els);
    expect(t.filter((s) => s === 'epoch')).toHaveLength(2);
    expect(t).toContain('loss');
    expect(t).toContain('accuracy');
    expect(t.filter((s) => s === 'validation')).toHaveLength(2);
    // Epochs are numbered from 1 on the axis.
    const firstLine = byClass(els, 'train')[0]!.attrs.points!.split(' ');
    expect(firstLine).toHaveLength(4);
  });

  it('puts higher values higher on the page', () => {
    const els = parseXml(plotHistory({ loss: [1, 0.5] }));
    const [p0, p1] = byClass(els, 'train')[0]!
      .attrs.points!.split(' ')
      .map((p) => p.split(',').map(Number));
    expect(p0![0]).toBeLessThan(p1![0]!); // later epoch to the right
    expect(p0![1]).toBeLessThan(p1![1]!); // larger loss nearer the top (smaller y)
  });

  it('breaks the line at NaN epochs instead of drawing them', () => {
    const els = parseXml(plotHistory({ loss: [1, 0.8, NaN, 0.5, 0.4] }));
    expect(byClass(els, 'train')).toHaveLength(2);
    expect(byClass(els, 'train-point')).toHaveLength(4);
  });

  it('rejects an empty history and unknown keys', () => {
    expect(() => plotHistory({ history: {} })).toThrow(/history is empty/);
    expect(() => plotHistory(history, { keys: ['mae'] })).toThrow(
      /no "mae" in the history \(it has loss, val_loss, accuracy, val_accuracy\)/,
    );
  });
});

describe('plotConfusionMatrix', () => {
  it('draws one cell per entry with its count, class labels and axis titles', () => {
    const m = [
      [5, 1, 0],
      [2, 7, 1],
      [0, 0, 9],
    ];
    const els = parseXml(plotConfusionMatrix(m, { labels: ['setosa', 'versicolor', 'virginica'], title: 'Iris' }));
    const cells = byClass(els, 'cell');
    expect(cells).toHaveLength(9);
    const t = texts(els);
    for (const v of ['5', '1', '0', '2', '7', '9']) expect(t).toContain(v);
    expect(t.filter((s) => s === 'versicolor')).toHaveLength(2); // row and column label
    expect(t).toContain('Predicted label');
    expect(t).toContain('True label');
    // The diagonal of a good classifier is darker than its off-diagonal cells.
    const fill = (i: number, j: number) =>
      cells.find((c) => c.attrs['data-row'] === String(i) && c.attrs['data-col'] === String(j))!.attrs.fill!;
    const lum = (rgb: string) =>
      rgb
        .match(/\d+/g)!
        .map(Number)
        .reduce((a, b) => a + b, 0);
    expect(lum(fill(2, 2))).toBeLessThan(lum(fill(2, 0)));
  });

  it('escapes labels that hold XML characters', () => {
    const svg = plotConfusionMatrix(
      [
        [3, 1],
        [0, 4],
      ],
      { labels: ['x + y < 100', 'x + y ≥ 100 & "more"'] },
    );
    const t = texts(parseXml(svg));
    expect(t).toContain('x + y < 100');
    expect(t).toContain('x + y ≥ 100 & "more"');
  });

  it('widens the picture for a title longer than the grid', () => {
    const title = 'A rather long title that is much wider than a two by two grid of cells';
    const els = parseXml(
      plotConfusionMatrix(
        [
          [1, 2],
          [3, 4],
        ],
        { title },
      ),
    );
    const width = Number(els[0]!.attrs.width);
    expect(width).toBeGreaterThan(title.length * 8.5); // ~9 px per bold 15 px character
    const t = els.find((e) => e.name === 'text' && e.text === title)!;
    expect(Number(t.attrs.x)).toBeCloseTo(width / 2, 0);
  });

  it('rejects non-square matrices, negative counts and the wrong number of labels', () => {
    expect(() => plotConfusionMatrix([[1, 2], [3]])).toThrow(/row 1 has 1 entries; a 2x2 matrix needs 2/);
    expect(() =>
      plotConfusionMatrix([
        [1, -2],
        [3, 4],
      ]),
    ).toThrow(/entry \[0\]\[1\] is -2/);
    expect(() =>
      plotConfusionMatrix(
        [
          [1, 2],
          [3, 4],
        ],
        { labels: ['a'] },
      ),
    ).toThrow(/1 labels for a 2x2 matrix/);
  });
});
