// Keras model configs <-> myelin's layers. Keras 3 (`.keras` config.json) serializes every object as
// { module, class_name, config, registered_name } (keras/src/saving/serialization_lib.py); Keras 2 (legacy
// .h5 `model_config`) as { class_name, config }. Both are read; each writer writes its own dialect.
// Anything myelin does not have is refused, naming the layer and the setting: a model is never loaded
// with a piece silently left out.
import type { ActivationName } from '../../activations.js';
import { ACTIVATIONS } from '../../engine/ids.js';
import { resolveInitializer, type InitializerConfig } from '../../initializers.js';
import { Dense, Dropout, type Layer } from '../../layers/index.js';
import {
  buildUnitwise,
  normalizationFileShapes,
  parseUnitwise,
  unitwiseClass,
  unitwiseSpecOf,
  weightsOf,
  type UnitwiseSpec,
} from './norm-layers.js';
import { snakeCase } from '../../names.js';
import type { Regularizer } from '../../regularizers.js';

type Json = Record<string, unknown>;
export type Dialect = 'keras3' | 'keras2';

export interface DenseSpec {
  kind: 'dense';
  name: string;
  units: number;
  activation: ActivationName;
  useBias: boolean;
  kernelInitializer: InitializerConfig;
  biasInitializer: InitializerConfig;
  kernelRegularizer: Regularizer | null;
}
export interface DropoutSpec {
  kind: 'dropout';
  name: string;
  rate: number;
  seed: number | null;
}
export type LayerSpec = DenseSpec | DropoutSpec | UnitwiseSpec;
export { weightsOf };

export interface ModelSpec {
  name: string;
  inputDim: number;
  layers: LayerSpec[];
}

/** The entries of a .keras archive (keras/src/saving/saving_lib.py _CONFIG_FILENAME, _METADATA_FILENAME, _VARS_FNAME_H5). */
export const KERAS_ENTRIES = { config: 'config.json', metadata: 'metadata.json', weights: 'model.weights.h5' } as const;

/** A refusal or a malformed config; the caller adds the file name. */
export class KerasConfigError extends Error {}
const fail = (problem: string): never => {
  throw new KerasConfigError(problem);
};

export const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Keras's activation names for myelin's (keras/src/activations/__init__.py; Keras 2 spells silu 'swish'). */
const ACTIVATION_NAMES: Record<ActivationName, { keras3: string; keras2: string }> = {
  linear: { keras3: 'linear', keras2: 'linear' },
  relu: { keras3: 'relu', keras2: 'relu' },
  sigmoid: { keras3: 'sigmoid', keras2: 'sigmoid' },
  tanh: { keras3: 'tanh', keras2: 'tanh' },
  softmax: { keras3: 'softmax', keras2: 'softmax' },
  // Keras's leaky_relu defaults to negative_slope 0.2, gelu to approximate=False, elu to alpha 1: myelin's.
  leaky_relu: { keras3: 'leaky_relu', keras2: 'leaky_relu' },
  elu: { keras3: 'elu', keras2: 'elu' },
  gelu: { keras3: 'gelu', keras2: 'gelu' },
  swish: { keras3: 'silu', keras2: 'swish' },
};
const FROM_KERAS: Record<string, ActivationName> = Object.fromEntries(
  ACTIVATIONS.flatMap((a) => [
    [ACTIVATION_NAMES[a].keras3, a],
    [ACTIVATION_NAMES[a].keras2, a],
  ]),
);

