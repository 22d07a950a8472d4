// The model file formats, one entry each, and the three entry points that choose among them:
// model.save(path) (by extension, or { format }), model.toBuffer({ format }) and loadModel(pathOrBytes)
// (by content, never by name: a renamed or extension-less file still loads).
//
// A format is { name, extension, description, sniff, encode, decode }:
// - sniff(bytes) answers from the first bytes alone whether they are this format's (cheap, no throwing);
// - encode(model, where) returns the file's bytes (or a promise of them). The model is checked built and
//   idle before; an encoder must read everything it needs from the model before its first await (a
//   ModelCheckpoint save runs between epochs). `where` ('save', 'toBuffer') starts its error messages.
// - decode(bytes, file) returns a Sequential (or a promise of one) or throws ModelFileError(file, problem)
//   naming what is wrong; any other error it throws is wrapped into one.
// Both carry model.metadata (./metadata.ts). To add a format, add its entry to FORMATS.
//
// Sequential imports this file (save, toBuffer), so writers see Sequential as a type only, and readers,
// which build Sequentials, are imported when first used (they also bring heavy libraries: protobufjs,
// h5wasm, which a program that never loads such a file should not pay for).
import { constants as bufferConstants } from 'node:buffer';
import { open, readFile, stat } from 'node:fs/promises';
import { describe } from '../matrix.js';
import type { Sequential } from '../model/sequential.js';
import { writeFileAtomic } from './atomic-write.js';
import { ModelFileError } from './format.js';
import { checkMetadata } from './metadata.js';
import { isHdf5, isMyelin, isZip } from './signatures.js';
import { snapshot as kerasSnapshot } from './keras/snapshot.js';
import { modelToBytes } from './model-save.js';
import { onnxFormat } from './onnx/index.js';

export type FormatName = 'myelin' | 'onnx' | 'keras' | 'h5';

export interface ModelFormat {
  readonly name: FormatName;
  /** The extension save() maps to this format, lower case with its dot; the first is written. */
  readonly extensions: readonly string[];
  /** For messages: 'Keras 3 archive (.keras)'. */
  readonly description: string;
  sniff(bytes: Uint8Array): boolean;
  /** encode answers with a promise: toBuffer then reports every error as a rejection, never a throw. */
  readonly asyncEncode: boolean;
  encode(model: Sequential, where: string): Uint8Array | Promise<Uint8Array>;
  decode(bytes: Uint8Array, file: string): Sequential | Promise<Sequential>;
}

/** Every format, in sniffing order. The one source of truth for names, extensions and signatures. */
export const FORMATS: readonly ModelFormat[] = [
  {
    name: 'myelin',
    extensions: ['.myelin'],
    description: "myelin's own file",
    sniff: isMyelin,
    asyncEncode: false,
    encode: modelToBytes,
    decode: async (bytes, file) => (await import('./model-file.js')).modelFromBytes(bytes, file),
  },
  onnxFormat,
  {
    name: 'keras',
    extensions: ['.keras'],
    description: 'Keras 3 archive (.keras)',
    sniff: isZip, // the reader then requires config.json, and says so when it is missing
    asyncEncode: true,
    encode: (model, where) => {
      const snap = kerasSnapshot(model, where);
      return import('./keras/write-keras.js').then((w) => w.kerasFromSnapshot(snap));
    },
    decode: async (bytes, file) => (await import('./keras/read-keras.js')).kerasFromBytes(bytes, file),
  },
  {
    name: 'h5',
    extensions: ['.h5', '.hdf5'],
    description: 'Keras 2 legacy HDF5 (.h5)',
    sniff: isHdf5,
    asyncEncode: true,
    encode: (model, where) => {
      const snap = kerasSnapshot(model, where);
      return import('./keras/write-h5.js').then((w) => w.h5FromSnapshot(snap));
    },
    decode: async (bytes, file) => (await import('./keras/read-h5.js')).h5FromBytes(bytes, file),
  },
];

const NAMES = FORMATS.map((f) => `'${f.name}'`).join(', ');

export function formatByName(name: unknown, where: string): ModelFormat {
  const f = FORMATS.find((x) => x.name === name);
  if (!f) throw new RangeError(`${where}: format must be one of ${NAMES}, got ${describe(name)}`);
  return f;
}

