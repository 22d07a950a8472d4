// Keras 3's .keras archive (keras/src/saving/saving_lib.py): a zip of metadata.json, config.json and
// model.weights.h5. config.json is serialize_keras_object(model), with compile_config when compiled. In the
// HDF5 file each saveable's variables sit in a `vars` group at its path, named "0", "1", ...: the model's at
// /vars, each layer's at /layers/<snake_case class name>[_1, _2...]/vars (by class, not by layer name;
// _save_container_state), the optimizer's at /optimizer/vars: iteration, learning_rate, then for each
// weight array its slots (add_optimizer_variables interleaves them). Since Keras 3.x each vars group carries
// the saveable's name as an attribute.
import type { Sequential } from '../../model/sequential.js';
import { ModelFileError } from '../format.js';
import { kerasCompileConfig, kerasSnakeCase, parseCompile } from './compile.js';
import { groupAt, makeGroups, numericAt, readHdf5, writeFloats, writeHdf5, writeInt64, writeTextAttr, type H5Group } from './hdf5.js';
import {
  isObject,
  KerasConfigError,
  kerasActivation,
  kerasInitializer,
  kerasRegularizer,
  paramCount,
  parseModelConfig,
  wrap,
  type ModelSpec,
} from './layers.js';
import { asFileError, assemble, finiteFloats, snapshot, SLOT_NAMES, weightShapes, type Decoded, type Snapshot } from './model.js';
import { readZip, writeZip } from './zip.js';

/** The Keras version whose saving layout this follows (keras/src/version.py). */
export const KERAS3_VERSION = '3.16.0';
const CONFIG = 'config.json';
const METADATA = 'metadata.json';
const WEIGHTS = 'model.weights.h5';
/** Larger entries are not a model myelin can hold. */
const MAX_ENTRY_BYTES = 2 ** 31;
const FLOAT32_POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

/** The bytes of a .keras file for `model`. Everything is read from the model before the first await. */
export async function kerasToBytes(model: Sequential, where = 'toBuffer'): Promise<Uint8Array> {
  const snap = snapshot(model, where);
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
    const config =
      l.kind === 'dropout'
        ? { ...base, rate: l.rate, seed: l.seed, noise_shape: null }
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
    const cls = l.kind === 'dropout' ? 'Dropout' : 'Dense';
    layers.push({ ...wrap('keras.layers', cls, config, 'keras3'), build_config: { input_shape: [null, width] } });
    if (l.kind === 'dense') width = l.units;
  }
  const out: Record<string, unknown> = {
    ...wrap('keras', 'Sequential', { name: spec.name, trainable: true, dtype: FLOAT32_POLICY, layers, build_input_shape: shape }, 'keras3'),
    build_config: { input_shape: shape },
  };
  if (snap.compile) out['compile_config'] = kerasCompileConfig(snap.compile);
  return out;
}

/** Keras's path names of the layers: snake_case class name, numbered per class (_get_unique_name). */
function layerPaths(spec: ModelSpec): string[] {
  const used = new Map<string, number>();
  return spec.layers.map((l) => {
    const stem = kerasSnakeCase(l.kind === 'dense' ? 'Dense' : 'Dropout');
    const n = used.get(stem);
    used.set(stem, n === undefined ? 0 : n + 1);
    return n === undefined ? `layers/${stem}` : `layers/${stem}_${n + 1}`;
  });
}

function writeWeights(f: H5Group, snap: Snapshot): void {
  writeTextAttr(f.create_group('vars'), 'name', snap.spec.name);
  const paths = layerPaths(snap.spec);
  const shapes = weightShapes(snap.spec);
  snap.spec.layers.forEach((l, i) => {
    const vars = makeGroups(f, `${paths[i]}/vars`);
    writeTextAttr(vars, 'name', l.name);
    snap.weights[i]!.forEach((w, k) => writeFloats(vars, String(k), w, shapes[i]![k]!));
  });
  if (!snap.compile) return;
  const vars = f.create_group('optimizer').create_group('vars');
  writeTextAttr(vars, 'name', kerasSnakeCase(snap.compile.optimizer.className));
  const opt = snap.optimizer;
  writeInt64(vars, '0', opt?.iterations ?? 0);
  writeFloats(vars, '1', Float32Array.of(snap.compile.optimizer.config['learningRate'] as number), []);
  if (!opt) return;
  const arrays = shapes.flat();
  opt.slots.forEach((s, k) => writeFloats(vars, String(2 + k), s, arrays[Math.floor(k / opt.slotsPerArray)]!));
}

