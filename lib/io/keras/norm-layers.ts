// Keras configs <-> myelin's BatchNormalization, LayerNormalization and Activation layers, in both
// dialects (keras/src/layers/normalization/*.py, keras/src/layers/activations/activation.py; Keras 2's
// tf.keras layers write axis as a list). Normalization has no Keras export yet (Keras keeps an integer
// `count` beside its statistics): it is refused by name.
import type { ActivationName } from '../../activations.js';
import { Activation, BatchNormalization, LayerNormalization, type Layer } from '../../layers/index.js';
import type { LayerSpec } from './layers.js';

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
export type UnitwiseSpec = NormLayerSpec | ActivationLayerSpec;

/** Keras's names of a layer's weight arrays, in its order, and which ones an optimizer trains (not the
 *  moving statistics). */
export function weightsOf(l: LayerSpec): { name: string; trainable: boolean }[] {
  if (l.kind === 'dense')
    return [{ name: 'kernel', trainable: true }, ...(l.useBias ? [{ name: 'bias', trainable: true }] : [])];
  if (l.kind === 'dropout' || l.kind === 'activation') return [];
  const out = [
    ...(l.scale ? [{ name: 'gamma', trainable: true }] : []),
    ...(l.center ? [{ name: 'beta', trainable: true }] : []),
  ];
  if (l.kind === 'batch_normalization')
    out.push({ name: 'moving_mean', trainable: false }, { name: 'moving_variance', trainable: false });
  return out;
}

export function unitwiseClass(l: UnitwiseSpec): string {
  return l.kind === 'activation'
    ? 'Activation'
    : l.kind === 'batch_normalization'
      ? 'BatchNormalization'
      : 'LayerNormalization';
}

/** The spec of a myelin layer of these classes, or null. */
export function unitwiseSpecOf(l: Layer): UnitwiseSpec | null {
  if (l instanceof Activation) return { kind: 'activation', name: l.name, activation: l.activation };
  if (l instanceof BatchNormalization || l instanceof LayerNormalization) {
    const momentum = l instanceof BatchNormalization ? l.momentum : 0.99;
    const kind = l instanceof BatchNormalization ? 'batch_normalization' : 'layer_normalization';
    return { kind, name: l.name, momentum, epsilon: l.epsilon, center: l.center, scale: l.scale };
  }
  return null;
}

export function buildUnitwise(l: UnitwiseSpec, inputDim: { inputDim?: number }): Layer {
  if (l.kind === 'activation') return new Activation(l.activation, { name: l.name, ...inputDim });
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

/** The layer's config in a dialect (without name, trainable, dtype: the writer adds those). */
export function unitwiseConfig(
  l: UnitwiseSpec,
  dialect: 'keras3' | 'keras2',
  init: (className: string) => Json,
  activation: (a: ActivationName) => string,
): Json {
  if (l.kind === 'activation') return { activation: activation(l.activation) };
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
