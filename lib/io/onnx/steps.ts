// One step along an ONNX chain (./import.ts): at the current tensor, the node(s) reading it become a
// Dense layer (Gemm, MatMul then Add), an activation (one operator or a decomposed form, ./patterns.ts),
// a no-op (Identity, Dropout, Flatten, Reshape to [batch, n]) or, before the first layer, the input
// scaling (Sub, Div, Mul, Add by constants). Each returns the tensor the chain continues from.
import type { ActivationName } from '../../activations.js';
import { at, type Chain, floatAttr, intAttr, lastDense, nodeName, vector, attr } from './chain.js';
import {
  activationLayer,
  batchNormalization,
  decomposedLayerNorm,
  layerNormalization,
  normalizationStep,
} from './norm-steps.js';
import { ELEMENTWISE, matchActivation, type Expr } from './patterns.js';
import type { NodeProto } from './schema.js';
import type { Constant } from './tensors.js';

export { nodeName, type Chain } from './chain.js';

export const SUPPORTED =
  'Gemm, MatMul (then Add), BatchNormalization, LayerNormalization (or its ReduceMean...Sqrt, Div form), Relu, ' +
  'Sigmoid, Tanh, Softmax, LeakyRelu (alpha 0.2), Elu (alpha 1), Gelu, x·Sigmoid(x), 0.5·x·(1 + Erf(x/√2)), ' +
  'Identity, Dropout, Flatten and Reshape to [batch, n], Sub/Div/Mul/Add by constants before the first layer ' +
  '(input scaling) and Sub then Div by per-feature constants after one (a Normalization layer)';
/** The most nodes one decomposed activation may span. */
const MAX_REGION = 32;

/** Reads the node(s) at `current`; returns the tensor the chain continues from. */
export function readStep(c: Chain, current: string): string {
  const users = c.consumers.get(current) ?? [];
  if (users.length === 0)
    throw new Error(`tensor '${current}' is read by no node and is not the graph output '${c.output}'`);
  for (const n of users)
    if (n.domain && n.domain !== 'ai.onnx')
      throw new Error(`node ${nodeName(n)} is from the operator domain '${n.domain}'; myelin reads ${SUPPORTED}`);
  const user = users[0]!;
  // Add and Mul commute: read Add(bias, x) as Add(x, bias).
  const [a, b, ...rest] = user.input ?? [];
  const n =
    b === current && a !== current && (user.opType === 'Add' || user.opType === 'Mul')
      ? { ...user, input: [b, a!, ...rest] }
      : user;
  if (users.length === 1 && (n.input ?? [])[0] === current) {
    const next = SINGLE[n.opType ?? '']?.(c, n);
    if (next !== undefined) {
      c.visited.add(user);
      if (n.output?.slice(1).some((o) => o !== '' && (c.consumers.has(o) || o === c.output)))
        throw new Error(`node ${nodeName(n)}: only its first output may be used`);
      return next;
    }
  }
  return decomposedLayerNorm(c, current, users) ?? elementwise(c, current, users);
}

type Step = (c: Chain, n: NodeProto) => string | undefined;

