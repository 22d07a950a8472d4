// A Preprocessor as ONNX nodes ahead of the network, in its order: imputer → one-hot → scaler.
// - Numbers only: one float input "x" [batch, columns] (NaN missing): Where(IsNaN(x), fills, x), Sub, Div.
// - With categorical columns: one input per raw column, named by it, [batch, 1]: numbers as float (NaN
//   missing), text as strings ("" and readCsv's missing markers are missing). ai.onnx.ml's LabelEncoder
//   turns a category into its index (a missing one into the most frequent's, an unseen one into -1), and
//   Equal with 0..k-1 then Cast makes the one-hot block (all zeros for -1), as Preprocessor.transform does.
//   A categorical column whose categories are all numbers (--categorical) takes float input.
// The result is the tensor FEATURES, the network's input; onnxruntime runs it (test/io-onnx-preprocessing).
import { MISSING_MARKERS } from '../../data/csv-cells.js';
import { Preprocessor, type PreprocessorColumn } from '../../data/preprocessor.js';
import {
  ATTR,
  FLOAT,
  INT64,
  STRING,
  type GraphProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './schema.js';

export const FEATURES = 'preprocessing/features';
export const ML_DOMAIN = 'ai.onnx.ml';
/** ai.onnx.ml opset 3 (LabelEncoder-2 with float and string keys), as onnx 1.12's checker knows it. */
export const ML_OPSET = 3;

export interface PreprocessingGraph {
  inputs: ValueInfoProto[];
  nodes: NodeProto[];
  initializer: TensorProto[];
  /** True when it uses ai.onnx.ml operators. */
  ml: boolean;
}

export function preprocessingGraph(pre: Preprocessor): PreprocessingGraph {
  const { columns, scale } = pre.toJSON().config;
  const nodes: NodeProto[] = [];
  const initializer: TensorProto[] = [];
  const node = (opType: string, name: string, input: string[], attribute: NodeProto['attribute'] = [], domain = '') => {
    const output = `preprocessing/${name}`;
    nodes.push({ opType, name: output, input, output: [output], attribute, ...(domain ? { domain } : {}) });
    return output;
  };
  const constant = (name: string, t: Omit<TensorProto, 'name'>) => {
    initializer.push({ name: `preprocessing/${name}`, ...t });
    return `preprocessing/${name}`;
  };
  const numeric = columns.flatMap((c) => (c.type === 'number' ? [c] : []));
  const parts: string[] = [];
  const inputs: ValueInfoProto[] = [];
  const mixed = numeric.length < columns.length;
  // Categories two of which are one float32 value (ids 16777216 and 16777217) take text: a float cannot say which.
  const byNumber = (c: PreprocessorColumn) =>
    c.type === 'number' ||
    (c.categories.length > 0 &&
      c.categories.every((n) => n.trim() !== '' && Number.isFinite(Number(n))) &&
      new Set(c.categories.map((n) => Math.fround(Number(n)))).size === c.categories.length);
  if (mixed) for (const c of columns) inputs.push(valueInfo(c.name, byNumber(c) ? FLOAT : STRING, 1));
  if (numeric.length > 0) {
    let x: string;
    if (!mixed) {
      inputs.push(valueInfo('x', FLOAT, columns.length));
      x = 'x';
    } else {
      x =
        numeric.length === 1
          ? numeric[0]!.name
          : node(
              'Concat',
              'numbers',
              numeric.map((c) => c.name),
              [intAttr('axis', 1)],
            );
    }
    const fills = constant(
      'fills',
      floats(
        [numeric.length],
        numeric.map((c) => c.fill),
      ),
    );
    x = node('Where', 'imputed', [node('IsNaN', 'missing', [x]), fills, x]);
    if (scale) {
      x = node('Sub', 'sub', [x, constant('offset', floats([numeric.length], scale.mean.slice(0, numeric.length)))]);
      x = node('Div', 'div', [x, constant('scale', floats([numeric.length], scale.std.slice(0, numeric.length)))]);
    }
    parts.push(x);
  }
  for (const c of columns) {
    if (c.type !== 'category') continue;
    const k = c.categories.length;
    const fill = c.fill === null ? -1 : c.categories.indexOf(c.fill);
    let index: string;
    if (byNumber(c)) {
      let x = c.name;
      if (c.fill !== null)
        x = node('Where', `${c.name}/imputed`, [
          node('IsNaN', `${c.name}/missing`, [x]),
          constant(`${c.name}/fill`, floats([1], [Number(c.fill)])),
          x,
        ]);
      index = node(
        'LabelEncoder',
        `${c.name}/index`,
        [x],
        labels('keys_floats', c.categories.map(Number), k),
        ML_DOMAIN,
      );
    } else {
      const markers = [...new Set(MISSING_MARKERS.flatMap((m) => [m, m.toLowerCase(), m.toUpperCase()]))].filter(
        (m) => !c.categories.includes(m),
      );
      const keys = [...c.categories, ...markers];
      const attrs = labels('keys_strings', keys, k, markers.length, fill);
      index = node('LabelEncoder', `${c.name}/index`, [c.name], attrs, ML_DOMAIN);
    }
    const range = constant(`${c.name}/range`, int64s(Array.from({ length: k }, (_, i) => i)));
    const hot = node('Equal', `${c.name}/equal`, [index, range]);
    parts.push(node('Cast', `${c.name}/onehot`, [hot], [intAttr('to', FLOAT)]));
  }
  const last =
    parts.length === 1 ? node('Identity', 'features', parts) : node('Concat', 'features', parts, [intAttr('axis', 1)]);
  if (last !== FEATURES) throw new Error('unreachable');
  const taken = new Set([...nodes.flatMap((n) => n.output!), ...initializer.map((t) => t.name!), 'y']);
  for (const v of inputs)
    if (taken.has(v.name!) || inputs.filter((w) => w.name === v.name).length > 1)
      throw new Error(`column "${v.name}" has the name of another tensor of the ONNX graph; rename the column`);
  return { inputs, nodes, initializer, ml: mixed };
}

/** LabelEncoder attributes: keys → 0..k-1, then `extra` keys (missing markers) → fill; anything else -1. */
function labels(
  attr: 'keys_strings' | 'keys_floats',
  keys: (string | number)[],
  k: number,
  extra = 0,
  fill = -1,
): NodeProto['attribute'] {
  const values = [...Array.from({ length: k }, (_, i) => i), ...new Array<number>(extra).fill(fill)];
  const key =
    attr === 'keys_strings'
      ? { name: attr, type: ATTR.STRINGS, strings: (keys as string[]).map((s) => new TextEncoder().encode(s)) }
      : { name: attr, type: ATTR.FLOATS, floats: keys as number[] };
  return [key, { name: 'values_int64s', type: ATTR.INTS, ints: values }, intAttr('default_int64', -1)];
}

const intAttr = (name: string, i: number) => ({ name, type: ATTR.INT, i });

function floats(dims: number[], values: ArrayLike<number>): Omit<TensorProto, 'name'> {
  const data = Float32Array.from(values);
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  data.forEach((v, i) => view.setFloat32(4 * i, v, true)); // ONNX raw_data is little-endian
  return { dims, dataType: FLOAT, rawData: raw };
}

function int64s(values: number[]): Omit<TensorProto, 'name'> {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return { dims: [values.length], dataType: INT64, rawData: raw };
}

function valueInfo(name: string, elemType: number, width: number): ValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'batch' }, { dimValue: width }] } } } };
}

/**
 * myelin's own preprocessing nodes read back: when the graph computes FEATURES and its note holds a
 * Preprocessor, the graph without the nodes and initializers ahead of FEATURES, taking FEATURES as its
 * one input, and the Preprocessor; else null (the graph is read as it is).
 */
export function withoutPreprocessing(
  g: GraphProto,
  note: unknown,
): { graph: GraphProto; preprocessor: Preprocessor } | null {
  const c = note as { className?: unknown; config?: unknown } | null;
  if (c?.className !== 'Preprocessor' || !(g.node ?? []).some((n) => n.output?.includes(FEATURES))) return null;
  const preprocessor = Preprocessor.fromConfig(c.config as Record<string, unknown>);
  const ours = (name: string | undefined) => name?.startsWith('preprocessing/') ?? false;
  return {
    graph: {
      ...g,
      node: (g.node ?? []).filter((n) => !(n.output ?? []).every(ours)),
      initializer: (g.initializer ?? []).filter((t) => !ours(t.name)),
      input: [valueInfo(FEATURES, FLOAT, preprocessor.nFeatures)],
    },
    preprocessor,
  };
}
