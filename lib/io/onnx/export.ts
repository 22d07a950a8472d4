// A Sequential → an ONNX inference graph: input "x" [batch, inputDim] float32, output "y" [batch, units].
// Attached preprocessing comes first (a scaler: Sub then Div, (x - offset) / scale; a Preprocessor: its
// imputation, one-hot encoding and scaling, with raw columns as inputs: ./preprocessing.ts), each Dense is a
// Gemm, each activation its ONNX operator (GELU and swish in their exact decomposed forms, since
// opset 17 has neither), Dropout is left out (inference only). model.metadata goes to metadata_props,
// one entry per key with its value as JSON.
//
// Opset 17 (IR version 8): the newest that Debian's onnx 1.12 checker validates, read by every
// onnxruntime since 1.13 (2022; onnxruntime-web and mobile included), with Softmax's single-axis
// semantics (opset 13). Newer opsets add nothing an MLP needs but the Gelu (20) and Swish operators,
// whose decomposed forms below compute the same functions.
import { Preprocessor } from '../../data/preprocessor.js';
import { version } from '../../backend.js';
import type { Dense } from '../../layers/dense.js';
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
  const weights = model.getWeights();
  let w = 0;
  for (const layer of model.layers) {
    if (layer.className === 'Dropout') continue;
    if (layer.className !== 'Dense') throw new Error(`layer '${layer.name}' (${layer.className}) has no ONNX export`);
    const dense = layer as Dense;
    const kernel = weights[w++] as Matrix;
    const inputs = [current, constant(`${dense.name}/kernel`, [kernel.rows, kernel.cols], kernel.data)];
    if (dense.useBias) inputs.push(constant(`${dense.name}/bias`, [dense.units], weights[w++] as Float32Array));
    const z = node('Gemm', dense.name, inputs);
    width = dense.units;
    const act = `${dense.name}/${dense.activation}`;
    switch (dense.activation) {
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
        const a = node('Add', `${act}/add`, [e, constant(`${act}/one`, [], [1])]);
        const m = node('Mul', `${act}/mul`, [z, a]);
        node('Mul', `${act}/half`, [m, constant(`${act}/half`, [], [0.5])]);
        break;
      }
      case 'swish': {
        const s = node('Sigmoid', `${act}/sigmoid`, [z]);
        node('Mul', act, [z, s]);
        break;
      }
      default:
        throw new Error(`layer '${dense.name}': activation '${dense.activation satisfies never}' has no ONNX export`);
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