const SINGLE: Record<string, Step> = {
  Gemm(c, n) {
    if (intAttr(n, 'transA', 0) !== 0)
      throw new Error(`node ${nodeName(n)} has transA=1, which transposes the batch; myelin reads transA=0`);
    const [, b, bias] = n.input ?? [];
    const w = weight(c, n, b, 'B');
    const transB = intAttr(n, 'transB', 0) !== 0;
    const [rows, cols] = w.dims as [number, number];
    const inputs = transB ? cols : rows;
    const units = transB ? rows : cols;
    const kernel = new Float64Array(inputs * units);
    const alpha = floatAttr(n, 'alpha', 1);
    for (let i = 0; i < inputs; i++)
      for (let j = 0; j < units; j++)
        kernel[i * units + j] = alpha * w.values[transB ? j * inputs + i : i * units + j]!;
    addLayer(c, n, inputs, units, kernel);
    if (bias) setBias(c, n, bias, floatAttr(n, 'beta', 1));
    return n.output![0]!;
  },
  MatMul(c, n) {
    const w = weight(c, n, n.input?.[1], 'B');
    addLayer(c, n, w.dims[0]!, w.dims[1]!, w.values.slice());
    return n.output![0]!;
  },
  Add(c, n) {
    const v = vector(c, n);
    if (!v) return undefined;
    if (scaling(c, n)) return scale(c, n, (s, j) => (s.offset[j] = s.offset[j]! - at(v, j) * s.scale[j]!));
    const norm = normalizationStep(c, n, v);
    if (norm !== undefined) return norm;
    setBias(c, n, n.input![1]!, 1);
    return n.output![0]!;
  },
  Sub(c, n) {
    const v = vector(c, n);
    if (!v) return undefined;
    if (scaling(c, n)) return scale(c, n, (s, j) => (s.offset[j] = s.offset[j]! + at(v, j) * s.scale[j]!));
    return normalizationStep(c, n, v);
  },
  Mul(c, n) {
    const v = vector(c, n);
    if (!v) return undefined;
    if (scaling(c, n)) return scale(c, n, (s, j) => (s.scale[j] = s.scale[j]! / at(v, j)));
    return normalizationStep(c, n, v);
  },
  Div(c, n) {
    const v = vector(c, n);
    if (!v) return undefined;
    if (scaling(c, n)) return scale(c, n, (s, j) => (s.scale[j] = s.scale[j]! * at(v, j)));
    return normalizationStep(c, n, v);
  },
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Softmax(c, n) {
    const axis = intAttr(n, 'axis', c.opset >= 13 ? -1 : 1);
    if (c.rank !== 2 || (axis !== 1 && axis !== -1))
      throw new Error(
        `node ${nodeName(n)} takes softmax over axis ${axis} of a rank-${c.rank} tensor; ` +
          "myelin's is over the features of [batch, n]",
      );
    activate(c, 'softmax', [n]);
    return n.output![0]!;
  },
  Flatten(c, n) {
    const axis = intAttr(n, 'axis', 1);
    if (axis !== 1)
      throw new Error(`node ${nodeName(n)} flattens at axis ${axis}; myelin reads Flatten to [batch, n] (axis 1)`);
    c.rank = 2;
    return n.output![0]!;
  },
  Reshape(c, n) {
    const shape = c.constants.get(n.input?.[1] ?? '');
    const s = shape ? Array.from(shape.values) : [];
    const keepsBatch = s[0] === 0 || s[0] === -1;
    const ok =
      s.length === 2 && keepsBatch && (s[1] === -1 ? s[0] === 0 : s[1]! > 0 && (c.width === null || s[1] === c.width));
    if (!ok)
      throw new Error(
        `node ${nodeName(n)} reshapes to [${shape ? s : '(not a constant)'}]; ` +
          'myelin reads Reshape to [batch, n] ([-1, n] or [0, -1])',
      );
    if (s[1]! > 0) c.width = s[1]!;
    c.rank = 2;
    return n.output![0]!;
  },
};

/** Arithmetic by constants before the first layer is the input scaling, but in myelin's own files only the
 *  nodes it names preprocessing/...: the others are its Normalization layers. */
const scaling = (c: Chain, n: NodeProto) =>
  c.layers.length === 0 && (!c.own || (n.name ?? '').startsWith('preprocessing/'));

function weight(c: Chain, n: NodeProto, name: string | undefined, what: string): Constant {
  const w = c.constants.get(name ?? '');
  if (!w)
    throw new Error(
      `node ${nodeName(n)}: its ${what} '${name}' is not a constant; myelin reads weights stored in the file`,
    );
  if (w.dims.length !== 2)
    throw new Error(
      `node ${nodeName(n)}: its ${what} '${name}' has shape [${w.dims}]; a weight matrix has two dimensions`,
    );
  if (c.rank !== 2)
    throw new Error(`node ${nodeName(n)} multiplies a rank-${c.rank} tensor; flatten it to [batch, n] first`);
  return w;
}

function addLayer(c: Chain, n: NodeProto, inputs: number, units: number, kernel: Float64Array): void {
  if (c.width !== null && inputs !== c.width)
    throw new Error(`node ${nodeName(n)} takes ${inputs} features but its input has ${c.width}`);
  if (units === 0 || inputs === 0)
    throw new Error(`node ${nodeName(n)} has an empty weight matrix [${inputs}, ${units}]`);
  c.layers.push({
    kind: 'Dense',
    name: n.name ?? '',
    inputs,
    units,
    kernel,
    bias: null,
    activation: 'linear',
    closed: false,
  });
  c.width = units;
}

