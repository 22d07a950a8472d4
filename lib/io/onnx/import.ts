// An ONNX file → a Sequential, for the dense graphs exporters write (PyTorch's torch.onnx.export of an
// nn.Sequential, tf2onnx's Keras Dense stacks, skl2onnx's MLP networks, myelin's own): one float input,
// a chain of steps from it to one output. Each step is read at the current tensor (./steps.ts); a graph
// with anything else — an unknown operator, a branch, a node off the chain — is refused with an error
// naming the node, never turned into a different model.
import type { ActivationName } from '../../activations.js';
import { scalerFromConfig, StandardScaler, type Scaler } from '../../data/scalers.js';
import {
  Activation,
  BatchNormalization,
  Dense,
  LayerNormalization,
  Normalization,
  type Layer,
} from '../../layers/index.js';
import { Sequential } from '../../model/sequential.js';
import { ModelFileError } from '../format.js';
import { checkMetadata, type Metadata } from '../metadata.js';
import { PREPROCESSING_KEY } from './export.js';
import { withoutPreprocessing } from './preprocessing.js';
import { decodeModelProto, FLOAT, type ModelProto, type NodeProto, type ValueInfoProto } from './schema.js';
import { Constants, readTensor, typeName, type Constant } from './tensors.js';
import type { LayerRead } from './chain.js';
import { nodeName, readStep, type Chain } from './steps.js';

