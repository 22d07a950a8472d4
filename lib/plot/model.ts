// plotModel: the network as boxes and arrows (Keras's plot_model, drawn without Graphviz), or for small
// networks the classic picture of neurons and their connections.
import { document, el, text, textWidth } from './svg.js';
import { writePicture, type PlotFileOptions } from './output.js';

/** What a picture of a layer needs; shapes use null for the batch dimension, as Keras prints None. */
export interface LayerDescription {
  name: string;
  type: string;
  inputShape: (number | null)[];
  outputShape: (number | null)[];
  activation?: string;
  params: number;
  /** A Normalization layer with invert: true (it undoes the standardization). */
  invert?: boolean;
}

export interface PlotModelOptions extends PlotFileOptions {
  /** Print each layer's input and output shapes (Keras's show_shapes; default false). */
  showShapes?: boolean;
  /** Print each layer's activation and parameter count (default true). */
  showActivations?: boolean;
  /** 'boxes' (default) or 'neurons': every unit a circle, every weight a line (for small networks). */
  style?: 'boxes' | 'neurons';
  title?: string;
}

/** Something with layers: a Sequential model, or a plain `{ layers: LayerDescription[] }`. */
export interface ModelLike {
  layers: readonly unknown[];
}

function shapeText(s: (number | null)[]): string {
  return `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/** Reads the description of each layer from a model, with an input layer in front (as Keras draws it). */
export function describeLayers(model: ModelLike): LayerDescription[] {
  if (!model || !Array.isArray(model.layers))
    throw new TypeError('plotModel needs a model with layers (a Sequential, or { layers: [...] })');
  if (model.layers.length === 0) throw new Error('plotModel: the model has no layers (add some with model.add)');
  const layers = model.layers.map((l, i) => describeLayer(l, i));
  const first = layers[0]!;
  return [
    { name: 'input', type: 'InputLayer', inputShape: first.inputShape, outputShape: first.inputShape, params: 0 },
    ...layers,
  ];
}

function describeLayer(l: unknown, i: number): LayerDescription {
  const o = l as Record<string, unknown>;
  if (!o || typeof o !== 'object') throw new TypeError(`plotModel: layer ${i} is ${String(l)}, not a layer`);
  const shape = (v: unknown): (number | null)[] | undefined =>
    Array.isArray(v) ? v.map((d) => (typeof d === 'number' ? d : null)) : undefined;
  const inputShape = shape(o.inputShape) ?? (typeof o.inputDim === 'number' ? [null, o.inputDim] : undefined);
  const outputShape = shape(o.outputShape) ?? (typeof o.units === 'number' ? [null, o.units] : inputShape);
  if (!inputShape || !outputShape)
    throw new Error(`plotModel: layer ${i} does not say its shapes (build or compile the model first)`);
  const act = o.activation;
  const params =
    typeof o.params === 'number'
      ? o.params
      : typeof o.countParams === 'function'
        ? Number((o.countParams as () => number).call(l))
        : 0;
  return {
    name: typeof o.name === 'string' ? o.name : `layer_${i}`,
    type:
      typeof o.type === 'string'
        ? o.type
        : typeof o.className === 'string'
          ? o.className
          : ((l as object).constructor?.name ?? 'Layer'),
    inputShape,
    outputShape,
    activation:
      typeof act === 'string'
        ? act
        : act && typeof (act as { name?: unknown }).name === 'string'
          ? (act as { name: string }).name
          : undefined,
    params,
    ...(o.invert === true ? { invert: true } : {}),
  };
}

const FILL: Record<string, string> = {
  InputLayer: '#e8f5e9',
  Dense: '#e3f2fd',
  Dropout: '#f3f3f3',
  BatchNormalization: '#fff8e1',
  LayerNormalization: '#fff8e1',
  Normalization: '#f1f8e9',
  Activation: '#fce4ec',
};

/** Layers that map each unit to the same unit (drawn unit to unit), with what they do. */
const UNITWISE: Record<string, string> = {
  Dropout: 'drops units in training',
  BatchNormalization: 'normalizes each unit over the batch',
  LayerNormalization: 'normalizes each row',
  Normalization: 'standardizes each feature',
};

const unitwise = (type: string) => type in UNITWISE || type === 'Activation';

export function plotModel(model: ModelLike, options: PlotModelOptions = {}): string {
  const layers = describeLayers(model);
  const svg = options.style === 'neurons' ? neurons(layers, options) : boxes(layers, options);
  return writePicture(svg, options);
}

function boxes(layers: LayerDescription[], o: PlotModelOptions): string {
  const showActs = o.showActivations !== false;
  const heads = layers.map((l) => `${l.name} (${l.type})`);
  const subs = layers.map((l) =>
    showActs
      ? [l.activation, l.type === 'InputLayer' ? undefined : `${l.params.toLocaleString('en-US')} params`]
          .filter(Boolean)
          .join(' · ')
      : '',
  );
  const ins = layers.map((l) => `input: ${shapeText(l.inputShape)}`);
  const outs = layers.map((l) => `output: ${shapeText(l.outputShape)}`);
  const leftW = Math.max(150, ...heads.map((h) => textWidth(h, 13) + 24), ...subs.map((s) => textWidth(s, 11) + 24));
  const rightW = o.showShapes
    ? Math.max(...ins.map((s) => textWidth(s, 11)), ...outs.map((s) => textWidth(s, 11))) + 20
    : 0;
  const boxW = leftW + rightW;
  const boxH = showActs || o.showShapes ? 46 : 32;
  const gap = 34;
  const margin = 24;
  const top = o.title ? 48 : margin;
  const width = Math.max(boxW + 2 * margin, o.title ? textWidth(o.title, 15) * 1.1 + 32 : 0);
  const height = top + layers.length * boxH + (layers.length - 1) * gap + margin;
  const body: string[] = [
    el(
      'defs',
      {},
      el(
        'marker',
        { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' },
        el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#555' }),
      ),
    ),
  ];
  if (o.title) body.push(text(width / 2, 28, o.title, { anchor: 'middle', size: 15, weight: 'bold' }));
  layers.forEach((l, i) => {
    const x = (width - boxW) / 2;
    const y = top + i * (boxH + gap);
    const parts = [
      el('rect', {
        x,
        y,
        width: boxW,
        height: boxH,
        rx: 6,
        fill: FILL[l.type] ?? '#fff8e1',
        stroke: '#555',
        'stroke-width': 1.2,
      }),
    ];
    const cx = x + leftW / 2;
    if (subs[i]) {
      parts.push(text(cx, y + 18, heads[i]!, { anchor: 'middle', baseline: 'middle', size: 13, weight: 'bold' }));
      parts.push(text(cx, y + 34, subs[i]!, { anchor: 'middle', baseline: 'middle', size: 11, fill: '#444' }));
    } else
      parts.push(text(cx, y + boxH / 2, heads[i]!, { anchor: 'middle', baseline: 'middle', size: 13, weight: 'bold' }));
    if (o.showShapes) {
      parts.push(el('line', { x1: x + leftW, y1: y, x2: x + leftW, y2: y + boxH, stroke: '#555' }));
      parts.push(el('line', { x1: x + leftW, y1: y + boxH / 2, x2: x + boxW, y2: y + boxH / 2, stroke: '#999' }));
      parts.push(text(x + leftW + 10, y + boxH / 4, ins[i]!, { baseline: 'middle', size: 11 }));
      parts.push(text(x + leftW + 10, y + (3 * boxH) / 4, outs[i]!, { baseline: 'middle', size: 11 }));
    }
    body.push(el('g', { class: 'layer', 'data-name': l.name }, parts));
    if (i > 0)
      body.push(
        el('line', {
          x1: x + boxW / 2,
          y1: y - gap,
          x2: x + boxW / 2,
          y2: y - 1,
          stroke: '#555',
          'stroke-width': 1.5,
          'marker-end': 'url(#arrow)',
          class: 'edge',
        }),
      );
  });
  return document(width, height, body, o.title ?? 'Model');
}

const MAX_DRAWN = 10;

function neurons(layers: LayerDescription[], o: PlotModelOptions): string {
  const units = layers.map((l) => Number(l.outputShape[l.outputShape.length - 1] ?? 1));
  // Wide layers show their first and last units with a gap marked "⋮", so the picture stays readable.
  const shown = units.map((u) =>
    u <= MAX_DRAWN ? Array.from({ length: u }, (_, i) => i) : [0, 1, 2, 3, -1, u - 4, u - 3, u - 2, u - 1],
  );
  const colW = Math.max(150, ...layers.map((l) => textWidth(l.name, 12) * 1.1 + 24));
  const rowH = 34;
  const maxRows = Math.max(...shown.map((s) => s.length));
  const top = o.title ? 54 : 24;
  const width = Math.max(layers.length * colW, o.title ? textWidth(o.title, 15) * 1.1 + 32 : 0);
  const ox = (width - layers.length * colW) / 2;
  const height = top + maxRows * rowH + 64;
  const pos = shown.map((s, c) =>
    s.map((_, r) => ({
      x: ox + colW / 2 + c * colW,
      y: top + rowH / 2 + ((maxRows - s.length) * rowH) / 2 + r * rowH,
    })),
  );
  const body: string[] = [];
  if (o.title) body.push(text(width / 2, 28, o.title, { anchor: 'middle', size: 15, weight: 'bold' }));
  for (let c = 1; c < layers.length; c++)
    // Dropout, the normalizations and Activation work unit by unit: one line per unit, not every pair.
    for (const [a, ia] of pos[c - 1]!.map((p, i) => [p, i] as const))
      for (const [b, ib] of pos[c]!.map((p, i) => [p, i] as const))
        if (
          shown[c - 1]![ia]! >= 0 &&
          shown[c]![ib]! >= 0 &&
          (!unitwise(layers[c]!.type) || shown[c - 1]![ia] === shown[c]![ib])
        )
          body.push(
            el('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: '#9aa', 'stroke-width': 0.7, class: 'weight' }),
          );
  layers.forEach((l, c) => {
    const fill = c === 0 ? '#66bb6a' : c === layers.length - 1 ? '#ef6c00' : '#42a5f5';
    pos[c]!.forEach((p, r) => {
      if (shown[c]![r]! < 0) body.push(text(p.x, p.y, '⋮', { anchor: 'middle', baseline: 'middle', size: 16 }));
      else body.push(el('circle', { cx: p.x, cy: p.y, r: 10, fill, stroke: '#333', class: 'neuron' }));
    });
    const by = top + maxRows * rowH + 16;
    body.push(
      text(p0(c), by, c === 0 ? 'input' : l.name, { anchor: 'middle', baseline: 'hanging', size: 12, weight: 'bold' }),
    );
    const what = l.type === 'Normalization' && l.invert ? 'undoes the standardization' : UNITWISE[l.type];
    if (what) {
      body.push(
        text(p0(c), by + 18, what, {
          anchor: 'middle',
          baseline: 'hanging',
          size: 11,
          fill: '#444',
        }),
      );
      return;
    }
    const detail =
      c === 0
        ? `${units[c]} features`
        : `${units[c]} unit${units[c] === 1 ? '' : 's'}${l.activation ? ` · ${l.activation}` : ''}`;
    body.push(text(p0(c), by + 18, detail, { anchor: 'middle', baseline: 'hanging', size: 11, fill: '#444' }));
  });
  function p0(c: number): number {
    return ox + colW / 2 + c * colW;
  }
  return document(width, height, body, o.title ?? 'Model');
}