/** Reads a Sequential model config (the object with class_name 'Sequential'). */
export function parseModelConfig(cfg: unknown): ModelSpec {
  if (!isObject(cfg)) return fail(`the model config is not an object`);
  const cls = cfg['class_name'];
  if (cls !== 'Sequential')
    fail(`the model is a ${JSON.stringify(cls)} model; myelin reads Sequential models (a stack of layers) only`);
  checkBuiltIn(cfg, 'the model');
  const c = cfg['config'];
  if (!isObject(c) || !Array.isArray(c['layers'])) return fail('the Sequential config has no "layers" list');
  const name = typeof c['name'] === 'string' && c['name'] !== '' ? c['name'] : 'sequential';
  let inputDim = flatWidth(c['build_input_shape'], 'the model: build_input_shape');
  const layers: LayerSpec[] = [];
  (c['layers'] as unknown[]).forEach((entry, i) => {
    if (!isObject(entry) || !isObject(entry['config'])) fail(`layer ${i} is not a { class_name, config } object`);
    const e = entry as Json;
    const lc = e['config'] as Json;
    const lname = typeof lc['name'] === 'string' ? lc['name'] : `#${i}`;
    const where = `layer ${i} '${lname}' (${String(e['class_name'])})`;
    checkBuiltIn(e, where);
    const width =
      flatWidth(lc['batch_shape'], `${where}: batch_shape`) ??
      flatWidth(lc['batch_input_shape'], `${where}: batch_input_shape`) ??
      (layers.length === 0 && isObject(e['build_config'])
        ? flatWidth(e['build_config']['input_shape'], `${where}: build_config.input_shape`)
        : null);
    if (width !== null && layers.length === 0) inputDim ??= width;
    switch (e['class_name']) {
      case 'InputLayer':
        if (layers.length > 0) fail(`${where}: an InputLayer after other layers is not a Sequential stack`);
        checkSettings(lc, where, { sparse: false, ragged: false, optional: false }, [
          'batch_shape',
          'batch_input_shape',
        ]);
        checkDtype(lc['dtype'], where);
        if (width === null) fail(`${where}: no batch_shape`);
        break;
      case 'Dense':
        layers.push(denseSpec(lc, lname, where));
        break;
      case 'Dropout':
        layers.push(dropoutSpec(lc, lname, where));
        break;
      case 'BatchNormalization':
      case 'LayerNormalization':
      case 'Activation':
      case 'Normalization':
        if (e['class_name'] === 'Normalization') checkDtype(lc['dtype'], where);
        else checkCommon(lc, where);
        layers.push(parseUnitwise(e['class_name'], lc, lname, where, { fail, checkSettings, activation }));
        break;
      default:
        fail(
          `${where}: myelin has no ${String(e['class_name'])} layer; it reads InputLayer, Dense, Dropout, ` +
            'BatchNormalization, LayerNormalization, Normalization and Activation',
        );
    }
  });
  if (layers.length === 0) fail('the model has no layers');
  if (inputDim === null || inputDim === undefined)
    return fail('the model has no input width (no InputLayer, build_input_shape or batch_input_shape)');
  return { name, inputDim, layers };
}

function denseSpec(c: Json, name: string, where: string): DenseSpec {
  checkCommon(c, where);
  checkSettings(
    c,
    where,
    {
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      quantization_config: null,
      lora_rank: null,
    },
    ['units', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer'],
  );
  const units = c['units'];
  if (!Number.isSafeInteger(units) || (units as number) < 1)
    fail(`${where}: units ${JSON.stringify(units)} is not an integer >= 1`);
  const useBias = c['use_bias'] ?? true;
  if (typeof useBias !== 'boolean') fail(`${where}: use_bias ${JSON.stringify(useBias)} is not a boolean`);
  return {
    kind: 'dense',
    name,
    units: units as number,
    activation: activation(c['activation'], where),
    useBias: useBias as boolean,
    kernelInitializer: initializer(c['kernel_initializer'] ?? 'glorot_uniform', `${where}: kernel_initializer`),
    biasInitializer: initializer(c['bias_initializer'] ?? 'zeros', `${where}: bias_initializer`),
    kernelRegularizer: regularizer(c['kernel_regularizer'], `${where}: kernel_regularizer`),
  };
}

function dropoutSpec(c: Json, name: string, where: string): DropoutSpec {
  checkCommon(c, where);
  checkSettings(c, where, { noise_shape: null }, ['rate', 'seed']);
  const rate = c['rate'];
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1))
    fail(`${where}: rate ${JSON.stringify(rate)} is not in [0, 1)`);
  const seed = c['seed'] ?? null;
  if (seed !== null && !(Number.isSafeInteger(seed) && (seed as number) >= 0 && (seed as number) < 2 ** 32))
    fail(`${where}: seed ${JSON.stringify(seed)} is not an integer in [0, 2^32) (myelin's Dropout seeds)`);
  return { kind: 'dropout', name, rate: rate as number, seed: seed as number | null };
}

/** name, trainable and dtype, which every layer config has. */
function checkCommon(c: Json, where: string): void {
  if (c['trainable'] === false)
    fail(`${where}: trainable false (a frozen layer) is not supported; myelin trains every layer`);
  checkDtype(c['dtype'], where);
}

function checkDtype(dtype: unknown, where: string): void {
  if (dtype === undefined || dtype === null) return;
  const policy = isObject(dtype) && isObject(dtype['config']) ? dtype['config']['name'] : dtype;
  if (policy !== 'float32')
    fail(`${where}: dtype ${JSON.stringify(policy)} is not supported; myelin computes in float32`);
}