export function onnxToModel(bytes: Uint8Array, file: string): Sequential {
  const fail = (problem: string): never => {
    throw new ModelFileError(file, problem);
  };
  let proto: ModelProto;
  try {
    proto = decodeModelProto(bytes);
  } catch (e) {
    return fail(`not a readable ONNX model (truncated or corrupted protobuf): ${(e as Error).message}`);
  }
  // myelin's own preprocessing nodes come back as the Preprocessor its note holds (./preprocessing.ts).
  const whole = proto.graph ?? fail('the ONNX model has no graph');
  const own = attempt(fail, () => withoutPreprocessing(whole, readMetadata(proto, fail).preprocessing));
  const g = own?.graph ?? proto.graph!;
  const opset = (proto.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version;
  if (!opset) fail('the ONNX model imports no version of the default operator set (opset_import)');
  if ((g.sparseInitializer?.length ?? 0) > 0) fail('the graph has sparse initializers, which myelin does not read');

  // Read when a step uses them: an initializer of a type myelin does not read may sit unused in the file.
  const constants = new Constants();
  for (const [i, t] of (g.initializer ?? []).entries()) {
    const name = t.name || fail(`initializer ${i} has no name`);
    if (constants.has(name)) fail(`the initializer '${name}' is defined twice`);
    constants.add(name, t.dims ?? [], () => readTensor(t, `initializer '${name}'`));
  }
  let nodes: NodeProto[] = [];
  for (const [i, n] of (g.node ?? []).entries()) {
    const source = n.input?.[0] ?? '';
    // PyTorch writes an Identity of an initializer for a weight equal to another (a fresh BatchNorm1d's).
    if (n.opType === 'Identity' && !n.domain && n.input?.length === 1 && constants.has(source) && n.output?.[0]) {
      constants.add(n.output[0], constants.shapeOf(source), () => constants.get(source)!);
    } else if (n.opType !== 'Constant' || (n.domain && n.domain !== 'ai.onnx')) nodes.push(n);
    else {
      const value = attempt(fail, () => constantNode(n, i));
      constants.add(n.output?.[0] ?? '', value.dims, () => value);
    }
  }
  const inputs = (g.input ?? []).filter((v) => !constants.has(v.name ?? '')); // IR < 4 lists initializers as inputs
  if (inputs.length !== 1)
    fail(
      `the graph has ${inputs.length} inputs (${inputs.map((v) => `'${v.name ?? ''}'`).join(', ')}); ` +
        'myelin reads graphs with one',
    );
  // Besides the network's output, classifiers from skl2onnx have a label output (ArgMax and a class
  // lookup): the one float tensor output is the network's; what only other outputs need is dropped.
  const all = g.output ?? [];
  const floatOutputs = all.filter((v) => v.type?.tensorType?.elemType === FLOAT);
  const outputs = all.length > 1 && floatOutputs.length === 1 ? floatOutputs : all;
  if (outputs.length !== 1)
    fail(`the graph has ${all.length} outputs (${all.map((v) => `'${v.name ?? ''}'`).join(', ')}); myelin reads one`);
  const input = inputs[0]!;
  const output = outputs[0]!;
  const inShape = floatShape(input, 'input', fail);
  floatShape(output, 'output', fail);
  checkGraph(nodes, new Set([input.name!, ...constants.names()]), fail);
  if (all.length > 1) nodes = ancestors(nodes, output.name!);

  const chain: Chain = {
    opset: opset!,
    constants,
    consumers: consumersOf(nodes),
    output: output.name!,
    width:
      inShape.length >= 2 && inShape.slice(1).every((d) => d > 0) ? inShape.slice(1).reduce((a, b) => a * b, 1) : null,
    rank: inShape.length,
    layers: [],
    scaler: null,
    visited: new Set(),
    own: proto.producerName === 'myelin',
  };
  let current = input.name!;
  for (let steps = 0; current !== output.name; steps++) {
    if (steps > nodes.length) fail('the graph does not lead from its input to its output');
    current = attempt(fail, () => readStep(chain, current));
  }
  const offChain = nodes.find((n) => !chain.visited.has(n));
  if (offChain)
    fail(`node ${nodeName(offChain)} is not on the path from input '${input.name}' to output '${output.name}'`);
  if (!chain.layers.some((l) => l.kind === 'Dense'))
    fail("the graph has no Gemm or MatMul: myelin's models have at least one Dense layer");
  const open = chain.layers.find((l) => l.kind === 'Normalization' && l.open);
  if (open) delete (open as { open?: string }).open; // a Sub without its Div: a standard deviation of 1
  if (chain.rank !== 2) fail(`the output has ${chain.rank} dimensions; myelin's models output [batch, units]`);
  const declared = output.type?.tensorType?.shape?.dim?.[1]?.dimValue;
  if (declared && declared !== chain.width)
    fail(`output '${output.name}' is declared ${declared} wide but the graph computes ${chain.width}`);

  // Names are kept when they can be: any name in myelin's own files (they are its layers' names), plain
  // identifiers in others (PyTorch names nodes '/0/Gemm'); else Keras's defaults.
  const nameable = (name: string | null | undefined, plain: RegExp) => !!name && (chain.own || plain.test(name));
  const model = new Sequential([], { name: nameable(g.name, /^[\w.-]+$/) ? g.name! : 'sequential' });
  const named = new Set(chain.layers.map((l) => l.name)).size === chain.layers.length;
  const keep = named && chain.layers.every((l) => nameable(l.name, /^[A-Za-z][\w.-]*$/));
  const firstWidth = chain.layers[0]!.kind === 'Dense' ? chain.layers[0].inputs : chain.layers[0]!.weights[0]?.length;
  chain.layers.forEach((l, i) => {
    const options = { ...(keep ? { name: l.name } : {}), ...(i === 0 ? { inputDim: firstWidth ?? chain.width! } : {}) };
    attempt(fail, () => model.add(layerOf(l, options)));
  });
  attempt(fail, () =>
    model.setWeights(
      chain.layers.flatMap((l) =>
        l.kind !== 'Dense'
          ? l.weights.map((w) => Float32Array.from(w))
          : [Float32Array.from(l.kernel), ...(l.bias ? [Float32Array.from(l.bias)] : [])],
      ),
    ),
  );
  const metadata = readMetadata(proto, fail);
  const scaler = own?.preprocessor ?? (chain.scaler && exactScaler(chain.scaler, metadata.preprocessing, fail));
  if (scaler) model.setPreprocessing(scaler);
  model.metadata = attempt(fail, () => checkMetadata(metadata.user, 'metadata_props'));
  return model;
}

function layerOf(l: LayerRead, options: { name?: string; inputDim?: number }): Layer {
  switch (l.kind) {
    case 'Dense':
      return new Dense(l.units, { ...options, activation: l.activation, useBias: l.bias !== null });
    case 'BatchNormalization':
      return new BatchNormalization({ ...options, ...l.options });
    case 'LayerNormalization':
      return new LayerNormalization({ ...options, ...l.options });
    case 'Normalization':
      return new Normalization({ ...options, ...l.options });
    case 'Activation':
      return new Activation(l.options['activation'] as ActivationName, options);
  }
}

function attempt<T>(fail: (problem: string) => never, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    return fail((e as Error).message);
  }
}

function constantNode(n: NodeProto, i: number): Constant {
  const a = n.attribute?.[0];
  const what = `Constant node ${n.name ? `'${n.name}'` : i}`;
  if (!a || (n.attribute?.length ?? 0) !== 1) throw new Error(`${what} must have one value attribute`);
  if (a.name === 'value' && a.t) return readTensor(a.t, what);
  if (a.name === 'value_float') return { dims: [], values: Float64Array.of(a.f ?? 0) };
  if (a.name === 'value_floats') return { dims: [a.floats?.length ?? 0], values: Float64Array.from(a.floats ?? []) };
  if (a.name === 'value_int') return { dims: [], values: Float64Array.of(a.i ?? 0) };
  if (a.name === 'value_ints') return { dims: [a.ints?.length ?? 0], values: Float64Array.from(a.ints ?? []) };
  throw new Error(`${what} holds '${a.name ?? ''}', which myelin does not read`);
}

