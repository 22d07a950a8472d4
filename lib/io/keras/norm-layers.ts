// Keras configs <-> myelin's BatchNormalization, LayerNormalization, Activation and Normalization layers,
// in both dialects (keras/src/layers/normalization/*.py, keras/src/layers/activations/activation.py,
// keras/src/layers/preprocessing/normalization.py; Keras 2's tf.keras layers write axis as a list).
// Keras's Normalization keeps mean and variance in its config when they were given (then it has no
// variables), else in the variables mean, variance and an integer count (unused since Keras 3), each of the
// kept axes' shape: [features] for axis -1, [] (a scalar) for axis None.
// It has nothing to train: its trainable flag is not checked.
import type { ActivationName } from '../../activations.js';
import { Activation, BatchNormalization, LayerNormalization, Normalization, type Layer } from '../../layers/index.js';
import type { LayerSpec, ModelSpec } from './layers.js';

type Json = Record<string, unknown>;

export interface NormLayerSpec {
  kind: 'batch_normalization' | 'layer_normalization';
  name: string;
  /** Batch normalization only. */
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
}
export interface ActivationLayerSpec {
  kind: 'activation';
  name: string;
  activation: ActivationName;
}
export interface NormalizationLayerSpec {
  kind: 'normalization';
  name: string;
  axis: -1 | null;
  invert: boolean;
  /** Given in the config (the file then holds no variables), or null: in the variables. */
  mean: number | number[] | null;
  variance: number | number[] | null;
}
export type UnitwiseSpec = NormLayerSpec | ActivationLayerSpec | NormalizationLayerSpec;

/** Keras's names of a layer's weight arrays, in its order, and which ones an optimizer trains (not the
 *  moving statistics). */
export function weightsOf(l: LayerSpec): { name: string; trainable: boolean }[] {
  if (l.kind === 'dense')
    return [{ name: 'kernel', trainable: true }, ...(l.useBias ? [{ name: 'bias', trainable: true }] : [])];
  if (l.kind === 'dropout' || l.kind === 'activation') return [];
  if (l.kind === 'normalization')
    return [
      { name: 'mean', trainable: false },
      { name: 'variance', trainable: false },
    ];
  const out = [
    ...(l.scale ? [{ name: 'gamma', trainable: true }] : []),
    ...(l.center ? [{ name: 'beta', trainable: true }] : []),
  ];
  if (l.kind === 'batch_normalization')
    out.push({ name: 'moving_mean', trainable: false }, { name: 'moving_variance', trainable: false });
  return out;
}

const CLASSES = {
  activation: 'Activation',
  batch_normalization: 'BatchNormalization',
  layer_normalization: 'LayerNormalization',
  normalization: 'Normalization',
} as const;

export function unitwiseClass(l: UnitwiseSpec): string {
  return CLASSES[l.kind];
}

/** The names of the arrays a Keras file holds for a Normalization (none when its statistics are in the config). */
export function normalizationFileNames(l: NormalizationLayerSpec): string[] {
  return l.mean === null ? ['mean', 'variance', 'count'] : [];
}

/** The shapes of those arrays for a layer `width` wide. */
export function normalizationFileShapes(l: NormalizationLayerSpec, width: number): number[][] {
  const kept = l.axis === null ? [] : [width];
  return l.mean === null ? [kept, kept, []] : [];
}

/** myelin's mean and variance arrays from a file's arrays (or the config), one value per feature. */
export function normalizationFromFile(
  l: NormalizationLayerSpec,
  arrays: Float32Array[],
  width: number,
  where: string,
): Float32Array[] {
  const [mean, variance] = l.mean === null ? arrays : [l.mean, l.variance!];
  const spread = (v: number | number[] | Float32Array) =>
    Float32Array.from({ length: width }, (_, j) => (typeof v === 'number' ? v : v.length === 1 ? v[0]! : v[j]!));
  const out = [spread(mean!), spread(variance!)];
  const bad = out[1]!.findIndex((v) => v < 0);
  if (bad >= 0) throw new Error(`${where}: variance holds ${out[1]![bad]} at index ${bad}; a variance is >= 0`);
  return out;
}

