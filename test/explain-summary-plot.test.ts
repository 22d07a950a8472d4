import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Matrix, summaryPlot } from '../lib/index.js';

// SHAP values with known mean |SHAP| per feature: 0.2, 3, 0, 1 (feature 1 first, feature 2 last).
function values(): { phi: Matrix; x: Matrix } {
  const rows = 6;
  const scale = [0.2, 3, 0, 1];
  const phi = new Matrix(
    rows,
    4,
    Float32Array.from({ length: rows * 4 }, (_, i) => scale[i % 4]! * (Math.floor(i / 4) % 2 ? 1 : -1)),
  );
  const x = new Matrix(
    rows,
    4,
    Float32Array.from({ length: rows * 4 }, (_, i) => Math.floor(i / 4)),
  );
  return { phi, x };
}

describe('summaryPlot', () => {
  it('draws a beeswarm sorted by mean |SHAP| with one point per row, and the bar chart', () => {
    const { phi, x } = values();
    const svg = summaryPlot(phi, x, { featureNames: ['a', 'b', 'c', 'd'] });
    const order = [...svg.matchAll(/data-feature="([a-d])"/g)].map((m) => m[1]);
    expect(order).toEqual(['b', 'd', 'a', 'c']);
    expect(svg.match(/<circle/g)).toHaveLength(6 * 4);
    expect(svg.match(/class="bar"/g)).toHaveLength(3); // the all-zero feature has no bar
    expect(svg).toContain('>3</text>');
    expect(svg).toContain('Feature value');
    // low values blue, high values red
    expect(svg).toContain('fill="rgb(0,139,251)"');
    expect(svg).toContain('fill="rgb(255,0,81)"');
  });

  it('stacks the bars per output and keeps the top maxDisplay features', () => {
    const { phi, x } = values();
    const svg = summaryPlot([phi, phi], x, { maxDisplay: 2, plotType: 'bar', outputNames: ['no', 'yes'] });
    expect(svg.match(/class="bar"/g)).toHaveLength(4);
    expect(svg).toContain('>yes</text>');
    expect(svg).toContain('2 more features with smaller mean |SHAP value| not shown');
    expect(svg).not.toContain('<circle');
  });

  it('draws grey points and no colour bar without feature values', () => {
    const { phi } = values();
    const svg = summaryPlot(phi, null, { plotType: 'beeswarm' });
    expect(svg.match(/fill="#777"/g)).toHaveLength(24);
    expect(svg).not.toContain('Feature value');
  });

  it('writes a PNG', () => {
    const { phi, x } = values();
    const file = join(mkdtempSync(join(tmpdir(), 'myelin-summary-')), 'summary.png');
    summaryPlot(phi, x, { toFile: file });
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
  });

  it('rejects bad input with clear errors', () => {
    const { phi, x } = values();
    expect(() => summaryPlot(phi, x, { featureNames: ['a', 'b'] })).toThrow(/featureNames has 2 names for 4 features/);
    expect(() => summaryPlot(phi, x.sliceRows(0, 3))).toThrow(/x is 3x4 but the SHAP values are 6x4/);
    expect(() => summaryPlot([phi, new Matrix(6, 3)], x)).toThrow(/shapValues\[1\] is 6x3 but shapValues\[0\] is 6x4/);
    expect(() => summaryPlot([phi], x, { output: 1 })).toThrow(/output must be an integer in \[0, 0\]/);
    expect(() => summaryPlot(phi, x, { toFile: 'out.jpg' })).toThrow(/must end in .svg or .png/);
  });
});
