// What the explainers accept as a model: a Sequential of Dense, Dropout, BatchNormalization,
// Normalization and Activation layers (anything with
// `layers` and `getWeights()`), or a plain list of dense layers. DeepExplainer needs the weights;
// KernelExplainer and permutationImportance only need predictions.
import { ACTIVATIONS, type ActivationName } from '../engine/ids.js';
import { Matrix, describe } from '../matrix.js';
import { native } from '../native.js';
import { toPredictions } from './inputs.js';

/** One dense layer given by hand: y = activation(x · kernel + bias). */
export interface DenseLayerInput {
  /** inputDim x units (Keras's orientation). */
  kernel: Matrix | ArrayLike<ArrayLike<number>>;
  bias?: Float32Array | ArrayLike<number> | null;
  /** A name ('relu', 'softmax', ...) or its id; default 'linear'. */
  activation?: ActivationName | string | number;
}

/** The parts of a Sequential model the explainers read. */
export interface SequentialLike {
  readonly layers: readonly unknown[];
  getWeights(): unknown[];
  /** A scaler the model applies to raw rows before its first layer (model.setPreprocessing). */
  readonly preprocessing?: { transform(x: Matrix): Matrix } | null;
}

export interface PredictingModel {
  predict(x: Matrix): unknown;
}

export type PredictFn = (x: Matrix) => unknown;

/** A dense layer as the native DeepSHAP pass reads it. */
export interface DenseView {
  kernel: Float32Array;
  bias: Float32Array | null;
  inDim: number;
  units: number;
  act: number;
}

function activationId(a: unknown, what: string): number {
  if (a === undefined || a === null) return 0;
  if (typeof a === 'number' && Number.isInteger(a) && a >= 0 && a < ACTIVATIONS.length) return a;
  if (typeof a === 'string') {
    const name = a === 'silu' ? 'swish' : a.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    const id = (ACTIVATIONS as readonly string[]).indexOf(name);
    if (id >= 0) return id;
  }
  throw new RangeError(`${what}: unknown activation ${describe(a)}; valid: ${ACTIVATIONS.join(', ')}`);
}

function f32(v: unknown, n: number, what: string): Float32Array {
  if (v instanceof Matrix) v = v.data;
  if (v instanceof Float32Array) {
    if (v.length !== n) throw new RangeError(`${what} has ${v.length} values, expected ${n}`);
    return v;
  }
  if (v !== null && typeof v === 'object' && typeof (v as ArrayLike<unknown>).length === 'number') {
    const arr = v as ArrayLike<unknown>;
    const nested = arr.length > 0 && typeof arr[0] === 'object';
    const flat = nested
      ? Matrix.from(arr as ArrayLike<ArrayLike<number>>, what).data
      : Float32Array.from(arr as ArrayLike<number>);
    if (flat.length !== n) throw new RangeError(`${what} has ${flat.length} values, expected ${n}`);
    return flat;
  }
  throw new TypeError(`${what} must be a Matrix, Float32Array or array, got ${describe(v)}`);
}

function fromInputs(list: readonly DenseLayerInput[], what: string): DenseView[] {
  return list.map((l, i) => {
    const w = `${what}: layer ${i}`;
    if (l === null || typeof l !== 'object')
      throw new TypeError(`${w} must be { kernel, bias, activation }, got ${describe(l)}`);
    const k =
      l.kernel instanceof Matrix ? l.kernel : Matrix.from(l.kernel as ArrayLike<ArrayLike<number>>, `${w} kernel`);
    const bias = l.bias === undefined || l.bias === null ? null : f32(l.bias, k.cols, `${w} bias`);
    return { kernel: k.data, bias, inDim: k.rows, units: k.cols, act: activationId(l.activation, w) };
  });
}

function layerName(l: object): string {
  const c = (l as { className?: unknown }).className;
  return typeof c === 'string' ? c : (l.constructor?.name ?? 'Object');
}

/**
 * A layer that maps each unit on its own, as a dense layer with a diagonal kernel (DeepLIFT's rules
 * are exact on affine maps): BatchNormalization at inference, Normalization, and Activation (identity
 * kernel); null for other layers.
 */
