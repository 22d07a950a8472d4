// Keras 2's legacy HDF5 model file (keras/saving/legacy/hdf5_format.py of Keras 2.15; Keras 3 reads it with
// keras/src/legacy/saving/legacy_h5_format.py). Root attributes: keras_version, backend, model_config
// (JSON) and training_config (JSON, with optimizer_config) when compiled. /model_weights has attributes
// layer_names, backend, keras_version, and a group per layer (sorted by name) whose weight_names attribute
// lists its datasets ('dense/kernel:0' → /model_weights/dense/dense/kernel:0). /optimizer_weights lists the
// optimizer's variables the same way: iteration, then each weight array's slots (Keras >= 2.11 optimizers;
// Keras 3 adds learning_rate after iteration). Weights are matched to layers in order, as Keras does.
import type { Sequential } from '../../model/sequential.js';
import { ModelFileError } from '../format.js';
import { kerasTrainingConfig, parseCompile } from './compile.js';
import {
  groupAt,
  readHdf5,
  textAttr,
  textListAttr,
  writeBytesAttr,
  writeBytesListAttr,
  writeFloats,
  writeHdf5,
  writeInt64,
  writeTextAttr,
  type H5Group,
} from './hdf5.js';
import { readArray, readCount } from './archive.js';
import {
  isObject,
  KerasConfigError,
  kerasActivation,
  kerasInitializer,
  kerasRegularizer,
  paramCount,
  parseModelConfig,
  type ModelSpec,
} from './layers.js';
import { asFileError, assemble, legacyWeightNames, snapshot, SLOT_NAMES, weightShapes, type Decoded, type Snapshot } from './model.js';

/** The Keras 2 release whose layout this writes. */
export const KERAS2_VERSION = '2.15.0';
const fail = (problem: string): never => {
  throw new KerasConfigError(problem);
};

/** The bytes of a legacy .h5 file for `model`. Everything is read from the model before the first await. */
export async function h5ToBytes(model: Sequential, where = 'toBuffer'): Promise<Uint8Array> {
  const snap = snapshot(model, where);
  const modelConfig = JSON.stringify(legacyModelConfig(snap));
  const training = snap.compile ? JSON.stringify(kerasTrainingConfig(snap.compile)) : null;
  const notes = JSON.stringify(snap.notes);
  return writeHdf5((f) => {
    writeTextAttr(f, 'keras_version', KERAS2_VERSION);
    writeTextAttr(f, 'backend', 'tensorflow');
    writeBytesAttr(f, 'model_config', modelConfig);
    if (training) writeBytesAttr(f, 'training_config', training);
    writeBytesAttr(f, 'myelin', notes);
    writeLegacyWeights(f, snap);
  });
}

function legacyModelConfig(snap: Snapshot): Record<string, unknown> {
  const { spec } = snap;
  const shape = [null, spec.inputDim];
  const first = spec.layers[0]!.name;
  const layers: unknown[] = [
    {
      class_name: 'InputLayer',
      config: { batch_input_shape: shape, dtype: 'float32', sparse: false, ragged: false, name: `${first}_input` },
    },
  ];
  spec.layers.forEach((l, i) => {
    const base = { name: l.name, trainable: true, ...(i === 0 ? { batch_input_shape: shape } : {}), dtype: 'float32' };
    if (l.kind === 'dropout') {
      layers.push({ class_name: 'Dropout', config: { ...base, rate: l.rate, noise_shape: null, seed: l.seed } });
      return;
    }
    layers.push({
      class_name: 'Dense',
      config: {
        ...base,
        units: l.units,
        activation: kerasActivation(l.activation, 'keras2'),
        use_bias: l.useBias,
        kernel_initializer: kerasInitializer(l.kernelInitializer, 'keras2'),
        bias_initializer: kerasInitializer(l.biasInitializer, 'keras2'),
        kernel_regularizer: kerasRegularizer(l.kernelRegularizer, 'keras2'),
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
    });
  });
  return { class_name: 'Sequential', config: { name: spec.name, layers } };
}

function writeLegacyWeights(f: H5Group, snap: Snapshot): void {
  const g = f.create_group('model_weights');
  const layerNames = snap.spec.layers.map((l) => l.name);
  writeBytesListAttr(g, 'layer_names', layerNames);
  writeBytesAttr(g, 'backend', 'tensorflow');
  writeBytesAttr(g, 'keras_version', KERAS2_VERSION);
  const shapes = weightShapes(snap.spec);
  const order = layerNames.map((_, i) => i).sort((a, b) => (layerNames[a]! < layerNames[b]! ? -1 : 1));
  for (const i of order) {
    const lg = g.create_group(layerNames[i]!);
    const weightNames = legacyWeightNames(layerNames[i]!, snap.weights[i]!.length);
    writeBytesListAttr(lg, 'weight_names', weightNames);
    weightNames.forEach((n, k) => writeFloats(lg, n, snap.weights[i]![k]!, shapes[i]![k]!));
  }
  writeBytesListAttr(g.create_group('top_level_model_weights'), 'weight_names', []);
  const opt = snap.optimizer;
  if (!snap.compile || !opt) return;
  const og = f.create_group('optimizer_weights');
  const slotNames = SLOT_NAMES[snap.compile.optimizer.className]!.keras2;
  const arrays = snap.spec.layers.flatMap((l, i) => legacyWeightNames(l.name, snap.weights[i]!.length));
  const arrayShapes = shapes.flat();
  const names = ['iteration:0', ...arrays.flatMap((a) => (opt.slotsPerArray ? slotNames.map((s) => `${s}/${a}`) : []))];
  writeBytesListAttr(og, 'weight_names', names);
  writeInt64(og, names[0]!, opt.iterations);
  opt.slots.forEach((s, k) => writeFloats(og, names[1 + k]!, s, arrayShapes[Math.floor(k / opt.slotsPerArray)]!));
}

/** A Sequential from the bytes of a legacy .h5 file; every problem is a ModelFileError naming `file`. */
export async function h5FromBytes(bytes: Uint8Array, file: string): Promise<Sequential> {
  let decoded: Decoded;
  try {
    decoded = await readHdf5(bytes, (f) => readLegacy(f, bytes.length));
  } catch (e) {
    throw asFileError(e, file);
  }
  return assemble(decoded, file);
}

function json(f: H5Group, name: string): unknown {
  const text = textAttr(f, name);
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail(`the ${name} attribute is not valid JSON: ${(e as Error).message}`);
  }
}