/** The dims of a float tensor's declared shape (0 for an unknown dimension). */
function floatShape(v: ValueInfoProto, what: string, fail: (p: string) => never): number[] {
  const t = v.type?.tensorType ?? fail(`the graph ${what} '${v.name ?? ''}' is not a tensor`);
  if (t.elemType !== FLOAT)
    fail(
      `the graph ${what} '${v.name ?? ''}' is ${typeName(t.elemType)}; myelin's models take and give FLOAT (float32)`,
    );
  const dims = t.shape?.dim?.map((d) => d.dimValue ?? 0) ?? [];
  if (what === 'input' && t.shape && dims.length < 2)
    fail(`the graph input '${v.name ?? ''}' has shape [${dims}]; myelin reads [batch, features]`);
  return dims.length > 0 ? dims : [0, 0];
}

/** Every input defined once and before use (a topological order exists: no cycle). */
function checkGraph(nodes: NodeProto[], given: Set<string>, fail: (p: string) => never): void {
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) {
    if (!n.opType) fail(`node ${nodeName(n)} has no op_type`);
    if (!n.output?.[0]) fail(`node ${nodeName(n)} writes no output`);
  }
  for (const n of nodes)
    for (const o of n.output ?? []) {
      if (o === '') continue;
      if (given.has(o) || producer.has(o)) fail(`node ${nodeName(n)} writes '${o}', which is already defined`);
      producer.set(o, n);
    }
  for (const n of nodes)
    for (const i of n.input ?? [])
      if (i !== '' && !given.has(i) && !producer.has(i))
        fail(
          `node ${nodeName(n)} reads '${i}', which no node, graph input or initializer provides ` +
            '(a missing initializer?)',
        );
  // Kahn's algorithm: what cannot be ordered lies on a cycle.
  const waiting = new Map(nodes.map((n) => [n, new Set((n.input ?? []).filter((i) => producer.has(i)))]));
  const ready = nodes.filter((n) => waiting.get(n)!.size === 0);
  const consumers = consumersOf(nodes);
  let done = 0;
  while (ready.length > 0) {
    const n = ready.pop()!;
    done++;
    for (const o of n.output ?? [])
      for (const c of consumers.get(o) ?? []) {
        const w = waiting.get(c)!;
        if (w.delete(o) && w.size === 0) ready.push(c);
      }
  }
  if (done < nodes.length) {
    const stuck = nodes.filter((n) => waiting.get(n)!.size > 0).slice(0, 3);
    fail(`the graph has a cycle through ${stuck.map(nodeName).join(', ')}`);
  }
}

/** The nodes `output` depends on. */
function ancestors(nodes: NodeProto[], output: string): NodeProto[] {
  const producer = new Map(nodes.flatMap((n) => (n.output ?? []).map((o) => [o, n] as const)));
  const keep = new Set<NodeProto>();
  const todo = [output];
  for (let t = todo.pop(); t !== undefined; t = todo.pop()) {
    const n = producer.get(t);
    if (n && !keep.has(n)) {
      keep.add(n);
      todo.push(...(n.input ?? []));
    }
  }
  return nodes.filter((n) => keep.has(n));
}

function consumersOf(nodes: NodeProto[]): Map<string, NodeProto[]> {
  const m = new Map<string, NodeProto[]>();
  for (const n of nodes) for (const i of new Set(n.input ?? [])) if (i !== '') m.set(i, [...(m.get(i) ?? []), n]);
  return m;
}

/** metadata_props: myelin writes each key's value as JSON; other writers' plain strings are kept as strings. */
function readMetadata(proto: ModelProto, fail: (p: string) => never): { user: Metadata; preprocessing: unknown } {
  const user: Metadata = {};
  let preprocessing: unknown = null;
  for (const { key, value } of proto.metadataProps ?? []) {
    if (!key) continue;
    let parsed: unknown = value ?? '';
    try {
      parsed = JSON.parse(value ?? '');
    } catch {
      // a plain string
    }
    if (key === PREPROCESSING_KEY) preprocessing = parsed;
    else if (Object.hasOwn(user, key)) fail(`metadata_props has the key '${key}' twice`);
    else user[key] = parsed as Metadata[string];
  }
  return { user, preprocessing };
}

/** The graph's Sub/Div at the input, as the scaler myelin noted in metadata_props when its values agree. */
function exactScaler(
  found: { offset: Float64Array; scale: Float64Array },
  noted: unknown,
  fail: (p: string) => never,
): Scaler {
  if (noted) {
    try {
      const s = scalerFromConfig(noted);
      const { offset, scale } = s.affineParams();
      const same = (a: Float64Array, b: Float64Array) =>
        a.length === b.length && a.every((v, j) => Math.fround(v) === Math.fround(b[j]!));
      if (same(offset, found.offset) && same(scale, found.scale)) return s;
    } catch {
      // a damaged note: the graph's own values are the truth
    }
  }
  return attempt(fail, () =>
    StandardScaler.fromConfig({ mean: Array.from(found.offset), std: Array.from(found.scale) }),
  );
}