/** The arrays a Keras file holds for a Normalization from myelin's (one value per feature); count is 0. */
export function normalizationToFile(l: NormalizationLayerSpec, weights: Float32Array[]): Float32Array[] {
  if (l.mean !== null) return [];
  const kept = (w: Float32Array) => (l.axis === null ? w.subarray(0, 1) : w);
  return [kept(weights[0]!), kept(weights[1]!), new Float32Array(1)];
}

/** The spec of a myelin layer of these classes, or null. */
export function unitwiseSpecOf(l: Layer): UnitwiseSpec | null {
  if (l instanceof Activation) return { kind: 'activation', name: l.name, activation: l.activation };
  if (l instanceof BatchNormalization || l instanceof LayerNormalization) {
    const momentum = l instanceof BatchNormalization ? l.momentum : 0.99;
    const kind = l instanceof BatchNormalization ? 'batch_normalization' : 'layer_normalization';
    return { kind, name: l.name, momentum, epsilon: l.epsilon, center: l.center, scale: l.scale };
  }
  if (l instanceof Normalization) {
    // The statistics as they are now (setWeights may have changed what the options gave).
    const [mean, variance] = l.getWeights() as Float32Array[];
    if (l.axis === null && [mean!, variance!].some((w) => w.some((v) => v !== w[0])))
      throw new Error(
        `layer '${l.name}' (Normalization, axis null) holds different values per feature; Keras's holds one mean ` +
          'and variance for all features',
      );
    const given = (w: Float32Array) => (l.axis === null ? w[0]! : Array.from(w));
    const fromOptions = l.mean !== null;
    return {
      kind: 'normalization',
      name: l.name,
      axis: l.axis,
      invert: l.invert,
      mean: fromOptions ? given(mean!) : null,
      variance: fromOptions ? given(variance!) : null,
    };
  }
  return null;
}

export function buildUnitwise(l: UnitwiseSpec, inputDim: { inputDim?: number }): Layer {
  if (l.kind === 'activation') return new Activation(l.activation, { name: l.name, ...inputDim });
  if (l.kind === 'normalization') {
    const stats = l.mean === null ? {} : { mean: l.mean, variance: l.variance! };
    return new Normalization({ name: l.name, ...inputDim, axis: l.axis, invert: l.invert, ...stats });
  }
  const { name, epsilon, center, scale } = l;
  return l.kind === 'batch_normalization'
    ? new BatchNormalization({ name, ...inputDim, momentum: l.momentum, epsilon, center, scale })
    : new LayerNormalization({ name, ...inputDim, epsilon, center, scale });
}

/** Reads a config of these classes; `check` refuses settings myelin does not have (layers.ts checkSettings). */
export function parseUnitwise(
  cls: string,
  c: Json,
  name: string,
  where: string,
  tools: {
    fail: (problem: string) => never;
    checkSettings: (c: Json, where: string, neutral: Json, known: string[]) => void;
    activation: (v: unknown, where: string) => ActivationName;
  },
): UnitwiseSpec {
  const { fail, checkSettings } = tools;
  if (cls === 'Activation') {
    checkSettings(c, where, {}, ['activation']);
    return { kind: 'activation', name, activation: tools.activation(c['activation'], where) };
  }
  if (cls === 'Normalization') return parseNormalization(c, name, where, tools);
  const bn = cls === 'BatchNormalization';
  // The last axis of flat rows: -1, or 1 (Keras 2 lists it).
  const axis = Array.isArray(c['axis']) && c['axis'].length === 1 ? c['axis'][0] : (c['axis'] ?? -1);
  if (axis !== -1 && axis !== 1) fail(`${where}: axis ${JSON.stringify(c['axis'])} is not the features axis (-1)`);
  const initializers = [
    'beta_initializer',
    'gamma_initializer',
    'moving_mean_initializer',
    'moving_variance_initializer',
  ];
  const neutral: Json = bn
    ? { synchronized: false, renorm: false, renorm_momentum: 0.99, fused: null, virtual_batch_size: null }
    : { rms_scaling: false };
  checkSettings(c, where, neutral, ['axis', 'momentum', 'epsilon', 'center', 'scale', ...initializers]);
  const number = (key: string, dflt: number, ok: (v: number) => boolean, want: string) => {
    const v = c[key] ?? dflt;
    if (typeof v !== 'number' || !ok(v)) fail(`${where}: ${key} ${JSON.stringify(v)} is not ${want}`);
    return v as number;
  };
  const flag = (key: string) => {
    const v = c[key] ?? true;
    if (typeof v !== 'boolean') fail(`${where}: ${key} ${JSON.stringify(v)} is not a boolean`);
    return v as boolean;
  };
  return {
    kind: bn ? 'batch_normalization' : 'layer_normalization',
    name,
    momentum: bn ? number('momentum', 0.99, (v) => v >= 0 && v <= 1, 'in [0, 1]') : 0.99,
    epsilon: number('epsilon', 1e-3, (v) => v > 0 && Number.isFinite(v), 'a number > 0'),
    center: flag('center'),
    scale: flag('scale'),
  };
}

