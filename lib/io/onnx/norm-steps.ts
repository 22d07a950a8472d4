// The layers that keep their width, read along an ONNX chain (./steps.ts): BatchNormalization and
// LayerNormalization operators (inference: the moving statistics), PyTorch's decomposed layer norm below
// opset 17 (ReduceMean, Sub, Pow, ReduceMean, Add eps, Sqrt, Div, then Mul by gamma, Add beta), Sub/Div
// by per-feature constants after a layer (a Normalization; Mul then Add: an inverted one), and an
// activation that follows no Dense layer (an Activation layer).
import type { ActivationName } from '../../activations.js';
import { type Chain, floatAttr, intAttr, nodeName, perFeature, shortFloat, type UnitRead } from './chain.js';
import type { NodeProto } from './schema.js';

/** Keras's backend.epsilon(): Normalization divides by max(sqrt(variance), this). */
const FLOOR = 1e-7;

function push(c: Chain, n: NodeProto, read: Omit<UnitRead, 'name'>, name = n.name ?? ''): string {
  if (c.rank !== 2)
    throw new Error(`node ${nodeName(n)} reads a rank-${c.rank} tensor; myelin's layers take [batch, features]`);
  c.layers.push({ name, ...read });
  return n.output![0]!;
}

function epsilon(n: NodeProto, layer: string): number {
  const eps = floatAttr(n, 'epsilon', 1e-5);
  if (!(eps > 0 && Number.isFinite(eps)))
    throw new Error(`node ${nodeName(n)} has epsilon ${eps}; myelin's ${layer} needs a finite epsilon > 0`);
  return shortFloat(eps);
}

export function batchNormalization(c: Chain, n: NodeProto): string {
  if (intAttr(n, 'training_mode', 0) !== 0)
    throw new Error(`node ${nodeName(n)} has training_mode=1; myelin reads inference graphs (training_mode=0)`);
  if (intAttr(n, 'spatial', 1) !== 1)
    throw new Error(`node ${nodeName(n)} has spatial=0, which myelin's BatchNormalization does not have`);
  const [gamma, beta, mean, variance] = ['scale', 'B', 'input_mean', 'input_var'].map((w, k) =>
    perFeature(c, n, k + 1, w),
  ) as [Float64Array, Float64Array, Float64Array, Float64Array];
  checkVariance(n, variance, 'input_var');
  const momentum = floatAttr(n, 'momentum', 0.9);
  if (!(momentum >= 0 && momentum <= 1))
    throw new Error(`node ${nodeName(n)} has momentum ${momentum}; myelin's BatchNormalization needs [0, 1]`);
  const options = { momentum: shortFloat(momentum), epsilon: epsilon(n, 'BatchNormalization') };
  return push(c, n, { kind: 'BatchNormalization', options, weights: [gamma, beta, mean, variance] });
}

export function layerNormalization(c: Chain, n: NodeProto): string {
  const axis = intAttr(n, 'axis', -1);
  if (axis !== -1 && !(axis === 1 && c.rank === 2))
    throw new Error(
      `node ${nodeName(n)} normalizes from axis ${axis}; myelin's LayerNormalization is over the features`,
    );
  const gamma = perFeature(c, n, 1, 'Scale');
  const beta = n.input?.[2] ? perFeature(c, n, 2, 'B') : null;
  const options = { epsilon: epsilon(n, 'LayerNormalization'), center: beta !== null };
  return push(c, n, { kind: 'LayerNormalization', options, weights: beta ? [gamma, beta] : [gamma] });
}

function checkVariance(n: NodeProto, v: Float64Array, what: string): void {
  const bad = v.findIndex((e) => e < 0);
  if (bad >= 0) throw new Error(`node ${nodeName(n)}: its ${what} holds ${v[bad]} at index ${bad}; a variance is >= 0`);
}

/** Sub, Div, Mul or Add by a per-feature constant `v` after a layer: a Normalization (Mul/Add: inverted). */
export function normalizationStep(c: Chain, n: NodeProto, v: Float64Array): string | undefined {
  const op = n.opType!;
  const width = c.width ?? v.length;
  const full = Float64Array.from({ length: width }, (_, j) => (v.length === 1 ? v[0]! : v[j]!));
  const last = c.layers[c.layers.length - 1];
  const prev = last?.kind === 'Normalization' && last.open ? last : null;
  if (op === 'Add' && !(prev?.open === 'Mul')) return undefined;
  c.width = width;
  if (op === 'Div' || op === 'Mul') {
    const bad = full.findIndex((s) => !(s >= FLOOR));
    if (bad >= 0)
      throw new Error(
        `node ${nodeName(n)} ${op === 'Div' ? 'divides' : 'multiplies'} feature ${bad} by ${full[bad]}; ` +
          `a Normalization's standard deviation is >= ${FLOOR}`,
      );
  }
  const variance = (sd: Float64Array) => Float64Array.from(sd, (s) => s * s);
  if (prev && ((prev.open === 'Sub' && op === 'Div') || (prev.open === 'Mul' && op === 'Add'))) {
    if (op === 'Div') prev.weights[1] = variance(full);
    else prev.weights[0] = full;
    delete prev.open;
    return n.output![0]!;
  }
  const name = (n.name ?? '').replace(/\/(sub|div|mul|add)$/, '');
  const zero = new Float64Array(width);
  const one = new Float64Array(width).fill(1);
  const read: Omit<UnitRead, 'name'> =
    op === 'Sub'
      ? { kind: 'Normalization', options: {}, weights: [full, one], open: 'Sub' }
      : op === 'Div'
        ? { kind: 'Normalization', options: {}, weights: [zero, variance(full)] }
        : { kind: 'Normalization', options: { invert: true }, weights: [zero, variance(full)], open: 'Mul' };
  return push(c, n, read, name);
}