function unitwiseView(l: object, name: string, width: number | undefined, what: string): DenseView | null {
  if (name !== 'BatchNormalization' && name !== 'Normalization' && name !== 'Activation') return null;
  const n = width ?? (l as { inputDim?: number | null }).inputDim;
  if (!Number.isInteger(n)) throw new RangeError(`${what}: its width is unknown (build the model first)`);
  const units = n as number;
  const scale = new Float32Array(units).fill(1);
  let bias: Float32Array | null = null;
  if (name !== 'Activation') {
    const get = (l as { getWeights(): unknown[]; weightNames(): string[] }).getWeights();
    const names = (l as { weightNames(): string[] }).weightNames();
    const w = (key: string, fill: number) => {
      const i = names.indexOf(key);
      return i >= 0 ? f32(get[i], units, `${what} ${key}`) : new Float32Array(units).fill(fill);
    };
    bias = new Float32Array(units);
    // BatchNormalization: gamma (x - mean) / sqrt(var + eps) + beta; Normalization: (x - mean) / max(sd, 1e-7).
    const bn = name === 'BatchNormalization';
    const [mean, variance] = bn ? [w('moving_mean', 0), w('moving_variance', 1)] : [w('mean', 0), w('variance', 1)];
    const gamma = w('gamma', 1);
    const beta = w('beta', 0);
    const eps = (l as { epsilon?: number }).epsilon ?? 0;
    const invert = !bn && (l as { invert?: boolean }).invert === true; // Normalization: y = mean + x * sd
    for (let j = 0; j < units; j++) {
      const sd = Math.max(Math.sqrt(variance[j]!), 1e-7);
      scale[j] = bn ? gamma[j]! / Math.sqrt(variance[j]! + eps) : invert ? sd : 1 / sd;
      bias[j] = invert ? mean[j]! : (bn ? beta[j]! : 0) - mean[j]! * scale[j]!;
    }
  }
  const kernel = new Float32Array(units * units);
  for (let j = 0; j < units; j++) kernel[j * units + j] = scale[j]!;
  const act = name === 'Activation' ? (l as { activation?: unknown }).activation : undefined;
  return { kernel, bias, inDim: units, units, act: activationId(act, what) };
}

// Per layer, its weight arrays: the layer's own getWeights() if it has one, else the next ones
// from the model's list (flat, as Keras, or grouped per layer).
function fromSequential(model: SequentialLike, what: string): DenseView[] {
  const all = model.getWeights().flatMap((w) => (Array.isArray(w) ? w : [w]));
  let next = 0;
  const out: DenseView[] = [];
  model.layers.forEach((l, i) => {
    if (l === null || typeof l !== 'object') throw new TypeError(`${what}: model.layers[${i}] is ${describe(l)}`);
    const name = layerName(l);
    if (name === 'Dropout') return; // identity at inference
    const unitwise = unitwiseView(l, name, out[out.length - 1]?.units, `${what}: model.layers[${i}]`);
    if (unitwise) {
      out.push(unitwise);
      return;
    }
    if (name !== 'Dense')
      throw new TypeError(
        `${what} supports Dense, Dropout, BatchNormalization, Normalization and Activation layers; ` +
          `model.layers[${i}] is a ${name}`,
      );
    const d = l as {
      units: number;
      inputDim?: number | null;
      activation?: unknown;
      useBias?: boolean;
      getWeights?: () => unknown[];
    };
    const units = d.units;
    const ws =
      typeof d.getWeights === 'function' ? d.getWeights() : all.slice(next, next + (d.useBias === false ? 1 : 2));
    if (typeof d.getWeights !== 'function') next += ws.length;
    const kernel = ws[0];
    const inDim =
      kernel instanceof Matrix ? kernel.rows : (d.inputDim ?? (out.length ? out[out.length - 1]!.units : NaN));
    if (!Number.isInteger(inDim))
      throw new RangeError(`${what}: the input width of model.layers[${i}] is unknown (build the model first)`);
    out.push({
      kernel: f32(kernel, inDim * units, `${what}: model.layers[${i}] kernel`),
      bias: d.useBias === false || ws[1] === undefined ? null : f32(ws[1], units, `${what}: model.layers[${i}] bias`),
      inDim,
      units,
      act: activationId(d.activation, `${what}: model.layers[${i}]`),
    });
  });
  if (out.length === 0) throw new RangeError(`${what}: the model has no Dense layer`);
  for (let i = 1; i < out.length; i++)
    if (out[i]!.inDim !== out[i - 1]!.units)
      throw new RangeError(
        `${what}: dense layer ${i} takes ${out[i]!.inDim} inputs but the one before gives ${out[i - 1]!.units}`,
      );
  return out;
}