function parseNormalization(
  c: Json,
  name: string,
  where: string,
  {
    fail,
    checkSettings,
  }: { fail: (problem: string) => never; checkSettings: (c: Json, w: string, n: Json, k: string[]) => void },
): NormalizationLayerSpec {
  checkSettings(c, where, {}, ['axis', 'mean', 'variance', 'invert']);
  const a = c['axis'] === undefined ? -1 : c['axis'];
  const one = Array.isArray(a) && a.length <= 1 ? (a.length === 0 ? null : a[0]) : a;
  if (one !== null && one !== -1 && one !== 1)
    fail(`${where}: axis ${JSON.stringify(a)} is not -1 (per feature) or None (one for all); myelin reads flat rows`);
  const axis = one === null ? null : -1;
  const invert = c['invert'] ?? false;
  if (typeof invert !== 'boolean') fail(`${where}: invert ${JSON.stringify(invert)} is not a boolean`);
  const stat = (key: string): number | number[] | null => {
    const v = c[key] ?? null;
    const finite = (e: unknown) => typeof e === 'number' && Number.isFinite(e) && (key === 'mean' || e >= 0);
    const want = key === 'mean' ? 'a finite number' : 'a finite number >= 0';
    if (v === null || finite(v) || (axis !== null && Array.isArray(v) && v.length > 0 && v.every(finite)))
      return v as number | number[] | null;
    return fail(
      `${where}: ${key} ${JSON.stringify(v)?.slice(0, 80)} is not ${want}${axis === null ? '' : ' or a list of them'}`,
    );
  };
  const mean = stat('mean');
  const variance = stat('variance');
  if ((mean === null) !== (variance === null)) fail(`${where}: mean and variance must both be given, or neither`);
  return { kind: 'normalization', name, axis, invert: invert as boolean, mean, variance };
}

/** The layer's config in a dialect (without name, trainable, dtype: the writer adds those). */
export function unitwiseConfig(
  l: UnitwiseSpec,
  dialect: 'keras3' | 'keras2',
  init: (className: string) => Json,
  activation: (a: ActivationName) => string,
): Json {
  if (l.kind === 'activation') return { activation: activation(l.activation) };
  if (l.kind === 'normalization')
    return { axis: l.axis === null ? [] : [-1], invert: l.invert, mean: l.mean, variance: l.variance };
  const axis = dialect === 'keras3' ? -1 : [1];
  const common = {
    axis,
    epsilon: l.epsilon,
    center: l.center,
    scale: l.scale,
    beta_initializer: init('Zeros'),
    gamma_initializer: init('Ones'),
    beta_regularizer: null,
    gamma_regularizer: null,
    beta_constraint: null,
    gamma_constraint: null,
  };
  if (l.kind === 'layer_normalization') return dialect === 'keras3' ? { ...common, rms_scaling: false } : common;
  return {
    ...common,
    momentum: l.momentum,
    moving_mean_initializer: init('Zeros'),
    moving_variance_initializer: init('Ones'),
    ...(dialect === 'keras3' ? { synchronized: false } : {}),
  };
}

/** Each layer's input width. */
export function inputWidths(spec: ModelSpec): number[] {
  let width = spec.inputDim;
  return spec.layers.map((l) => {
    const w = width;
    if (l.kind === 'dense') width = l.units;
    return w;
  });
}