const COMMON_KEYS = ['name', 'trainable', 'dtype', 'batch_shape', 'batch_input_shape', 'input_shape', 'input_dim'];

/**
 * Every key of `c` is either one myelin maps (`known`), a common one, or a setting whose value must be
 * the neutral one in `neutral` (null: absent/None). An unknown key with a value other than null/false is
 * refused: a Keras version may add settings, and one that changes the model must not be dropped.
 */
function checkSettings(c: Json, where: string, neutral: Record<string, unknown>, known: string[]): void {
  for (const [key, value] of Object.entries(c)) {
    if (known.includes(key) || COMMON_KEYS.includes(key)) continue;
    const want = Object.hasOwn(neutral, key) ? neutral[key] : null;
    const ok = value === want || value === null || value === undefined || (want === null && value === false);
    if (!ok) fail(`${where}: ${key} ${short(value)} is not supported by myelin (only ${JSON.stringify(want)})`);
  }
}

/** A custom (registered) class is refused: only Keras's own built-in objects have a meaning here. */
function checkBuiltIn(obj: Json, where: string): void {
  const module = obj['module'];
  if (typeof module === 'string' && module !== 'keras' && !module.startsWith('keras.'))
    fail(`${where}: the class comes from module '${module}', not from Keras; custom classes are not supported`);
  const reg = obj['registered_name'];
  if (typeof reg === 'string' && reg !== obj['class_name'])
    fail(`${where}: registered_name '${reg}' is a custom class; custom classes are not supported`);
}

function activation(v: unknown, where: string): ActivationName {
  if (v === undefined || v === null) return 'linear';
  // Keras 3 may serialize a built-in function as { class_name: 'function', config: 'relu' }.
  const name = isObject(v) && v['class_name'] === 'function' && typeof v['config'] === 'string' ? v['config'] : v;
  if (typeof name === 'string' && Object.hasOwn(FROM_KERAS, name)) return FROM_KERAS[name]!;
  const valid = Object.keys(FROM_KERAS).join(', ');
  return fail(`${where}: activation ${short(v)} is not one myelin has (${valid})`);
}

export function kerasActivation(a: ActivationName, dialect: Dialect): string {
  return ACTIVATION_NAMES[a][dialect];
}

function initializer(v: unknown, where: string): InitializerConfig {
  let className: unknown = v;
  let config: Json = {};
  if (isObject(v)) {
    className = v['class_name'];
    if (v['config'] !== undefined && !isObject(v['config'])) fail(`${where}: config is not an object`);
    config = { ...((v['config'] as Json) ?? {}) };
    if (config['seed'] === null) delete config['seed']; // Keras writes seed: None; myelin leaves it out
  }
  try {
    return resolveInitializer({ className: className as string, config }, where);
  } catch (e) {
    return fail((e as Error).message);
  }
}

export function kerasInitializer(init: InitializerConfig, dialect: Dialect): Json {
  const zeroArg = init.className === 'Zeros' || init.className === 'Ones';
  const config = zeroArg ? {} : { ...init.config, seed: init.config.seed ?? null };
  return wrap('keras.initializers', init.className, config, dialect);
}

/** Keras's L1 / L2 / L1L2 (keras/src/regularizers/regularizers.py); null when there is none. */
function regularizer(v: unknown, where: string): Regularizer | null {
  if (v === undefined || v === null) return null;
  const name = isObject(v) ? v['class_name'] : v;
  const c = isObject(v) && isObject(v['config']) ? v['config'] : {};
  const factor = (k: string, dflt: number) => {
    const f = c[k] ?? dflt;
    if (typeof f !== 'number' || !Number.isFinite(f) || f < 0) fail(`${where}: ${k} ${short(f)} is not a number >= 0`);
    return f as number;
  };
  switch (typeof name === 'string' ? snakeCase(name) : name) {
    case 'l1':
      return { l1: factor('l1', 0.01), l2: 0 };
    case 'l2':
      return { l1: 0, l2: factor('l2', 0.01) };
    case 'l1l2':
    case 'l1_l2':
      return { l1: factor('l1', 0), l2: factor('l2', 0) };
  }
  return fail(`${where}: ${short(v)} is not one myelin has (L1, L2, L1L2)`);
}

export function kerasRegularizer(r: Regularizer | null, dialect: Dialect): Json | null {
  if (!r) return null;
  if (r.l2 === 0) return wrap('keras.regularizers', 'L1', { l1: r.l1 }, dialect);
  if (r.l1 === 0) return wrap('keras.regularizers', 'L2', { l2: r.l2 }, dialect);
  return wrap('keras.regularizers', 'L1L2', { l1: r.l1, l2: r.l2 }, dialect);
}

