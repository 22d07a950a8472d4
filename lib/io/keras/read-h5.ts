// Reads Keras's legacy HDF5 model file (layout: ./write-h5.ts; Keras's reader:
// keras/src/legacy/saving/legacy_h5_format.py load_model_from_hdf5). As load_weights_from_hdf5_group does,
// the saved layers that have weights are matched in order to the model's layers that have weights.
import type { Sequential } from '../../model/sequential.js';
import type { Optimizer } from '../../optimizers.js';
import { asFileError, assemble, keras3Tail, optimizerState, readArray, type Decoded } from './assemble.js';
import { parseCompile } from './compile.js';
import { H5Node, readHdf5 } from './h5-read.js';
import { inputWidths, normalizationFromFile } from './norm-layers.js';
import {
  isObject,
  KerasConfigError,
  paramCount,
  parseModelConfig,
  trainableShapes,
  weightShapes,
  type ModelSpec,
} from './layers.js';
import { SLOT_NAMES } from './snapshot.js';

const fail = (problem: string): never => {
  throw new KerasConfigError(problem);
};

/** A Sequential from the bytes of a legacy .h5 file; every problem is a ModelFileError naming `file`. */
export async function h5FromBytes(bytes: Uint8Array, file: string): Promise<Sequential> {
  let decoded: Decoded;
  try {
    decoded = readLegacy(new H5Node(await readHdf5(bytes), ''), bytes.length);
  } catch (e) {
    throw asFileError(e, file);
  }
  return assemble(decoded, file);
}

function json(f: H5Node, name: string): unknown {
  const text = f.text(name);
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail(`the ${name} attribute is not valid JSON: ${(e as Error).message}`);
  }
}

function readLegacy(f: H5Node, fileBytes: number): Decoded {
  const config = json(f, 'model_config');
  if (config === undefined)
    fail('no model_config attribute: an HDF5 file, but not a Keras model (a weights-only file?)');
  const spec = parseModelConfig(config);
  const training = json(f, 'training_config');
  const compile = isObject(training) ? parseCompile(training, training['optimizer_config']) : null;
  if (4 * paramCount(spec) > fileBytes)
    fail(`model_config describes ${paramCount(spec)} weights, more than the file holds`);
  const g = f.group('model_weights') ?? fail('no model_weights group');
  const layerNames = g.textList('layer_names') ?? fail('model_weights: layer_names is not a list of names');
  const shapes = weightShapes(spec);
  const saved = layerNames.filter((n) => {
    const lg = g.group(n) ?? fail(`model_weights/${n} (listed in layer_names) is missing`);
    return (lg.textList('weight_names') ?? fail(`model_weights/${n}: weight_names is not a list of names`)).length > 0;
  });
  const withWeights = spec.layers.map((_, i) => i).filter((i) => shapes[i]!.length > 0);
  if (saved.length !== withWeights.length)
    fail(
      `model_weights holds weights for ${saved.length} layers but the model has ${withWeights.length} layers with weights`,
    );
  const weights: Float32Array[][] = spec.layers.map(() => []);
  withWeights.forEach((i, k) => {
    const lg = g.group(saved[k]!)!;
    const names = lg.textList('weight_names')!;
    const where = `model_weights/${saved[k]} (layer '${spec.layers[i]!.name}')`;
    if (names.length !== shapes[i]!.length)
      fail(`${where} holds ${names.length} weights; the layer needs ${shapes[i]!.length}`);
    weights[i] = names.map((n, w) => readArray(lg, n, shapes[i]![w]!, `${where}: ${n}`));
  });
  const widths = inputWidths(spec);
  spec.layers.forEach((l, i) => {
    if (l.kind === 'normalization')
      weights[i] = normalizationFromFile(l, weights[i]!, widths[i]!, `model_weights (layer '${l.name}')`);
  });
  const notes = json(f, 'myelin');
  const optimizer = compile ? legacyOptimizerState(f, spec, compile.optimizer, notes !== undefined, training) : null;
  return { spec, weights, compile, optimizer, notes };
}

/**
 * The optimizer state, when its layout's order is known: Keras 3's (iteration, learning_rate, slots), Keras
 * >= 2.11's (iteration, slots; is_legacy_optimizer false) and myelin's (the same). Older Keras 2 optimizers
 * order their slots differently: their state is not read, and the optimizer starts fresh.
 */
function legacyOptimizerState(f: H5Node, spec: ModelSpec, optimizer: Optimizer, byMyelin: boolean, training: unknown) {
  const og = f.group('optimizer_weights');
  const perArray = SLOT_NAMES[optimizer.className]?.keras3.length;
  if (!og || perArray === undefined) return null;
  const names = og.textList('weight_names') ?? fail('optimizer_weights: weight_names is not a list of names');
  if (names.length === 0) return null;
  const oc =
    isObject(training) && isObject(training['optimizer_config']) ? training['optimizer_config']['config'] : null;
  const modern = isObject(oc) && oc['is_legacy_optimizer'] === false;
  const keras3 = (f.text('keras_version') ?? '').startsWith('3.');
  const lead = keras3 ? (optimizer.schedule ? 1 : 2) : byMyelin || modern ? 1 : 0;
  if (lead === 0) return null;
  // Keras 3 saves every variable it tracks (Nadam's u_product too), Keras 2 the iteration and slots only.
  const tail = keras3 ? keras3Tail(optimizer) : undefined;
  return optimizerState(og, names, lead, perArray, trainableShapes(spec), 'optimizer_weights', tail);
}
