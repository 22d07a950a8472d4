// summaryPlot: SHAP's summary picture. A beeswarm (one row per feature, sorted by mean |SHAP|; each
// point one explained row at its SHAP value, coloured by the feature's value from low (blue) to
// high (red)) beside a bar chart of mean |SHAP| per feature (stacked per output when several).
import { Matrix, describe } from '../matrix.js';
import { writePicture, type PlotFileOptions } from '../plot/output.js';
import { formatTick, linearScale, niceDomain } from '../plot/scale.js';
import { document, el, text, textWidth } from '../plot/svg.js';
import { toMatrix, type MatrixLike } from './inputs.js';
import { given } from '../names.js';

export interface SummaryPlotOptions extends PlotFileOptions {
  /** One name per feature (default "Feature 0", …). */
  featureNames?: string[];
  /** Names of the outputs, for the bar chart's legend and the titles (default "Output 0", …). */
  outputNames?: string[];
  /** The output whose values the beeswarm shows, when there are several (default 0). */
  output?: number;
  /** Features shown, most important first (default 20, as SHAP). */
  maxDisplay?: number;
  /** 'both' (default), or only the 'beeswarm' or the 'bar' chart. */
  plotType?: 'both' | 'beeswarm' | 'bar';
  title?: string;
}

const BLUE = [0, 139, 251]; // SHAP's colours, #008bfb → #ff0051
const RED = [255, 0, 81];
const OUTPUT_COLORS = [
  '#008bfb',
  '#ff0051',
  '#7fbf3f',
  '#ffa600',
  '#9b5de5',
  '#00b8a9',
  '#f15bb5',
  '#6c757d',
  '#2a9d8f',
  '#e76f51',
];
const ROW_H = 26;
const PANEL_W = 360;