/** A serialized Keras object in the dialect's shape. */
export function wrap(module: string, className: string, config: unknown, dialect: Dialect): Json {
  return dialect === 'keras3'
    ? { module, class_name: className, config, registered_name: null }
    : { class_name: className, config };
}

/** The width n of a [null, n] shape; null when absent; refused when not a flat vector. */
function flatWidth(shape: unknown, where: string): number | null {
  if (shape === undefined || shape === null) return null;
  if (!Array.isArray(shape)) return fail(`${where} ${short(shape)} is not a shape`);
  if (shape.length !== 2 || !Number.isSafeInteger(shape[1]) || shape[1] < 1)
    fail(`${where} ${short(shape)} is not [batch, features]; myelin's layers take flat rows`);
  return shape[1] as number;
}

export function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

/** keras/src/utils/naming.py to_snake_case: 'RMSprop' → 'rm_sprop', 'Dense' → 'dense'. */
export function kerasSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Keras's path names of the layers: snake_case class name, numbered per class (_get_unique_name). */
export function layerPaths(spec: ModelSpec): string[] {
  const used = new Map<string, number>();
  return spec.layers.map((l) => {
    const stem = kerasSnakeCase(l.kind === 'dense' ? 'Dense' : l.kind === 'dropout' ? 'Dropout' : unitwiseClass(l));
    const n = used.get(stem);
    used.set(stem, n === undefined ? 0 : n + 1);
    return n === undefined ? `layers/${stem}` : `layers/${stem}_${n + 1}`;
  });
}

/** Counts the weights the spec needs (a forged config must not make the loader allocate more than the file). */
export function paramCount(spec: ModelSpec): number {
  let width = spec.inputDim;
  let n = 0;
  for (const l of spec.layers)
    if (l.kind === 'dense') {
      n += width * l.units + (l.useBias ? l.units : 0);
      width = l.units;
    } else n += width * weightsOf(l).length;
  return n;
}

/** The shapes of the arrays an optimizer keeps slots for (Keras: the trainable variables), in order. */
export function trainableShapes(spec: ModelSpec): number[][] {
  const shapes = weightShapes(spec);
  return spec.layers.flatMap((l, i) => shapes[i]!.filter((_, k) => weightsOf(l)[k]?.trainable));
}

/** Weight shapes per layer, in Keras's order (Dense: kernel [in, units], then bias [units]). */
export function weightShapes(spec: ModelSpec): number[][][] {
  let width = spec.inputDim;
  return spec.layers.map((l) => {
    if (l.kind === 'normalization') return normalizationFileShapes(l, width);
    if (l.kind !== 'dense') return weightsOf(l).map(() => [width]);
    const shapes = l.useBias ? [[width, l.units], [l.units]] : [[width, l.units]];
    width = l.units;
    return shapes;
  });
}

/** myelin's layers for a spec (unbuilt weights are drawn here and replaced by the file's). */
export function buildLayers(spec: ModelSpec): Layer[] {
  return spec.layers.map((l, i) => {
    const inputDim = i === 0 ? { inputDim: spec.inputDim } : {};
    if (l.kind === 'dropout')
      return new Dropout(l.rate, { name: l.name, ...inputDim, ...(l.seed === null ? {} : { seed: l.seed }) });
    if (l.kind !== 'dense') return buildUnitwise(l, inputDim);
    return new Dense(l.units, {
      name: l.name,
      ...inputDim,
      activation: l.activation,
      useBias: l.useBias,
      kernelInitializer: l.kernelInitializer,
      biasInitializer: l.biasInitializer,
      kernelRegularizer: l.kernelRegularizer,
    });
  });
}

/** The spec of a myelin model's layers. */
export function specOf(model: { name: string; inputDim: number | null; layers: Layer[] }): ModelSpec {
  const layers = model.layers.map((l): LayerSpec => {
    if (l instanceof Dense)
      return {
        kind: 'dense',
        name: l.name,
        units: l.units,
        activation: l.activation,
        useBias: l.useBias,
        kernelInitializer: l.kernelInitializer,
        biasInitializer: l.biasInitializer,
        kernelRegularizer: l.kernelRegularizer,
      };
    if (l instanceof Dropout) return { kind: 'dropout', name: l.name, rate: l.rate, seed: l.seed };
    return unitwiseSpecOf(l) ?? fail(`layer '${l.name}' (${l.className}) has no Keras export in myelin yet`);
  });
  return { name: model.name, inputDim: model.inputDim!, layers };
}
