// plotDecisionBoundary: for a classifier with 2 inputs, the regions where it predicts each class (shaded
// by its confidence) with the samples on top, red and green as in the course.
import { Matrix, attached, intact } from '../matrix.js';
import { axes } from './axes.js';
import { niceDomain } from './scale.js';
import { document, el, text } from './svg.js';
import { writePicture, type PlotFileOptions } from './output.js';

export interface Predictor {
  predict(x: Matrix): Matrix;
}

export interface PlotDecisionBoundaryOptions extends PlotFileOptions {
  /** Grid cells per axis (default 100): one predict call on resolution² rows. */
  resolution?: number;
  featureNames?: [string, string] | string[];
  classNames?: string[];
  title?: string;
  /** Plot range per axis (default: the data's range, widened to whole ticks). */
  xRange?: [number, number];
  yRange?: [number, number];
}

/** Class colours: red and green first (the course's two classes), then distinct hues. */
export const CLASS_COLORS = ['#d62728', '#2ca02c', '#1f77b4', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

function mix(hex: string, amount: number): string {
  const v = parseInt(hex.slice(1), 16);
  const c = [v >> 16, (v >> 8) & 255, v & 255].map((ch) => Math.round(255 + (ch - 255) * amount));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function toMatrix(x: Matrix | ArrayLike<ArrayLike<number>>): Matrix {
  return x instanceof Matrix ? intact(x, 'plotDecisionBoundary: x') : Matrix.from(x, 'x');
}

export function plotDecisionBoundary(
  model: Predictor,
  x: Matrix | number[][],
  y: ArrayLike<number>,
  options: PlotDecisionBoundaryOptions = {},
): string {
  if (!model || typeof model.predict !== 'function')
    throw new TypeError('plotDecisionBoundary needs a model with predict()');
  const xm = toMatrix(x);
  if (xm.cols !== 2)
    throw new RangeError(`plotDecisionBoundary draws classifiers with 2 inputs; x has ${xm.cols} columns`);
  if (!y || attached(y, 'plotDecisionBoundary: y').length !== xm.rows)
    throw new RangeError(`plotDecisionBoundary: y has ${y?.length} labels for ${xm.rows} rows of x`);
  const res = options.resolution ?? 100;
  if (!Number.isInteger(res) || res < 2 || res > 1000)
    throw new RangeError(`resolution must be an integer in 2..1000, got ${res}`);

  const range = (c: number): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < xm.rows; i++) {
      const v = xm.data[i * 2 + c]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return xm.rows ? niceDomain(lo, hi, 6) : [0, 1];
  };
  const xr = options.xRange ?? range(0);
  const yr = options.yRange ?? range(1);

  // The whole grid in ONE predict call (cell centres, row 0 at the top).
  const grid = new Matrix(res * res, 2);
  for (let r = 0; r < res; r++)
    for (let c = 0; c < res; c++) {
      grid.data[(r * res + c) * 2] = xr[0] + ((c + 0.5) / res) * (xr[1] - xr[0]);
      grid.data[(r * res + c) * 2 + 1] = yr[1] - ((r + 0.5) / res) * (yr[1] - yr[0]);
    }
  const out = model.predict(grid);
  if (!(out instanceof Matrix) || out.rows !== res * res)
    throw new Error('plotDecisionBoundary: predict() did not return one row per input row');
  const k = out.cols === 1 ? 2 : out.cols;
  const cls = new Int32Array(res * res);
  const band = new Uint8Array(res * res);
  for (let i = 0; i < res * res; i++) {
    let best = 0;
    let conf: number;
    if (out.cols === 1) {
      const p = out.data[i]!;
      best = p > 0.5 ? 1 : 0;
      conf = Math.abs(p - 0.5) * 2;
    } else {
      let second = -Infinity;
      for (let j = 1; j < k; j++) if (out.data[i * k + j]! > out.data[i * k + best]!) best = j;
      for (let j = 0; j < k; j++) if (j !== best && out.data[i * k + j]! > second) second = out.data[i * k + j]!;
      conf = out.data[i * k + best]! - second;
    }
    cls[i] = best;
    band[i] = conf < 0.3 ? 0 : conf < 0.7 ? 1 : 2;
  }

  const classNames = options.classNames ?? Array.from({ length: k }, (_, i) => `class ${i}`);
  const [fx, fy] = options.featureNames ?? ['x₁', 'x₂'];
  const top = options.title ? 50 : 24;
  const frame = { left: 70, top, width: 440, height: 440 };
  const legendW = 30 + Math.max(...classNames.map((n) => n.length)) * 7.5;
  const ax = axes({ frame, xDomain: xr, yDomain: yr, xLabel: fx, yLabel: fy, grid: false });
  const body: string[] = [];
  if (options.title)
    body.push(text(frame.left + frame.width / 2, 28, options.title, { anchor: 'middle', size: 15, weight: 'bold' }));
  // Regions: runs of equal colour along each grid row become one rectangle (a few hundred, not res²).
  const cw = frame.width / res;
  const ch = frame.height / res;
  const regions: string[] = [];
  for (let r = 0; r < res; r++) {
    let c0 = 0;
    for (let c = 1; c <= res; c++) {
      const i = r * res + c;
      const j = r * res + c0;
      if (c === res || cls[i] !== cls[j] || band[i] !== band[j]) {
        const colour = mix(CLASS_COLORS[cls[j]! % CLASS_COLORS.length]!, 0.14 + 0.12 * band[j]!);
        regions.push(
          el('rect', {
            x: frame.left + c0 * cw,
            y: frame.top + r * ch,
            width: (c - c0) * cw + 0.4,
            height: ch + 0.4,
            fill: colour,
          }),
        );
        c0 = c;
      }
    }
  }
  body.push(el('g', { class: 'regions' }, regions));
  const pts: string[] = [];
  for (let i = 0; i < xm.rows; i++) {
    const label = Math.round(Number(y[i]));
    pts.push(
      el('circle', {
        cx: ax.x(xm.data[i * 2]!),
        cy: ax.y(xm.data[i * 2 + 1]!),
        r: 3.2,
        fill: CLASS_COLORS[label % CLASS_COLORS.length],
        stroke: '#222',
        'stroke-width': 0.6,
        class: 'point',
      }),
    );
  }
  body.push(el('g', { class: 'points' }, pts));
  body.push(...ax.foreground);
  const lx = frame.left + frame.width + 18;
  classNames.forEach((name, i) => {
    const ly = frame.top + 10 + i * 22;
    body.push(
      el('circle', {
        cx: lx + 6,
        cy: ly,
        r: 5,
        fill: CLASS_COLORS[i % CLASS_COLORS.length],
        stroke: '#222',
        'stroke-width': 0.6,
      }),
    );
    body.push(text(lx + 16, ly, name, { baseline: 'middle', size: 12 }));
  });
  const svg = document(
    frame.left + frame.width + legendW + 24,
    frame.top + frame.height + 52,
    body,
    options.title ?? 'Decision boundary',
  );
  return writePicture(svg, options);
}
