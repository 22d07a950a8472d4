// Reads Keras 3's .keras archive (layout: ./write-keras.ts; Keras's reader: saving_lib.py
// _load_model_from_fileobj, H5IOStore.get). Weights are matched by path (layers/<class>[_n]/vars/<i>),
// their shapes checked against the config before they are read.
import type { Sequential } from '../../model/sequential.js';
import type { Optimizer } from '../../optimizers.js';
import { ModelFileError } from '../format.js';
import { asFileError, assemble, keras3Tail, optimizerState, readArray, type Decoded } from './assemble.js';
import { parseCompile } from './compile.js';
import { H5Node, readHdf5 } from './h5-read.js';
import { inputWidths, normalizationFileNames, normalizationFromFile } from './norm-layers.js';
import {
  isObject,
  KERAS_ENTRIES,
  KerasConfigError,
  layerPaths,
  paramCount,
  parseModelConfig,
  trainableShapes,
  weightsOf,
  weightShapes,
  type ModelSpec,
} from './layers.js';
import { SLOT_NAMES } from './snapshot.js';
import { readZip } from './zip.js';

const { config: CONFIG, metadata: METADATA, weights: WEIGHTS } = KERAS_ENTRIES;
/** Larger entries are not a model myelin can hold; Keras's JSON entries are kilobytes (a 1 GiB config.json of
 *  spaces, 1 MB deflated, was inflated whole before JSON.parse refused it). */
const MAX_ENTRY_BYTES = { [CONFIG]: 64 << 20, [METADATA]: 64 << 20, [WEIGHTS]: 2 ** 31 };

/** A Sequential from the bytes of a .keras file; every problem is a ModelFileError naming `file`. */
export async function kerasFromBytes(bytes: Uint8Array, file: string): Promise<Sequential> {
  let entries: Map<string, Uint8Array>;
  try {
    entries = readZip(bytes, MAX_ENTRY_BYTES);
  } catch (e) {
    throw asFileError(e, file, 'not a readable .keras archive: ');
  }
  const json = (name: string): unknown => {
    const data = entries.get(name);
    if (!data) return undefined;
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
    } catch (e) {
      throw new ModelFileError(file, `${name} is not valid JSON: ${(e as Error).message}`);
    }
  };
  const config = json(CONFIG);
  if (config === undefined) throw new ModelFileError(file, `the archive has no ${CONFIG}; not a Keras 3 .keras file`);
  const metadata = json(METADATA);
  const weights = entries.get(WEIGHTS);
  if (!weights) throw new ModelFileError(file, `the archive has no ${WEIGHTS} (the weights)`);
  let decoded: Decoded;
  try {
    const spec = parseModelConfig(config);
    const cc = isObject(config) ? config['compile_config'] : null;
    const compile = isObject(cc) && Object.keys(cc).length > 0 ? parseCompile(cc, cc['optimizer']) : null;
    if (4 * paramCount(spec) > weights.length)
      throw new KerasConfigError(`${CONFIG} describes ${paramCount(spec)} weights, more than ${WEIGHTS} can hold`);
    const root = new H5Node(await readHdf5(weights), '');
    decoded = readWeights(root, spec, compile?.optimizer);
    decoded.compile = compile;
    decoded.notes = isObject(metadata) ? metadata['myelin'] : undefined;
  } catch (e) {
    throw asFileError(e, file, e instanceof KerasConfigError && /HDF5/.test(e.message) ? `${WEIGHTS}: ` : '');
  }
  return assemble(decoded, file);
}

function readWeights(f: H5Node, spec: ModelSpec, optimizer: Optimizer | undefined): Decoded {
  const shapes = weightShapes(spec);
  const paths = layerPaths(spec);
  const widths = inputWidths(spec);
  const weights = spec.layers.map((l, i) => {
    const where = `${WEIGHTS}: ${paths[i]}/vars (layer '${l.name}')`;
    const vars = f.group(`${paths[i]}/vars`);
    const held = vars ? vars.keys().length : 0;
    if (held !== shapes[i]!.length)
      throw new KerasConfigError(`${where} holds ${held} arrays; ${l.kind} needs ${shapes[i]!.length}`);
    const names = l.kind === 'normalization' ? normalizationFileNames(l) : weightsOf(l).map((w) => w.name);
    const what = (k: number) => `${WEIGHTS}: ${paths[i]}/vars/${k} (layer '${l.name}' ${names[k]})`;
    const arrays = shapes[i]!.map((shape, k) => readArray(vars!, String(k), shape, what(k)));
    return l.kind === 'normalization' ? normalizationFromFile(l, arrays, widths[i]!, where) : arrays;
  });
  const vars = optimizer ? f.group('optimizer/vars') : null;
  const perArray = optimizer ? SLOT_NAMES[optimizer.className]?.keras3.length : undefined;
  const lead = optimizer?.schedule ? 1 : 2; // iteration, and learning_rate unless it is a schedule
  const tail = optimizer && keras3Tail(optimizer);
  const names = vars?.keys().sort((a, b) => Number(a) - Number(b));
  if (names?.some((n, i) => n !== String(i)))
    throw new KerasConfigError(`${WEIGHTS}: optimizer/vars are not named 0, 1, 2...`);
  const state =
    vars && names && perArray !== undefined
      ? optimizerState(vars, names, lead, perArray, trainableShapes(spec), `${WEIGHTS}: optimizer/vars`, tail)
      : null;
  return { spec, weights, compile: null, optimizer: state, notes: undefined };
}
