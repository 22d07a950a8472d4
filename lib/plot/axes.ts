// A chart frame: x and y axes with ticks, tick labels, axis titles and light grid lines.
import { linearScale, formatTick, type Scale } from './scale.js';
import { el, text } from './svg.js';

export interface Frame {
  /** Plot area in pixels. */
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface AxesSpec {
  frame: Frame;
  xDomain: [number, number];
  yDomain: [number, number];
  xLabel?: string;
  yLabel?: string;
  title?: string;
  /** Integer ticks only (epochs). */
  xIntegers?: boolean;
  grid?: boolean;
}

export interface Axes {
  x: Scale;
  y: Scale;
  /** Grid, frame, ticks and labels (draw the grid before the data, so put `background` first). */
  background: string[];
  foreground: string[];
}

export function axes(spec: AxesSpec): Axes {
  const { left, top, width, height } = spec.frame;
  const x = linearScale(spec.xDomain, [left, left + width], Math.max(2, Math.min(8, Math.floor(width / 70))));
  const y = linearScale(spec.yDomain, [top + height, top], Math.max(2, Math.min(8, Math.floor(height / 38))));
  if (spec.xIntegers) x.ticks = x.ticks.filter((t) => Number.isInteger(t));
  const bg: string[] = [];
  const fg: string[] = [];
  const bottom = top + height;
  if (spec.grid !== false) {
    for (const t of x.ticks) bg.push(el('line', { x1: x(t), y1: top, x2: x(t), y2: bottom, stroke: '#e5e5e5' }));
    for (const t of y.ticks) bg.push(el('line', { x1: left, y1: y(t), x2: left + width, y2: y(t), stroke: '#e5e5e5' }));
  }
  fg.push(el('rect', { x: left, y: top, width, height, fill: 'none', stroke: '#444' }));
  for (const t of x.ticks) {
    fg.push(el('line', { x1: x(t), y1: bottom, x2: x(t), y2: bottom + 5, stroke: '#444' }));
    fg.push(text(x(t), bottom + 8, formatTick(t), { anchor: 'middle', baseline: 'hanging', size: 11 }));
  }
  for (const t of y.ticks) {
    fg.push(el('line', { x1: left - 5, y1: y(t), x2: left, y2: y(t), stroke: '#444' }));
    fg.push(text(left - 8, y(t), formatTick(t), { anchor: 'end', baseline: 'middle', size: 11 }));
  }
  if (spec.xLabel) fg.push(text(left + width / 2, bottom + 36, spec.xLabel, { anchor: 'middle', size: 12 }));
  if (spec.yLabel) {
    const widest = Math.max(0, ...y.ticks.map((t) => formatTick(t).length)) * 6.6;
    const lx = left - 16 - widest;
    fg.push(text(lx, top + height / 2, spec.yLabel, { anchor: 'middle', size: 12, rotate: -90 }));
  }
  if (spec.title) fg.push(text(left + width / 2, top - 12, spec.title, { anchor: 'middle', size: 14, weight: 'bold' }));
  return { x, y, background: bg, foreground: fg };
}
