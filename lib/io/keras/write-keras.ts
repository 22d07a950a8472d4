// Writes Keras 3's .keras archive (keras/src/saving/saving_lib.py): a zip of metadata.json, config.json and
// model.weights.h5. config.json is serialize_keras_object(model), with compile_config when compiled. In the
// HDF5 file each saveable's variables sit in a `vars` group at its path, named "0", "1", ...: the model's at
// /vars, each layer's at /layers/<snake_case class name>[_1, _2...]/vars (by class, not by layer name;
// _save_container_state), the optimizer's at /optimizer/vars: iteration, learning_rate, then for each
// weight array its slots (add_optimizer_variables interleaves them), then Nadam's u_product. H5IOStore._create_h5_group gives each
// vars group the saveable's name as an attribute.
import { kerasCompileConfig } from './compile.js';
import { makeGroups, writeFloats, writeHdf5, writeInt64, writeTextAttr, type H5Group } from './h5-write.js';
import {
  kerasActivation,
  kerasInitializer,
  kerasRegularizer,
  kerasSnakeCase,
  KERAS_ENTRIES,
  layerPaths,
  trainableShapes,
  weightShapes,
  wrap,
} from './layers.js';
import { normalizationToFile, unitwiseClass, unitwiseConfig } from './norm-layers.js';
import type { Snapshot } from './snapshot.js';

const { config: CONFIG, metadata: METADATA, weights: WEIGHTS } = KERAS_ENTRIES;
import { writeZip } from './zip.js';

/** The Keras version whose saving layout this follows (keras/src/version.py). */
export const KERAS3_VERSION = '3.16.0';
const FLOAT32_POLICY = {
  module: 'keras',
  class_name: 'DTypePolicy',
  config: { name: 'float32' },
  registered_name: null,
};

/** The bytes of a .keras file for a model's snapshot (./snapshot.ts). */
export async function kerasFromSnapshot(snap: Snapshot): Promise<Uint8Array> {
  const config = JSON.stringify(modelConfig(snap));
  const date = new Date().toISOString().replace(/T(\d\d):(\d\d):(\d\d).*/, '@$1:$2:$3');
  const metadata = JSON.stringify({ keras_version: KERAS3_VERSION, date_saved: date, myelin: snap.notes });
  const weights = await writeHdf5((f) => writeWeights(f, snap));
  const text = (s: string) => new TextEncoder().encode(s);
  return writeZip([
    [METADATA, text(metadata)],
    [CONFIG, text(config)],
    [WEIGHTS, weights],
  ]);
}

function modelConfig(snap: Snapshot): Record<string, unknown> {
  const { spec } = snap;
  const shape = [null, spec.inputDim];
  const layers: unknown[] = [
    wrap(
      'keras.layers',
      'InputLayer',
      { batch_shape: shape, dtype: 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false },
      'keras3',
    ),
  ];
  let width = spec.inputDim;
  for (const l of spec.layers) {
    const base = { name: l.name, trainable: true, dtype: FLOAT32_POLICY };
    const init = (cls: string) => wrap('keras.initializers', cls, {}, 'keras3');
    const config =
      l.kind === 'dropout'
        ? { ...base, rate: l.rate, seed: l.seed, noise_shape: null }
        : l.kind !== 'dense'
          ? { ...base, ...unitwiseConfig(l, 'keras3', init, (a) => kerasActivation(a, 'keras3')) }
          : {
              ...base,
              units: l.units,
              activation: kerasActivation(l.activation, 'keras3'),
              use_bias: l.useBias,
              kernel_initializer: kerasInitializer(l.kernelInitializer, 'keras3'),
              bias_initializer: kerasInitializer(l.biasInitializer, 'keras3'),
              kernel_regularizer: kerasRegularizer(l.kernelRegularizer, 'keras3'),
              bias_regularizer: null,
              kernel_constraint: null,
              bias_constraint: null,
              quantization_config: null,
            };
    const cls = l.kind === 'dropout' ? 'Dropout' : l.kind === 'dense' ? 'Dense' : unitwiseClass(l);
    layers.push({ ...wrap('keras.layers', cls, config, 'keras3'), build_config: { input_shape: [null, width] } });
    if (l.kind === 'dense') width = l.units;
  }
  const out: Record<string, unknown> = {
    ...wrap(
      'keras',
      'Sequential',
      { name: spec.name, trainable: true, dtype: FLOAT32_POLICY, layers, build_input_shape: shape },
      'keras3',
    ),
    build_config: { input_shape: shape },
  };
  if (snap.compile) out['compile_config'] = kerasCompileConfig(snap.compile);
  return out;
}

function writeWeights(f: H5Group, snap: Snapshot): void {
  writeTextAttr(f.create_group('vars'), 'name', snap.spec.name);
  const paths = layerPaths(snap.spec);
  const shapes = weightShapes(snap.spec);
  snap.spec.layers.forEach((l, i) => {
    const vars = makeGroups(f, `${paths[i]}/vars`);
    writeTextAttr(vars, 'name', l.name);
    if (l.kind !== 'normalization') snap.weights[i]!.forEach((w, k) => writeFloats(vars, String(k), w, shapes[i]![k]!));
    else
      normalizationToFile(l, snap.weights[i]!).forEach((w, k) =>
        k === 2 ? writeInt64(vars, '2', 0) : writeFloats(vars, String(k), w, shapes[i]![k]!),
      );
  });
  if (!snap.compile) return;
  const vars = f.create_group('optimizer').create_group('vars');
  writeTextAttr(vars, 'name', kerasSnakeCase(snap.compile.optimizer.className));
  const opt = snap.optimizer;
  writeInt64(vars, '0', opt?.iterations ?? 0);
  // A learning rate is a variable after the iteration; a schedule is not (base_optimizer.py __init__).
  const lr = snap.compile.optimizer.config['learningRate'];
  if (typeof lr === 'number') writeFloats(vars, '1', Float32Array.of(lr), []);
  if (!opt) return;
  const lead = typeof lr === 'number' ? 2 : 1;
  const arrays = trainableShapes(snap.spec); // Keras keeps slots for the trainable arrays only
  opt.slots.forEach((s, k) => writeFloats(vars, String(lead + k), s, arrays[Math.floor(k / opt.slotsPerArray)]!));
  // Scalars Keras tracks after the slots (Nadam's u_product), once it has built them.
  if (opt.slots.length > 0)
    opt.tail.forEach((v, k) => writeFloats(vars, String(lead + opt.slots.length + k), Float32Array.of(v), []));
}