function readLegacy(f: H5Group, fileBytes: number): Decoded {
  const config = json(f, 'model_config');
  if (config === undefined) fail('no model_config attribute: an HDF5 file, but not a Keras model (weights-only file?)');
  const spec = parseModelConfig(config);
  const training = json(f, 'training_config');
  const compile = isObject(training) ? parseCompile(training, training['optimizer_config']) : null;
  if (4 * paramCount(spec) > fileBytes) fail(`model_config describes ${paramCount(spec)} weights, more than the file can hold`);
  const g = groupAt(f, 'model_weights') ?? fail('no model_weights group');
  const layerNames = textListAttr(g, 'layer_names') ?? fail('model_weights: layer_names is not a list of names');
  const shapes = weightShapes(spec);
  // As load_weights_from_hdf5_group: the saved layers that have weights, in order, to the model's layers with weights.
  const saved = layerNames.filter((n) => {
    const lg = groupAt(g, n) ?? fail(`model_weights/${n} (listed in layer_names) is missing`);
    return (textListAttr(lg, 'weight_names') ?? fail(`model_weights/${n}: weight_names is not a list of names`)).length > 0;
  });
  const withWeights = spec.layers.map((_, i) => i).filter((i) => shapes[i]!.length > 0);
  if (saved.length !== withWeights.length)
    fail(`model_weights holds weights for ${saved.length} layers but the model has ${withWeights.length} layers with weights`);
  const weights: Float32Array[][] = spec.layers.map(() => []);
  withWeights.forEach((i, k) => {
    const lg = groupAt(g, saved[k]!)!;
    const names = textListAttr(lg, 'weight_names')!;
    const where = `model_weights/${saved[k]} (layer '${spec.layers[i]!.name}')`;
    if (names.length !== shapes[i]!.length) fail(`${where} holds ${names.length} weights; the layer needs ${shapes[i]!.length}`);
    weights[i] = names.map((n, w) => readArray(lg, n, shapes[i]![w]!, `${where}: ${n}`));
  });
  const notes = json(f, 'myelin');
  const optimizer = compile ? legacyOptimizerState(f, spec, compile.optimizer, notes, training) : null;
  return { spec, weights, compile, optimizer, notes };
}

/**
 * The optimizer state, when its layout is one whose order is known: Keras 3's (iteration, learning_rate,
 * slots), Keras >= 2.11's (iteration, slots; is_legacy_optimizer false) and myelin's (the same). Older
 * Keras 2 optimizers order their slots differently: their state is not read, the optimizer starts fresh.
 */
function legacyOptimizerState(f: H5Group, spec: ModelSpec, optimizer: unknown, notes: unknown, training: unknown) {
  const og = groupAt(f, 'optimizer_weights');
  const className = (optimizer as { className: string }).className;
  const perArray = SLOT_NAMES[className]?.keras3.length;
  if (!og || perArray === undefined) return null;
  const names = textListAttr(og, 'weight_names') ?? fail('optimizer_weights: weight_names is not a list of names');
  const version = textAttr(f, 'keras_version') ?? '';
  const optConfig = isObject(training) && isObject(training['optimizer_config']) ? training['optimizer_config']['config'] : null;
  const modern = isObject(optConfig) && optConfig['is_legacy_optimizer'] === false;
  const lead = version.startsWith('3.') ? 2 : notes !== undefined || modern ? 1 : -1;
  if (lead < 0) return null;
  const arrays = weightShapes(spec).flat();
  if (names.length === lead) return null; // never built: fresh
  if (names.length !== lead + perArray * arrays.length)
    fail(`optimizer_weights lists ${names.length} arrays; ${className} on this model keeps ${lead + perArray * arrays.length}`);
  const iterations = readCount(og, names[0]!, `optimizer_weights: ${names[0]}`);
  const slots = names.slice(lead).map((n, k) => readArray(og, n, arrays[Math.floor(k / perArray)]!, `optimizer_weights: ${n}`));
  return { iterations, slots };
}
