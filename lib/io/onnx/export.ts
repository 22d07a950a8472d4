// A Sequential → an ONNX inference graph: input "x" [batch, inputDim] float32, output "y" [batch, units].
// Attached preprocessing comes first (a scaler: Sub then Div, (x - offset) / scale; a Preprocessor: its
// imputation, one-hot encoding and scaling, with raw columns as inputs: ./preprocessing.ts), each Dense is a
// Gemm, each activation its ONNX operator (GELU and swish in their exact decomposed forms, since
// opset 17 has neither), BatchNormalization (moving statistics) and LayerNormalization their ONNX
// operators, Normalization a Sub and a Div, Dropout is left out (inference only). model.metadata goes to
// metadata_props, one entry per key with its value as JSON.
//
// Opset 17 (IR version 8): the newest that Debian's onnx 1.12 checker validates, read by every
// onnxruntime since 1.13 (2022; onnxruntime-web and mobile included), with Softmax's single-axis
// semantics (opset 13). Newer opsets add nothing an MLP needs but the Gelu (20) and Swish operators,
// whose decomposed forms below compute the same functions.
import { Preprocessor } from '../../data/preprocessor.js';
import { version } from '../../backend.js';
import type { ActivationName } from '../../activations.js';
import type { Activation, BatchNormalization, Dense, LayerNormalization, Normalization } from '../../layers/index.js';
import type { Matrix } from '../../matrix.js';
import type { Sequential } from '../../model/sequential.js';
import { FEATURES, ML_DOMAIN, ML_OPSET, preprocessingGraph } from './preprocessing.js';
import {
  ATTR,
  FLOAT,
  encodeModelProto,
  type AttributeProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './schema.js';

export const OPSET = 17;
export const IR_VERSION = 8;
/** metadata_props key holding the scaler's exact (float64) configuration, so a round trip keeps it. */
export const PREPROCESSING_KEY = 'myelin.preprocessing';

export function modelToOnnx(model: Sequential, _where: string): Uint8Array {
  const nodes: NodeProto[] = [];
  const initializer: TensorProto[] = [];
  let current = 'x';
  let width = model.inputDim!;
  const constant = (name: string, dims: number[], values: ArrayLike<number>) => {
    initializer.push(floatTensor(name, dims, values));
    return name;
  };
  const node = (opType: string, name: string, inputs: string[], attribute: AttributeProto[] = []) => {
    const output = `${name}/output`;
    nodes.push({ opType, name, input: inputs, output: [output], attribute });
    current = output;
    return output;
  };

  const scaler = model.preprocessing;
  let inputs: ValueInfoProto[] = [valueInfo('x', model.inputDim!)];
  let ml = false;
  if (scaler instanceof Preprocessor) {
    // Imputation, one-hot encoding and scaling as graph nodes (./preprocessing.ts), raw columns as inputs.
    const pre = preprocessingGraph(scaler);
    nodes.push(...pre.nodes);
    initializer.push(...pre.initializer);
    ({ inputs, ml } = pre);
    current = FEATURES;
  } else if (scaler) {
    const { offset, scale } = scaler.affineParams();
    node('Sub', 'preprocessing/sub', [current, constant('preprocessing/offset', [width], offset)]);
    node('Div', 'preprocessing/div', [current, constant('preprocessing/scale', [width], scale)]);
  }
  // An activation's nodes on `current`, named under `act`.
  const activation = (a: ActivationName, act: string) => {
    const z = current;
    switch (a) {
      case 'linear':
        break;
      case 'relu':
        node('Relu', act, [z]);
        break;
      case 'sigmoid':
        node('Sigmoid', act, [z]);
        break;
      case 'tanh':
        node('Tanh', act, [z]);
        break;
      case 'softmax':
        node('Softmax', act, [z], [intAttr('axis', -1)]);
        break;
      case 'leaky_relu':
        node('LeakyRelu', act, [z], [floatAttr('alpha', 0.2)]);
        break;
      case 'elu':
        node('Elu', act, [z], [floatAttr('alpha', 1)]);
        break;
      case 'gelu': {
        // 0.5 · z · (1 + erf(z / √2)), as PyTorch exports nn.GELU() below opset 20.
        const u = node('Div', `${act}/div`, [z, constant(`${act}/sqrt2`, [], [Math.SQRT2])]);
        const e = node('Erf', `${act}/erf`, [u]);
        const s = node('Add', `${act}/add`, [e, constant(`${act}/one`, [], [1])]);
        const m = node('Mul', `${act}/mul`, [z, s]);
        node('Mul', `${act}/half`, [m, constant(`${act}/half`, [], [0.5])]);
        break;
      }
      case 'swish': {
        const s = node('Sigmoid', `${act}/sigmoid`, [z]);
        node('Mul', act, [z, s]);
        break;
      }
      default:
        throw new Error(`${act}: activation '${a satisfies never}' has no ONNX export`);
    }
  };

  const weights = model.getWeights();
  let w = 0;
  for (const layer of model.layers) {
    // This layer's weights by Keras name (gamma, beta, moving_mean, ...), in getWeights() order.
    const own = new Map(layer.weightNames().map((n) => [n, weights[w++]!] as const));
    const name = layer.name;
    const vector = (key: string, fill: number) =>
      constant(
        `${name}/${key}`,
        [width],
        (own.get(key) as Float32Array | undefined) ?? new Float32Array(width).fill(fill),
      );
    switch (layer.className) {
      case 'Dropout':
        break;
      case 'Dense': {
        const dense = layer as Dense;
        const kernel = own.get('kernel') as Matrix;
        const inputs = [current, constant(`${name}/kernel`, [kernel.rows, kernel.cols], kernel.data)];
        if (dense.useBias) inputs.push(constant(`${name}/bias`, [dense.units], own.get('bias') as Float32Array));
        node('Gemm', name, inputs);
        width = dense.units;
        activation(dense.activation, `${name}/${dense.activation}`);
        break;
      }
      case 'Activation': {
        const a = (layer as Activation).activation;
        if (a === 'linear') node('Identity', name, [current]);
        else activation(a, name);
        break;
      }
      case 'BatchNormalization': {
        // Inference: the moving statistics (ONNX's input_mean, input_var); absent gamma 1, beta 0.
        const bn = layer as BatchNormalization;
        const inputs = [current, vector('gamma', 1), vector('beta', 0), vector('moving_mean', 0)];
        const attrs = [floatAttr('epsilon', bn.epsilon), floatAttr('momentum', bn.momentum)]; // training only
        node('BatchNormalization', name, [...inputs, vector('moving_variance', 1)], attrs);
        break;
      }
      case 'LayerNormalization': {
        const ln = layer as LayerNormalization;
        const attrs = [intAttr('axis', -1), floatAttr('epsilon', ln.epsilon)];
        // B is optional: left out without center, so an import finds no beta either.
        const inputs = [current, vector('gamma', 1), ...(ln.center ? [vector('beta', 0)] : [])];
        node('LayerNormalization', name, inputs, attrs);
        break;
      }
      case 'Normalization': {
        // (x - mean) / max(sqrt(variance), 1e-7), the divisor folded into a constant (invert: x * sd + mean).
        const sd = Float32Array.from(own.get('variance') as Float32Array, (v) => Math.max(Math.sqrt(v), 1e-7));
        if ((layer as Normalization).invert) {
          node('Mul', `${name}/mul`, [current, constant(`${name}/std`, [width], sd)]);
          node('Add', `${name}/add`, [current, vector('mean', 0)]);
        } else {
          node('Sub', `${name}/sub`, [current, vector('mean', 0)]);
          node('Div', `${name}/div`, [current, constant(`${name}/std`, [width], sd)]);
        }
        break;
      }
      default:
        throw new Error(`layer '${name}' (${layer.className}) has no ONNX export`);
    }
  }
  if (nodes.length === 0) node('Identity', 'identity', [current]);
  nodes[nodes.length - 1]!.output = ['y'];

  const metadataProps = Object.entries(model.metadata).map(([key, value]) => ({ key, value: JSON.stringify(value) }));
  if (scaler) metadataProps.push({ key: PREPROCESSING_KEY, value: JSON.stringify(scaler.toJSON()) });
  return encodeModelProto({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }, ...(ml ? [{ domain: ML_DOMAIN, version: ML_OPSET }] : [])],
    producerName: 'myelin',
    producerVersion: version,
    graph: {
      name: model.name,
      node: nodes,
      initializer,
      input: inputs,
      output: [valueInfo('y', width)],
    },
    metadataProps,
  });
}

function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const data = Float32Array.from(values);
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  data.forEach((v, i) => view.setFloat32(4 * i, v, true)); // ONNX raw_data is little-endian
  return { name, dims, dataType: FLOAT, rawData: raw };
}

function valueInfo(name: string, width: number) {
  const shape = { dim: [{ dimParam: 'batch' }, { dimValue: width }] };
  return { name, type: { tensorType: { elemType: FLOAT, shape } } };
}

const intAttr = (name: string, i: number): AttributeProto => ({ name, type: ATTR.INT, i });
const floatAttr = (name: string, f: number): AttributeProto => ({ name, type: ATTR.FLOAT, f });