/** An activation with no Dense layer to attach to: an Activation layer. */
export function activationLayer(c: Chain, activation: ActivationName, nodes: NodeProto[]): void {
  if (c.width === null)
    throw new Error(`node ${nodes.map(nodeName).join(', ')} acts on an input of unknown width; declare its width`);
  // One node's name, or (a decomposed form, as myelin names it) the nodes' common prefix: act/div, act/erf → act.
  const stems = new Set(nodes.map((n) => (n.name ?? '').replace(/\/[^/]*$/, '')));
  const name = nodes.length === 1 ? (nodes[0]!.name ?? '') : stems.size === 1 ? [...stems][0]! : '';
  c.layers.push({ kind: 'Activation', name, options: { activation }, weights: [] });
}

/**
 * PyTorch's LayerNorm below opset 17, at `x`: ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, then
 * Mul by gamma and Add beta when present. Returns the tensor after it, or undefined when `x`'s readers are
 * not that pattern's start (a ReduceMean and a Sub).
 */
export function decomposedLayerNorm(c: Chain, x: string, users: NodeProto[]): string | undefined {
  const mean1 = users.find((u) => u.opType === 'ReduceMean');
  if (!mean1 || users.length !== 2) return undefined;
  const bad = (what: string): never => {
    throw new Error(
      `the nodes after '${x}' start a decomposed LayerNormalization at ${nodeName(mean1)} but ${what}; myelin reads ` +
        'ReduceMean, Sub, Pow 2, ReduceMean, Add epsilon, Sqrt, Div (then Mul gamma, Add beta) over the last axis',
    );
  };
  const seen: NodeProto[] = [mean1];
  const one = (t: string, op: string, also = 1): NodeProto => {
    const readers = c.consumers.get(t) ?? [];
    const n = readers.find((r) => r.opType === op && !seen.includes(r));
    if (!n || readers.length !== also) bad(`'${t}' is not read by ${also === 1 ? 'one' : also} node(s) with a ${op}`);
    seen.push(n!);
    return n!;
  };
  const out = (n: NodeProto) => n.output![0]!;
  const lastAxis = (n: NodeProto) => {
    const axes = n.attribute?.find((a) => a.name === 'axes')?.ints ?? c.constants.get(n.input?.[1] ?? '')?.values;
    const list = Array.from(axes ?? [], Number);
    if (intAttr(n, 'keepdims', 1) !== 1 || list.length !== 1 || (list[0] !== -1 && list[0] !== c.rank - 1))
      bad(`${nodeName(n)} does not average over the last axis keeping it`);
  };
  const scalar = (n: NodeProto, k: number, want?: number) => {
    const name = n.input?.[k] ?? '';
    const v = c.constants.isScalar(name) ? c.constants.get(name)!.values[0]! : NaN;
    if (!Number.isFinite(v) || (want !== undefined && v !== want)) bad(`${nodeName(n)} has no constant ${want ?? ''}`);
    return v;
  };
  lastAxis(mean1);
  const sub = one(x, 'Sub', 2);
  if (sub.input?.[0] !== x || sub.input?.[1] !== out(mean1) || c.consumers.get(out(mean1))?.length !== 1)
    bad(`${nodeName(sub)} is not x - mean`);
  const d = out(sub);
  const pow = one(d, 'Pow', 2);
  scalar(pow, 1, 2);
  const mean2 = one(out(pow), 'ReduceMean');
  lastAxis(mean2);
  const add = one(out(mean2), 'Add');
  const eps = scalar(add, 1);
  const sqrt = one(out(add), 'Sqrt');
  const div = one(d, 'Div', 2);
  if (div.input?.[0] !== d || div.input?.[1] !== out(sqrt) || c.consumers.get(out(sqrt))?.length !== 1)
    bad(`${nodeName(div)} is not (x - mean) / sqrt(variance + epsilon)`);
  if (!(eps > 0)) bad(`its epsilon is ${eps}; myelin's LayerNormalization needs epsilon > 0`);
  let end = out(div);
  const width = c.width;
  const next = (op: string) => {
    const r = c.consumers.get(end) ?? [];
    const n = r.length === 1 && r[0]!.opType === op && r[0]!.input?.[0] === end ? r[0]! : null;
    if (!n || !c.constants.has(n.input?.[1] ?? '')) return null;
    const v = perFeature(c, n, 1, op === 'Mul' ? 'gamma' : 'beta');
    seen.push(n);
    end = out(n);
    return v;
  };
  const gamma = next('Mul');
  const beta = next('Add');
  const w = c.width ?? width;
  if (w === null) bad('the width of its input is unknown');
  for (const n of seen) c.visited.add(n);
  const options = { epsilon: shortFloat(eps), center: beta !== null };
  const weights = [gamma ?? new Float64Array(w!).fill(1), ...(beta ? [beta] : [])];
  const name = (mean1.name ?? '')
    .replace(/\/ReduceMean$/, '')
    .replace(/^\//, '')
    .replace(/\//g, '.');
  c.layers.push({ kind: 'LayerNormalization', name, options, weights });
  return end;
}