function color(t: number): string {
  const c = BLUE.map((b, i) => Math.round(b + (RED[i]! - b) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function meanAbs(m: Matrix, j: number): number {
  let s = 0;
  for (let i = 0; i < m.rows; i++) s += Math.abs(m.data[i * m.cols + j]!);
  return m.rows ? s / m.rows : 0;
}

/** Vertical offsets in [-1, 1] that spread points sharing an x bin, as SHAP's beeswarm does. */
function swarmOffsets(values: Float64Array, lo: number, hi: number): Float64Array {
  const bins = 100;
  const n = values.length;
  const bin = new Int32Array(n);
  for (let i = 0; i < n; i++)
    bin[i] = hi > lo ? Math.min(bins - 1, Math.floor(((values[i]! - lo) / (hi - lo)) * bins)) : 0;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => bin[a]! - bin[b]! || values[a]! - values[b]!);
  const y = new Float64Array(n);
  let max = 0;
  for (let s = 0; s < n; ) {
    let e = s;
    while (e < n && bin[order[e]!] === bin[order[s]!]) e++;
    for (let r = 0; r < e - s; r++) {
      const layer = Math.ceil(r / 2) * (r % 2 ? 1 : -1); // 0, 1, -1, 2, -2, …
      y[order[s + r]!] = layer;
      max = Math.max(max, Math.abs(layer));
    }
    s = e;
  }
  if (max > 0) for (let i = 0; i < n; i++) y[i]! /= max;
  return y;
}

/**
 * SHAP's summary plot as SVG (written to `toFile` when given; `.png` renders it). `shapValues` is
 * what an explainer returns (one Matrix per output) or one Matrix; `x` holds the explained rows
 * (for the colours), with the same shape.
 */
export function summaryPlot(
  shapValues: Matrix | Matrix[],
  x: MatrixLike | null,
  options: SummaryPlotOptions = {},
): string {
  const outputs = Array.isArray(shapValues) ? shapValues : [shapValues];
  if (outputs.length === 0) throw new RangeError('summaryPlot: shapValues is an empty list');
  outputs.forEach((m, k) => {
    if (!(m instanceof Matrix))
      throw new TypeError(`summaryPlot: shapValues[${k}] must be a Matrix, got ${describe(m)}`);
    if (m.rows !== outputs[0]!.rows || m.cols !== outputs[0]!.cols)
      throw new RangeError(
        `summaryPlot: shapValues[${k}] is ${m.rows}x${m.cols} but shapValues[0] is ${outputs[0]!.rows}x${outputs[0]!.cols}`,
      );
  });
  const { rows, cols: features } = outputs[0]!;
  const xm = x === null ? null : toMatrix(x, 'summaryPlot: x');
  if (xm && (xm.rows !== rows || xm.cols !== features))
    throw new RangeError(`summaryPlot: x is ${xm.rows}x${xm.cols} but the SHAP values are ${rows}x${features}`);
  const names = options.featureNames ?? Array.from({ length: features }, (_, j) => `Feature ${j}`);
  if (!Array.isArray(names) || names.length !== features)
    throw new RangeError(
      `summaryPlot: featureNames has ${Array.isArray(names) ? names.length : describe(names)} names for ${features} features`,
    );
  const outNames = options.outputNames ?? outputs.map((_, k) => `Output ${k}`);
  if (outNames.length !== outputs.length)
    throw new RangeError(`summaryPlot: outputNames has ${outNames.length} names for ${outputs.length} outputs`);
  const which = options.output ?? 0;
  if (!Number.isInteger(which) || which < 0 || which >= outputs.length)
    throw new RangeError(`summaryPlot: output must be an integer in [0, ${outputs.length - 1}], got ${given(which)}`);
  const maxDisplay = options.maxDisplay ?? 20;
  if (!Number.isInteger(maxDisplay) || maxDisplay < 1)
    throw new RangeError(`summaryPlot: maxDisplay must be an integer >= 1, got ${given(maxDisplay)}`);
  const type = options.plotType ?? 'both';
  if (!['both', 'beeswarm', 'bar'].includes(type))
    throw new RangeError(`summaryPlot: plotType must be 'both', 'beeswarm' or 'bar', got ${given(type)}`);

  const shown = Math.min(maxDisplay, features);
  const labelW = Math.max(...names.map((n) => textWidth(n, 12))) + 16;
  const top = options.title ? 64 : 38;
  const plotH = Math.max(shown * ROW_H, type === 'bar' ? 0 : 110);
  const footer = 58 + (features > shown ? 18 : 0);
  const body: string[] = [];
  let left = 0;
  let width = 0;
  const panels: ((x0: number) => number)[] = [];
  if (type !== 'bar')
    panels.push((x0) =>
      beeswarm(body, outputs[which]!, xm, names, outNames[which]!, outputs.length > 1, x0 + labelW, top, shown),
    );
  if (type !== 'beeswarm') panels.push((x0) => bars(body, outputs, names, outNames, x0 + labelW, top, shown));
  for (const draw of panels) {
    width = left + labelW + draw(left);
    left = width + 24;
  }
  const height = top + plotH + footer;
  if (options.title) body.unshift(text(width / 2, 26, options.title, { anchor: 'middle', size: 15, weight: 'bold' }));
  if (features > shown)
    body.push(
      text(12, height - 10, `${features - shown} more features with smaller mean |SHAP value| not shown`, {
        size: 11,
        fill: '#666',
      }),
    );
  return writePicture(document(width + 12, height, body, options.title ?? 'SHAP summary'), options);
}

function order(values: number[], shown: number): number[] {
  return values
    .map((v, j) => [v, j] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, shown)
    .map(([, j]) => j);
}

function featureLabels(body: string[], idx: number[], names: string[], left: number, top: number): void {
  idx.forEach((j, r) => {
    const cy = top + r * ROW_H + ROW_H / 2;
    body.push(text(left - 10, cy, names[j]!, { anchor: 'end', baseline: 'middle', size: 12 }));
  });
}

function xAxis(body: string[], lo: number, hi: number, left: number, top: number, h: number, label: string) {
  const x = linearScale([lo, hi], [left, left + PANEL_W], 6);
  for (const t of x.ticks) {
    body.push(el('line', { x1: x(t), y1: top + h, x2: x(t), y2: top + h + 5, stroke: '#444' }));
    body.push(text(x(t), top + h + 8, formatTick(t), { anchor: 'middle', baseline: 'hanging', size: 11 }));
  }
  body.push(el('line', { x1: left, y1: top + h, x2: left + PANEL_W, y2: top + h, stroke: '#444' }));
  body.push(text(left + PANEL_W / 2, top + h + 40, label, { anchor: 'middle', size: 12 }));
  return x;
}

// Returns the panel's width right of its labels.
function beeswarm(
  body: string[],
  phi: Matrix,
  x: Matrix | null,
  names: string[],
  outName: string,
  many: boolean,
  left: number,
  top: number,
  shown: number,
): number {
  const idx = order(
    Array.from({ length: phi.cols }, (_, j) => meanAbs(phi, j)),
    shown,
  );
  let lo = 0;
  let hi = 0;
  for (const j of idx)
    for (let i = 0; i < phi.rows; i++) {
      lo = Math.min(lo, phi.get(i, j));
      hi = Math.max(hi, phi.get(i, j));
    }
  const [d0, d1] = niceDomain(lo, hi, 6);
  const h = idx.length * ROW_H;
  featureLabels(body, idx, names, left, top);
  idx.forEach((_, r) =>
    body.push(
      el('line', {
        x1: left,
        y1: top + r * ROW_H + ROW_H / 2,
        x2: left + PANEL_W,
        y2: top + r * ROW_H + ROW_H / 2,
        stroke: '#e5e5e5',
        'stroke-dasharray': '2 3',
      }),
    ),
  );
  const sx = xAxis(body, d0, d1, left, top, h, `SHAP value (impact on ${many ? outName : 'model output'})`);
  body.push(el('line', { x1: sx(0), y1: top, x2: sx(0), y2: top + h, stroke: '#999' }));
  if (many) body.push(text(left + PANEL_W / 2, top - 14, outName, { anchor: 'middle', size: 12, weight: 'bold' }));
  idx.forEach((j, r) => {
    const vals = Float64Array.from({ length: phi.rows }, (_, i) => phi.get(i, j));
    const off = swarmOffsets(vals, d0, d1);
    // Colour by the feature value between its 5th and 95th percentiles, as SHAP does.
    let vmin = 0;
    let vmax = 0;
    if (x) {
      const sorted = Float64Array.from({ length: x.rows }, (_, i) => x.get(i, j)).sort();
      vmin = quantile(sorted, 0.05);
      vmax = quantile(sorted, 0.95);
      if (vmin === vmax) {
        vmin = sorted[0]!;
        vmax = sorted[sorted.length - 1]!;
      }
    }
    const cy = top + r * ROW_H + ROW_H / 2;
    const dots: string[] = [];
    for (let i = 0; i < phi.rows; i++) {
      const t = x && vmax > vmin ? Math.min(1, Math.max(0, (x.get(i, j) - vmin) / (vmax - vmin))) : 0.5;
      dots.push(
        el('circle', { cx: sx(vals[i]!), cy: cy + off[i]! * ROW_H * 0.4, r: 2.4, fill: x ? color(t) : '#777' }),
      );
    }
    body.push(el('g', { class: 'feature', 'data-feature': names[j]! }, dots));
  });
  if (!x) return PANEL_W + 10;
  // Colour bar: feature value, low at the bottom, high at the top.
  const cbx = left + PANEL_W + 14;
  const cbh = Math.max(h, 110); // room for High, Low and the rotated title with few features
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => el('stop', { offset: `${t * 100}%`, 'stop-color': color(1 - t) }));
  body.push(el('defs', {}, el('linearGradient', { id: 'shap-value-colors', x1: 0, y1: 0, x2: 0, y2: 1 }, stops)));
  body.push(el('rect', { x: cbx, y: top, width: 10, height: cbh, fill: 'url(#shap-value-colors)' }));
  body.push(text(cbx + 14, top + 6, 'High', { size: 11, baseline: 'middle' }));
  body.push(text(cbx + 14, top + cbh - 6, 'Low', { size: 11, baseline: 'middle' }));
  body.push(text(cbx + 54, top + cbh / 2, 'Feature value', { anchor: 'middle', size: 12, rotate: -90 }));
  return PANEL_W + 76;
}

function bars(
  body: string[],
  outputs: Matrix[],
  names: string[],
  outNames: string[],
  left: number,
  top: number,
  shown: number,
): number {
  const features = outputs[0]!.cols;
  const per = outputs.map((m) => Array.from({ length: features }, (_, j) => meanAbs(m, j)));
  const total = Array.from({ length: features }, (_, j) => per.reduce((s, p) => s + p[j]!, 0));
  const idx = order(total, shown);
  const h = idx.length * ROW_H;
  const [, d1] = niceDomain(0, Math.max(...idx.map((j) => total[j]!)), 5);
  featureLabels(body, idx, names, left, top);
  const sx = xAxis(
    body,
    0,
    d1 || 1,
    left,
    top,
    h,
    outputs.length > 1
      ? 'mean(|SHAP value|), stacked per output'
      : 'mean(|SHAP value|) (average impact on model output)',
  );
  body.push(el('line', { x1: left, y1: top, x2: left, y2: top + h, stroke: '#444' }));
  idx.forEach((j, r) => {
    let acc = 0;
    const y = top + r * ROW_H + 4;
    per.forEach((p, k) => {
      const w = sx(acc + p[j]!) - sx(acc);
      if (w > 0)
        body.push(
          el('rect', {
            x: sx(acc),
            y,
            width: w,
            height: ROW_H - 8,
            fill: OUTPUT_COLORS[k % OUTPUT_COLORS.length]!,
            class: 'bar',
          }),
        );
      acc += p[j]!;
    });
    body.push(
      text(sx(acc) + 4, y + (ROW_H - 8) / 2, formatTick(+acc.toPrecision(3)), {
        baseline: 'middle',
        size: 10,
        fill: '#444',
      }),
    );
  });
  if (outputs.length > 1) {
    const lx = left + PANEL_W + 56; // clear of the value labels past the longest bar
    outNames.forEach((n, k) => {
      body.push(
        el('rect', { x: lx, y: top + k * 18, width: 10, height: 10, fill: OUTPUT_COLORS[k % OUTPUT_COLORS.length]! }),
      );
      body.push(text(lx + 14, top + k * 18 + 5, n, { baseline: 'middle', size: 11 }));
    });
    return PANEL_W + 66 + Math.max(...outNames.map((n) => textWidth(n, 11)));
  }
  return PANEL_W + 50;
}
