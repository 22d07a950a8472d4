// plotHistory: one panel per quantity (loss, then each metric), training against validation, per epoch.
import { axes } from './axes.js';
import { niceDomain } from './scale.js';
import { document, el, text } from './svg.js';
import { writePicture, type PlotFileOptions } from './output.js';
import { given } from '../names.js';
import { attached } from '../matrix.js';

/** What `fit` returns (Keras's History), or just its `history` record. */
export type HistoryLike =
  | { history: Record<string, ArrayLike<number>>; epoch?: ArrayLike<number> }
  | Record<string, ArrayLike<number>>;

export interface PlotHistoryOptions extends PlotFileOptions {
  title?: string;
  /** Which quantities to draw (default: every key without the `val_` prefix, loss first). */
  keys?: string[];
}

const TRAIN = '#1f77b4';
const VAL = '#e6550d';
const PANEL_W = 460;
const PANEL_H = 310;
const M = { left: 72, right: 20, top: 64, bottom: 56 };

function record(h: HistoryLike): { rec: Record<string, ArrayLike<number>>; epoch?: ArrayLike<number> } {
  if (h === null || typeof h !== 'object')
    throw new TypeError(`plotHistory needs a History or its history record, got ${given(h)}`);
  const maybe = (h as { history?: unknown }).history;
  if (maybe !== null && typeof maybe === 'object' && !ArrayBuffer.isView(maybe))
    return { rec: maybe as Record<string, ArrayLike<number>>, epoch: (h as { epoch?: ArrayLike<number> }).epoch };
  return { rec: h as Record<string, ArrayLike<number>> };
}

/** Draws loss and metrics per epoch; returns the SVG (and writes it with `toFile`). */
export function plotHistory(history: HistoryLike, options: PlotHistoryOptions = {}): string {
  const { rec, epoch } = record(history);
  const all = Object.keys(rec).filter(
    (k) => rec[k] !== undefined && typeof attached(rec[k], `plotHistory: ${k}`)!.length === 'number',
  );
  const keys = options.keys ?? all.filter((k) => !k.startsWith('val_') || !all.includes(k.slice(4)));
  if (!options.keys) keys.sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0));
  for (const k of keys)
    if (!all.includes(k))
      throw new Error(`plotHistory: no "${k}" in the history (it has ${all.join(', ') || 'nothing'})`);
  if (keys.length === 0) throw new Error('plotHistory: the history is empty (train with fit first)');

  const cols = Math.min(2, keys.length);
  const rows = Math.ceil(keys.length / cols);
  const titleH = options.title ? 30 : 0;
  const body: string[] = [];
  if (options.title)
    body.push(text((cols * PANEL_W) / 2, 22, options.title, { anchor: 'middle', size: 16, weight: 'bold' }));
  keys.forEach((key, i) => {
    const ox = (i % cols) * PANEL_W;
    const oy = titleH + Math.floor(i / cols) * PANEL_H;
    body.push(
      panel(
        key,
        rec[key]!,
        all.includes(`val_${key}`) && !key.startsWith('val_') ? rec[`val_${key}`]! : undefined,
        epoch,
        ox,
        oy,
      ),
    );
  });
  const svg = document(cols * PANEL_W, titleH + rows * PANEL_H, body, options.title ?? 'Training history');
  return writePicture(svg, options);
}

function panel(
  key: string,
  train: ArrayLike<number>,
  val: ArrayLike<number> | undefined,
  epoch: ArrayLike<number> | undefined,
  ox: number,
  oy: number,
): string {
  const n = Math.max(train.length, val?.length ?? 0);
  // Keras numbers epochs from 0 in History.epoch; people count from 1.
  const ep = (i: number) => (epoch && epoch.length === train.length ? Number(epoch[i]) + 1 : i + 1);
  const values = [...Array.from(train), ...Array.from(val ?? [])].filter(Number.isFinite);
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const isRate = /acc|precision|recall|auc/.test(key) && lo >= 0 && hi <= 1;
  const yDomain: [number, number] = isRate
    ? [Math.max(0, niceDomain(lo, hi)[0]), Math.min(1, niceDomain(lo, hi)[1])]
    : niceDomain(lo, hi);
  const x0 = ep(0);
  const x1 = Math.max(ep(n - 1), x0 + 1);
  const frame = {
    left: ox + M.left,
    top: oy + M.top,
    width: PANEL_W - M.left - M.right,
    height: PANEL_H - M.top - M.bottom,
  };
  const ax = axes({ frame, xDomain: [x0, x1], yDomain, xLabel: 'epoch', yLabel: key, xIntegers: true });
  const parts = [...ax.background];
  parts.push(text(frame.left + frame.width / 2, oy + 24, key, { anchor: 'middle', size: 14, weight: 'bold' }));
  const series = (ys: ArrayLike<number>, color: string, dash: string | undefined, cls: string) => {
    // NaN epochs break the line instead of dropping to zero.
    let seg: string[] = [];
    const flush = () => {
      if (seg.length > 1)
        parts.push(
          el('polyline', {
            points: seg.join(' '),
            fill: 'none',
            stroke: color,
            'stroke-width': 2,
            'stroke-dasharray': dash,
            class: cls,
          }),
        );
      seg = [];
    };
    for (let i = 0; i < ys.length; i++) {
      const v = Number(ys[i]);
      if (!Number.isFinite(v)) {
        flush();
        continue;
      }
      seg.push(`${Math.round(ax.x(ep(i)) * 10) / 10},${Math.round(ax.y(v) * 10) / 10}`);
      if (ys.length <= 40)
        parts.push(el('circle', { cx: ax.x(ep(i)), cy: ax.y(v), r: 2.5, fill: color, class: `${cls}-point` }));
    }
    flush();
  };
  series(train, TRAIN, undefined, 'train');
  if (val) series(val, VAL, '6 4', 'val');
  parts.push(...ax.foreground);
  // Legend in the band between title and plot, where it never covers a curve.
  const ly = oy + M.top - 18;
  const entries: [string, string, string | undefined][] = [
    [key.startsWith('val_') ? 'validation' : 'training', key.startsWith('val_') ? VAL : TRAIN, undefined],
  ];
  if (val) entries.push(['validation', VAL, '6 4']);
  let lx = frame.left + frame.width - entries.length * 105;
  for (const [label, color, dash] of entries) {
    parts.push(
      el('line', { x1: lx, y1: ly, x2: lx + 24, y2: ly, stroke: color, 'stroke-width': 2, 'stroke-dasharray': dash }),
    );
    parts.push(text(lx + 30, ly, label, { baseline: 'middle', size: 11, fill: '#333' }));
    lx += 105;
  }
  return el('g', { class: 'panel', 'data-key': key }, parts);
}