/** The model's dense layers with their weights (copies from a model, views of given Matrices). */
export function denseStack(model: SequentialLike | readonly DenseLayerInput[], what: string): DenseView[] {
  if (Array.isArray(model)) {
    if (model.length === 0) throw new RangeError(`${what}: the layer list is empty`);
    const out = fromInputs(model, what);
    for (let i = 1; i < out.length; i++)
      if (out[i]!.inDim !== out[i - 1]!.units)
        throw new RangeError(
          `${what}: layer ${i}'s kernel has ${out[i]!.inDim} rows but layer ${i - 1} has ${out[i - 1]!.units} units`,
        );
    return out;
  }
  const m = model as Partial<SequentialLike> | null;
  if (m && typeof m === 'object' && Array.isArray(m.layers) && typeof m.getWeights === 'function')
    return fromSequential(m as SequentialLike, what);
  throw new TypeError(
    `${what}: model must be a Sequential model or a list of { kernel, bias, activation } layers, got ${describe(model)}`,
  );
}

/**
 * The model's own input transform (a fitted scaler), or null. DeepSHAP runs on transformed rows;
 * a per-column affine scaler leaves each feature's attribution unchanged (Δx'·m' = Δx·m).
 */
export function inputTransform(model: unknown): ((x: Matrix) => Matrix) | null {
  const pre = (model as { preprocessing?: unknown } | null)?.preprocessing as
    | { transform?: unknown }
    | null
    | undefined;
  if (!pre || typeof pre.transform !== 'function') return null;
  return (x) => (pre as { transform(x: Matrix): Matrix }).transform(x);
}

/**
 * Inference through dense layers by the engine's own forward pass (the one Sequential.predict runs): a
 * native Network holding copies of the layers' weights, made once.
 */
function denseForward(layers: readonly DenseView[], what: string): (x: Matrix) => Matrix {
  const net = new native.Network(
    layers.map((l) => ({
      kind: 'dense',
      inputDim: l.inDim,
      units: l.units,
      activation: l.act,
      useBias: !!l.bias,
      l1: 0,
      l2: 0,
    })),
  );
  net.setWeights(layers.flatMap((l) => (l.bias ? [l.kernel, l.bias] : [l.kernel])));
  const inDim = layers[0]!.inDim;
  const outDim = layers[layers.length - 1]!.units;
  return (x) => {
    if (x.cols !== inDim) throw new RangeError(`${what}: x has ${x.cols} columns but the model has ${inDim} features`);
    return x.rows === 0 ? new Matrix(0, outDim) : new Matrix(x.rows, outDim, net.predict(x.data, x.rows));
  };
}

/** A batch predict function for a model, a layer list or a function; always returns rows x outputs. */
export function predictor(
  model: PredictFn | PredictingModel | SequentialLike | readonly DenseLayerInput[],
  what: string,
): (x: Matrix) => Matrix {
  if (typeof model === 'function') return (x) => toPredictions(model(x), x.rows, `${what}: the predict function`);
  if (Array.isArray(model)) {
    return denseForward(denseStack(model, what), what);
  }
  const m = model as Partial<PredictingModel> | null;
  if (m && typeof m === 'object' && typeof m.predict === 'function') {
    const p = m as PredictingModel;
    return (x) => toPredictions(p.predict(x), x.rows, `${what}: model.predict`);
  }
  throw new TypeError(
    `${what}: model must be a predict function, a model with predict(x), or a list of dense layers, got ${describe(model)}`,
  );
}