/** The format save(path) writes: by extension (case-insensitive), myelin's own for any other name. */
export function formatForPath(path: string): ModelFormat {
  const lower = path.toLowerCase();
  return FORMATS.find((f) => f.extensions.some((e) => lower.endsWith(e))) ?? FORMATS[0]!;
}

/** The format whose signature the bytes carry, or a ModelFileError listing what myelin reads. */
export function sniffFormat(bytes: Uint8Array, file: string): ModelFormat {
  const f = FORMATS.find((x) => x.sniff(bytes));
  if (f) return f;
  if (bytes.length === 0) throw new ModelFileError(file, 'the file is empty');
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new ModelFileError(
    file,
    `not a model file myelin reads: it starts with bytes ${head}, ` +
      `the signature of none of ${FORMATS.map((x) => x.description).join(', ')}`,
  );
}

/** The format of the file at `path`, from its first 64 KiB. */
export async function readFormat(path: string): Promise<ModelFormat> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(new Uint8Array(1 << 16), 0, 1 << 16, 0);
    return sniffFormat(buffer.subarray(0, bytesRead), path);
  } finally {
    await handle.close();
  }
}

/** The bytes of `model` in `format`; checks what every format needs first. */
export function encodeModel(model: Sequential, format: ModelFormat, where: string): Uint8Array | Promise<Uint8Array> {
  if (typeof (model as Partial<Sequential> | null)?.getConfig !== 'function')
    throw new TypeError(`${where}: expected a Sequential model, got ${describe(model)}`);
  if (!model.built)
    throw new Error(`${where}: the model has no weights yet; add layers (the first with inputDim) before saving`);
  // Weights and optimizer state change under a running epoch; between epochs (callbacks) they are still.
  if (model.engineBusy)
    throw new Error(
      `${where}: the model is in the middle of a training epoch; save from a callback (ModelCheckpoint) or after fit`,
    );
  checkMetadata(model.metadata, `${where}: metadata`);
  return format.encode(model, where);
}

export async function saveModel(model: Sequential, path: string, options: { format?: FormatName } = {}): Promise<void> {
  if (typeof path !== 'string' || path === '')
    throw new TypeError(`save: path must be a non-empty string, got ${describe(path)}`);
  const format = options?.format === undefined ? formatForPath(path) : formatByName(options.format, 'save');
  const bytes = await encodeModel(model, format, 'save');
  try {
    await writeFileAtomic(path, bytes);
  } catch (e) {
    throw new Error(`save: ${(e as Error).message}`, { cause: e });
  }
}

/** Bigger than any model myelin trains; a larger "model" is a wrong path (or would not fit a Buffer). */
const MAX_FILE_BYTES = Math.min(bufferConstants.MAX_LENGTH, 2 ** 32);

/**
 * Reads a model file of any format in FORMATS, recognised by its content: a Sequential ready to predict,
 * compiled (with optimizer state) when the file holds a compile configuration, with its metadata and
 * preprocessing. A damaged or foreign file is a ModelFileError naming the file and the problem.
 */
export async function loadModel(source: string | Uint8Array | ArrayBuffer): Promise<Sequential> {
  if (typeof source === 'string') return decodeModel(await readModelFile(source), source);
  if (source instanceof ArrayBuffer) return decodeModel(new Uint8Array(source), '<bytes>');
  if (source instanceof Uint8Array) return decodeModel(source, '<bytes>');
  throw new TypeError(`loadModel: expected a path, a Uint8Array/Buffer or an ArrayBuffer, got ${describe(source)}`);
}

async function readModelFile(path: string): Promise<Uint8Array> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new ModelFileError(path, 'not a regular file');
    size = s.size;
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(path, `cannot read: ${(e as Error).message}`);
  }
  if (size > MAX_FILE_BYTES) throw new ModelFileError(path, `${size} bytes is too large for a model file`);
  try {
    return await readFile(path);
  } catch (e) {
    throw new ModelFileError(path, `cannot read: ${(e as Error).message}`);
  }
}

async function decodeModel(bytes: Uint8Array, file: string): Promise<Sequential> {
  const format = sniffFormat(bytes, file);
  try {
    return await format.decode(bytes, file);
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(file, `${format.description}: ${(e as Error).message}`);
  }
}
