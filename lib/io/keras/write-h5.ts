// Writes Keras 2's legacy HDF5 model file as Keras 2.15 does (keras/saving/legacy/hdf5_format.py
// save_model_to_hdf5; Keras 3 reads it with keras/src/legacy/saving/legacy_h5_format.py). Root attributes:
// keras_version and backend (str), model_config and training_config (JSON bytes; training_config carries
// optimizer_config). /model_weights has layer_names, backend, keras_version and a group per layer, created
// in name order, whose weight_names lists its datasets ('dense/kernel:0' → /model_weights/dense/dense/kernel:0).
// /optimizer_weights lists the optimizer's variables the same way: iteration, then each weight array's slots
// (Keras >= 2.11 optimizers: adam.py build adds m and v per variable).
import { kerasTrainingConfig } from './compile.js';
import {
  writeBytesAttr,
  writeBytesListAttr,
  writeFloats,
  writeHdf5,
  writeInt64,
  writeTextAttr,
  type H5Group,
} from './h5-write.js';
import {
  kerasActivation,
  kerasInitializer,
  kerasRegularizer,
  trainableShapes,
  weightShapes,
  weightsOf,
} from './layers.js';
import { normalizationFileNames, normalizationToFile, unitwiseClass, unitwiseConfig } from './norm-layers.js';
import { legacyWeightNames, SLOT_NAMES, type Snapshot } from './snapshot.js';

/** The Keras 2 release whose layout this writes. */
export const KERAS2_VERSION = '2.15.0';

/** The bytes of a legacy .h5 file for a model's snapshot (./snapshot.ts). */
export async function h5FromSnapshot(snap: Snapshot): Promise<Uint8Array> {
  // Keras 2 names HDF5 groups by layer: '/' would nest them and '.' is the group itself (Keras forbids '/').
  const bad = snap.spec.layers.find((l) => l.name.includes('/') || l.name === '.');
  if (bad)
    throw new Error(
      `${snap.where}: the layer name ${JSON.stringify(bad.name)} cannot name an HDF5 group, as Keras's .h5 ` +
        'layout needs; rename the layer, or save as .keras or .myelin',
    );
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
    if (l.kind !== 'dense') {
      const init = (cls: string) => ({ class_name: cls, config: {} });
      const config = unitwiseConfig(l, 'keras2', init, (a) => kerasActivation(a, 'keras2'));
      layers.push({ class_name: unitwiseClass(l), config: { ...base, ...config } });
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
    const l = snap.spec.layers[i]!;
    const norm = l.kind === 'normalization';
    const names = norm ? normalizationFileNames(l).map((name) => ({ name })) : weightsOf(l);
    const weightNames = legacyWeightNames(layerNames[i]!, names);
    const arrays = norm ? normalizationToFile(l, snap.weights[i]!) : snap.weights[i]!;
    writeBytesListAttr(lg, 'weight_names', weightNames);
    weightNames.forEach((n, k) =>
      norm && k === 2 ? writeInt64(lg, n, 0) : writeFloats(lg, n, arrays[k]!, shapes[i]![k]!),
    );
  }
  writeBytesListAttr(g.create_group('top_level_model_weights'), 'weight_names', []);
  const opt = snap.optimizer;
  if (!snap.compile || !opt) return;
  const og = f.create_group('optimizer_weights');
  const slotNames = SLOT_NAMES[snap.compile.optimizer.className]!.keras2;
  // Keras keeps slots for the trainable arrays only (not for moving statistics).
  const arrays = snap.spec.layers.flatMap((l) =>
    legacyWeightNames(
      l.name,
      weightsOf(l).filter((w) => w.trainable),
    ),
  );
  const arrayShapes = trainableShapes(snap.spec);
  const names = ['iteration:0', ...arrays.flatMap((a) => (opt.slotsPerArray ? slotNames.map((s) => `${s}/${a}`) : []))];
  writeBytesListAttr(og, 'weight_names', names);
  writeInt64(og, names[0]!, opt.iterations);
  opt.slots.forEach((s, k) => writeFloats(og, names[1 + k]!, s, arrayShapes[Math.floor(k / opt.slotsPerArray)]!));
}