/** A Sequential from the bytes of a .keras file; every problem is a ModelFileError naming `file`. */
export async function kerasFromBytes(bytes: Uint8Array, file: string): Promise<Sequential> {
  let entries: Map<string, Uint8Array>;
  try {
    entries = readZip(bytes, [CONFIG, METADATA, WEIGHTS], MAX_ENTRY_BYTES);
  } catch (e) {
    throw asFileError(e, file, 'not a readable .keras archive: ');
  }
  const json = (name: string, required: boolean): unknown => {
    const data = entries.get(name);
    if (!data) {
      if (required) throw new ModelFileError(file, `the archive has no ${name}; not a Keras 3 .keras file`);
      return null;
    }
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
    } catch (e) {
      throw new ModelFileError(file, `${name} is not valid JSON: ${(e as Error).message}`);
    }
  };
  const config = json(CONFIG, true);
  const metadata = json(METADATA, false);
  const weights = entries.get(WEIGHTS);
  if (!weights) throw new ModelFileError(file, `the archive has no ${WEIGHTS} (the weights)`);
  let decoded: Decoded;
  try {
    const spec = parseModelConfig(config);
    const cc = isObject(config) ? config['compile_config'] : null;
    const compile = isObject(cc) && Object.keys(cc).length > 0 ? parseCompile(cc, cc['optimizer']) : null;
    if (4 * paramCount(spec) > weights.length)
      throw new ModelFileError(file, `config.json describes ${paramCount(spec)} weights, more than ${WEIGHTS} can hold`);
    const notes = isObject(metadata) ? metadata['myelin'] : undefined;
    decoded = await readHdf5(weights, (f) => readWeights(f, spec, compile?.optimizer, notes));
    decoded.compile = compile;
  } catch (e) {
    throw asFileError(e, file);
  }
  return assemble(decoded, file);
}

function readWeights(f: H5Group, spec: ModelSpec, optimizer: unknown, notes: unknown): Decoded {
  const shapes = weightShapes(spec);
  const paths = layerPaths(spec);
  const weights = spec.layers.map((l, i) => {
    const where = `${WEIGHTS}: ${paths[i]}/vars (layer '${l.name}')`;
    const vars = groupAt(f, `${paths[i]}/vars`);
    const held = vars ? vars.keys().length : 0;
    if (held !== shapes[i]!.length) throw new KerasConfigError(`${where} holds ${held} arrays; ${l.kind} needs ${shapes[i]!.length}`);
    return shapes[i]!.map((shape, k) => readArray(vars!, String(k), shape, `${where}/${k}`));
  });
  let state: Decoded['optimizer'] = null;
  const vars = optimizer ? groupAt(f, 'optimizer/vars') : null;
  if (vars) {
    const className = (optimizer as { className: string }).className;
    const arrays = shapes.flat();
    const perArray = SLOT_NAMES[className]?.keras3.length;
    const held = vars.keys().length;
    const where = `${WEIGHTS}: optimizer/vars`;
    if (perArray !== undefined && held > 2) {
      if (held !== 2 + perArray * arrays.length)
        throw new KerasConfigError(`${where} holds ${held} arrays; ${className} on this model keeps ${2 + perArray * arrays.length}`);
      const it = readCount(vars, '0', `${where}/0 (iteration)`);
      const slots = arrays.flatMap((shape, a) =>
        Array.from({ length: perArray }, (_, s) => readArray(vars, String(2 + a * perArray + s), shape, `${where}/${2 + a * perArray + s}`)),
      );
      state = { iterations: it, slots };
    }
  }
  return { spec, weights, compile: null, optimizer: state, notes };
}

/** A float array of exactly `shape` (checked before it is read). */
export function readArray(g: H5Group, path: string, shape: number[], where: string): Float32Array {
  const d = numericAt(g, path);
  if ('problem' in d) throw new KerasConfigError(`${where} ${d.problem}`);
  if (d.shape.length !== shape.length || d.shape.some((n, i) => n !== shape[i]))
    throw new KerasConfigError(`${where} has shape [${d.shape}] but the model needs [${shape}]`);
  return finiteFloats(d.read(), where);
}

/** A scalar step count (int64 under TensorFlow, int32 under JAX). */
export function readCount(g: H5Group, path: string, where: string): number {
  const d = numericAt(g, path);
  if ('problem' in d) throw new KerasConfigError(`${where} ${d.problem}`);
  const v = d.shape.length === 0 || (d.shape.length === 1 && d.shape[0] === 1) ? d.read()[0]! : NaN;
  if (!Number.isSafeInteger(v) || v < 0) throw new KerasConfigError(`${where} is not a step count (a scalar integer >= 0)`);
  return v;
}
