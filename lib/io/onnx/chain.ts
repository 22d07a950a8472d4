// What reading an ONNX chain accumulates (./steps.ts, ./norm-steps.ts): the layers read so far, the
// current tensor's width and rank, the input scaling; and the small helpers both step files use.
import type { ActivationName } from '../../activations.js';
import { ATTR, type AttributeProto, type NodeProto } from './schema.js';
import type { Constant, Constants } from './tensors.js';

export interface DenseRead {
  kind: 'Dense';
  name: string;
  inputs: number;
  units: number;
  /** inputs x units, row-major (Keras's kernel orientation). */
  kernel: Float64Array;
  bias: Float64Array | null;
  activation: ActivationName;
  /** True once an activation node was read: no bias may follow. */
  closed: boolean;
}

/** A layer that keeps its width; `weights` in the layer's getWeights() order. */
export interface UnitRead {
  kind: 'BatchNormalization' | 'LayerNormalization' | 'Normalization' | 'Activation';
  name: string;
  options: Record<string, unknown>;
  weights: Float64Array[];
  /** Normalization read from Sub (or Mul): its Div (or Add) may follow. */
  open?: 'Sub' | 'Mul';
}

export type LayerRead = DenseRead | UnitRead;

export interface Chain {
  opset: number;
  constants: Constants;
  consumers: Map<string, NodeProto[]>;
  output: string;
  /** Features per row of the current tensor (null while unknown) and its rank. */
  width: number | null;
  rank: number;
  layers: LayerRead[];
  /** The input scaling read so far, as (x - offset) / scale. */
  scaler: { offset: Float64Array; scale: Float64Array } | null;
  visited: Set<NodeProto>;
  /** Written by myelin: Sub/Div at the input not named preprocessing/... are a Normalization layer. */
  own: boolean;
}

export const nodeName = (n: NodeProto) => {
  const op = n.opType || 'no op_type';
  return n.name ? `'${n.name}' (${op})` : `(${op}) writing '${n.output?.[0] ?? ''}'`;
};

export const attr = (n: NodeProto, name: string): AttributeProto | undefined =>
  n.attribute?.find((a) => a.name === name);
// An attribute present without its value field holds the field's default, 0 (proto2), as onnxruntime reads it.
export const intAttr = (n: NodeProto, name: string, fallback: number) => {
  const a = attr(n, name);
  return a ? (a.i ?? 0) : fallback;
};
export const floatAttr = (n: NodeProto, name: string, fallback: number) => {
  const a = attr(n, name);
  return a ? (a.type === ATTR.INT ? (a.i ?? 0) : (a.f ?? 0)) : fallback;
};
/** A float32 attribute as the shortest decimal that is the same float32 (9.999999747378752e-6 → 1e-5). */
export function shortFloat(v: number): number {
  for (let p = 1; p < 17; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === Math.fround(v)) return d;
  }
  return v;
}

/** The node's second input when it is a constant that broadcasts over the features (one value or one per feature). */
export function vector(c: Chain, n: NodeProto): Float64Array | null {
  const v = c.constants.get(n.input?.[1] ?? '');
  if (!v || c.rank !== 2 || v.dims.length > 2 || (v.dims.length === 2 && v.dims[0] !== 1)) return null;
  const size = v.values.length;
  if (size === 1 || c.width === null || size === c.width) return v.values;
  return null;
}

export const at = (v: Float64Array, j: number) => (v.length === 1 ? v[0]! : v[j]!);

/** A constant input of `n` holding one value per feature of the current tensor ([width] or [1, width]). */
export function perFeature(c: Chain, n: NodeProto, index: number, what: string): Float64Array {
  const name = n.input?.[index] ?? '';
  const v: Constant | null = name ? c.constants.get(name) : null;
  if (!v) throw new Error(`node ${nodeName(n)}: its ${what} '${name}' is not a constant stored in the file`);
  const width = c.width ?? v.values.length;
  const shaped = v.dims.length === 1 || (v.dims.length === 2 && v.dims[0] === 1);
  if (!shaped || v.values.length !== width || width === 0)
    throw new Error(`node ${nodeName(n)}: its ${what} '${name}' has shape [${v.dims}]; it must be [${width}]`);
  c.width = width;
  return v.values;
}

/** The last layer read, when it is a Dense one. */
export const lastDense = (c: Chain): DenseRead | undefined => {
  const l = c.layers[c.layers.length - 1];
  return l?.kind === 'Dense' ? l : undefined;
};
