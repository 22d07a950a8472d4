// HDF5 through h5wasm: the HDF5 C library compiled to WebAssembly, maintained, reading and writing
// (jsfive only reads). h5wasm works on files in its in-memory virtual filesystem: every call gets its
// own path there, and the file is closed and unlinked before the call returns, so nothing leaks from
// one call to the next. Its error handler is switched to throwing (instead of printing HDF5-DIAG).
import * as h5 from 'h5wasm/node';

export type H5File = h5.File;
export type H5Group = h5.Group;

let init: Promise<void> | null = null;
let counter = 0;

function ready(): Promise<void> {
  init ??= h5.ready.then((module) => {
    module.activate_throwing_error_handler();
  });
  return init;
}

const tempPath = () => `/myelin-${process.pid}-${++counter}-${Math.random().toString(36).slice(2)}.h5`;

/** Runs `read` on `bytes` opened as an HDF5 file; the file is closed and removed however `read` ends. */
export async function readHdf5<T>(bytes: Uint8Array, read: (file: h5.File) => T): Promise<T> {
  await ready();
  const fs = h5.FS!;
  const path = tempPath();
  fs.writeFile(path, bytes);
  let file: h5.File | null = null;
  try {
    file = new h5.File(path, 'r');
    return read(file);
  } finally {
    try {
      file?.close();
    } finally {
      fs.unlink(path);
    }
  }
}

/** Runs `write` on a new HDF5 file and returns its bytes; the file never outlives the call. */
export async function writeHdf5(write: (file: h5.File) => void): Promise<Uint8Array> {
  await ready();
  const fs = h5.FS!;
  const path = tempPath();
  let file: h5.File | null = new h5.File(path, 'w');
  try {
    write(file);
    file.close();
    file = null;
    return fs.readFile(path);
  } finally {
    try {
      file?.close();
    } finally {
      fs.unlink(path);
    }
  }
}

/** The group at `path`, or null when there is none (or something else is there). */
export function groupAt(parent: h5.Group, path: string): h5.Group | null {
  const g = safeGet(parent, path);
  return g instanceof h5.Group ? g : null;
}

function safeGet(parent: h5.Group, path: string): h5.Entity | null {
  try {
    return parent.get(path);
  } catch {
    return null;
  }
}

/** Creates the groups along `path` (a/b/c) that do not exist yet; returns the last. */
export function makeGroups(parent: h5.Group, path: string): h5.Group {
  let g = parent;
  for (const part of path.split('/').filter(Boolean)) g = groupAt(g, part) ?? g.create_group(part);
  return g;
}

/** A float32 dataset at `path` (groups created as needed); `shape` [] makes a scalar. */
export function writeFloats(parent: h5.Group, path: string, data: Float32Array, shape: number[]): void {
  const cut = path.lastIndexOf('/');
  const g = cut < 0 ? parent : makeGroups(parent, path.slice(0, cut));
  g.create_dataset({ name: path.slice(cut + 1), data, shape, dtype: '<f' });
}

/** An int64 scalar dataset (Keras's optimizer `iteration` under TensorFlow). */
export function writeInt64(parent: h5.Group, path: string, value: number): void {
  const cut = path.lastIndexOf('/');
  const g = cut < 0 ? parent : makeGroups(parent, path.slice(0, cut));
  g.create_dataset({ name: path.slice(cut + 1), data: BigInt64Array.of(BigInt(value)), shape: [], dtype: '<q' });
}

/** A fixed-length byte string attribute, as h5py stores Python `bytes` (Keras's JSON attributes). */
export function writeBytesAttr(obj: h5.Group, name: string, text: string): void {
  const n = Buffer.byteLength(text);
  obj.create_attribute(name, text, null, `S${Math.max(1, n)}`);
}

/** A 1-D array of fixed-length byte strings (h5py's `np.asarray([b'a', b'bc'])`); [] is an empty float array
 *  as h5py stores `[]`. */
export function writeBytesListAttr(obj: h5.Group, name: string, items: string[]): void {
  if (items.length === 0) {
    obj.create_attribute(name, new Float64Array(0), [0], '<d');
    return;
  }
  const n = Math.max(1, ...items.map((s) => Buffer.byteLength(s)));
  obj.create_attribute(name, items, [items.length], `S${n}`);
}

/** A variable-length UTF-8 string attribute (h5py's `attrs[k] = 'text'`). */
export function writeTextAttr(obj: h5.Group, name: string, text: string): void {
  obj.create_attribute(name, text);
}

/** A string attribute (fixed or variable length) or null when absent or not text. */
export function textAttr(obj: h5.Group, name: string): string | null {
  let v: unknown;
  try {
    if (!Object.prototype.hasOwnProperty.call(obj.attrs, name)) return null;
    v = obj.get_attribute(name, false);
  } catch {
    return null;
  }
  if (Array.isArray(v) && v.length === 1) v = v[0];
  return typeof v === 'string' ? v.replace(/\0+$/, '') : null;
}

/** A list-of-strings attribute (Keras's layer_names / weight_names); [] when absent or empty; null if not text. */
export function textListAttr(obj: h5.Group, name: string): string[] | null {
  let v: unknown;
  try {
    if (!Object.prototype.hasOwnProperty.call(obj.attrs, name)) return [];
    v = obj.get_attribute(name, false);
  } catch {
    return null;
  }
  if (typeof v === 'string') return [v];
  if (ArrayBuffer.isView(v) && (v as Float64Array).length === 0) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) return null;
  return (v as string[]).map((s) => s.replace(/\0+$/, ''));
}

/** What is at `path`: a numeric dataset's shape and a reader for its values, or a description of why not. */
export type Numeric = { shape: number[]; read: () => Float64Array | Float32Array } | { problem: string };

export function numericAt(parent: h5.Group, path: string): Numeric {
  const d = safeGet(parent, path);
  if (!(d instanceof h5.Dataset)) return { problem: d === null ? 'is missing' : 'is not a dataset' };
  let meta: { type: number; size: number };
  let shape: number[] | null;
  try {
    meta = d.metadata as { type: number; size: number };
    shape = d.shape;
  } catch (e) {
    return { problem: `cannot be read (${firstLine(e)})` };
  }
  const isFloat = meta.type === h5.Module.H5T_class_t.H5T_FLOAT.value;
  const isInt = meta.type === h5.Module.H5T_class_t.H5T_INTEGER.value;
  if (!isFloat && !isInt) return { problem: 'does not hold numbers' };
  if (!shape || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) return { problem: 'has no simple shape' };
  const read = () => {
    const v = d.value;
    if (typeof v === 'number') return Float64Array.of(v);
    if (typeof v === 'bigint') return Float64Array.of(Number(v));
    if (v instanceof Float32Array || v instanceof Float64Array) return v;
    if (ArrayBuffer.isView(v)) return Float64Array.from(v as ArrayLike<number>, Number);
    throw new Error('the values are not numbers');
  };
  return { shape, read };
}

export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}