/** A bias (or Gemm's C) broadcast to [units]: a scalar, [units] or [1, units]. */
function setBias(c: Chain, n: NodeProto, name: string, beta: number): void {
  const last = lastDense(c);
  if (!last)
    throw new Error(
      `node ${nodeName(n)} adds '${name}' after a layer other than Gemm or MatMul; myelin reads ${SUPPORTED}`,
    );
  const v = c.constants.get(name);
  const size = v?.values.length;
  if (!v || !(size === 1 || (size === last.units && v.dims[v.dims.length - 1] === last.units && v.dims.length <= 2)))
    throw new Error(
      `node ${nodeName(n)}: its bias '${name}' must be a constant of shape [${last.units}] or a scalar` +
        (v ? `, not [${v.dims}]` : ''),
    );
  if (last.bias || last.closed)
    throw new Error(`node ${nodeName(n)} adds a second bias, or a bias after the activation, to layer '${last.name}'`);
  last.bias = Float64Array.from({ length: last.units }, (_, j) => beta * at(v.values, j));
}

function scale(
  c: Chain,
  n: NodeProto,
  update: (s: { offset: Float64Array; scale: Float64Array }, j: number) => void,
): string {
  const v = c.constants.get(n.input![1]!)!;
  if (c.width === null) {
    if (v.values.length === 1)
      throw new Error(`node ${nodeName(n)} scales an input of unknown width by one value; declare the input's width`);
    c.width = v.values.length;
  }
  c.scaler ??= { offset: new Float64Array(c.width), scale: new Float64Array(c.width).fill(1) };
  const s = c.scaler;
  for (let j = 0; j < c.width; j++) update(s, j);
  return n.output![0]!;
}

function activate(c: Chain, activation: ActivationName, nodes: NodeProto[]): void {
  const last = lastDense(c);
  if (!last || last.closed) {
    activationLayer(c, activation, nodes);
    return;
  }
  last.activation = activation;
  last.closed = true;
}

/** The elementwise nodes from `current` to where the chain goes on, read as one activation. */
function elementwise(c: Chain, current: string, users: NodeProto[]): string {
  const region = new Set<NodeProto>();
  const made = new Map<string, NodeProto>();
  const inside = (t: string) => t === current || made.has(t);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of [current, ...made.keys()])
      for (const n of c.consumers.get(t) ?? []) {
        if (region.has(n) || !ELEMENTWISE.has(n.opType ?? '') || (n.domain && n.domain !== 'ai.onnx')) continue;
        const operands = (n.input ?? []).filter((i) => i !== '');
        if (!operands.every((i) => inside(i) || c.constants.isScalar(i))) continue;
        if (region.size === MAX_REGION)
          throw new Error(`more than ${MAX_REGION} elementwise nodes follow '${current}'; myelin reads ${SUPPORTED}`);
        region.add(n);
        made.set(n.output?.[0] ?? '', n);
        grew = true;
      }
  }
  const first = users.find((n) => !region.has(n));
  if (first)
    throw new Error(
      users.length === 1
        ? `node ${nodeName(first)} is not supported here; myelin reads ${SUPPORTED}`
        : `tensor '${current}' is read by ${users.length} nodes (${users.map(nodeName).join(', ')}), ` +
            `which form none of the activations myelin reads (${SUPPORTED})`,
    );
  const exits = [...made.keys()].filter(
    (t) => t === c.output || (c.consumers.get(t) ?? []).some((n) => !region.has(n)),
  );
  const names = [...region].map(nodeName).join(', ');
  if (exits.length !== 1)
    throw new Error(`the nodes ${names} after '${current}' lead to ${exits.length} places; myelin reads one chain`);
  const used = new Set<NodeProto>();
  const expr = (t: string): Expr => {
    if (t === current) return { op: 'x' };
    const n = made.get(t);
    if (!n) return { op: 'const', value: c.constants.get(t)!.values[0]! };
    used.add(n);
    const operands = (n.input ?? []).filter((i) => i !== '');
    if (n.opType === 'Identity' || n.opType === 'Dropout') return expr(operands[0]!);
    const approximate = attr(n, 'approximate')?.s;
    return {
      op: n.opType!,
      args: operands.map(expr),
      ...(attr(n, 'alpha') ? { alpha: floatAttr(n, 'alpha', 0) } : {}),
      ...(approximate ? { approximate: new TextDecoder().decode(approximate) } : {}),
    };
  };
  const e = expr(exits[0]!);
  const unused = [...region].find((n) => !used.has(n));
  if (unused) throw new Error(`node ${nodeName(unused)} after '${current}' leads nowhere; myelin reads one chain`);
  const m = matchActivation(e);
  if ('problem' in m) throw new Error(`the nodes ${names} after '${current}': ${m.problem}; myelin reads ${SUPPORTED}`);
  for (const n of region) c.visited.add(n);
  if (m.activation !== 'linear') activate(c, m.activation, [...region]);
  return exits[0]!;
}
