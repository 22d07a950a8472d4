// Writing HDF5 through h5wasm: the HDF5 C library compiled to WebAssembly, maintained, reading and writing
// (jsfive only reads). Writing our own well-formed data runs in this thread (reading untrusted files runs
// in a worker: ./h5-read.ts). h5wasm works on files in its in-memory virtual filesystem: every call gets
// its own path there, and the file is closed and unlinked before the call returns, so nothing leaks from
// one call to the next. Its error handler is switched to throwing (instead of printing HDF5-DIAG).
// The package's main build, not 'h5wasm/node': that one's "virtual" files are real files at the root of
// the disk (Emscripten's NODERAWFS), which only root may write and which processes share by name.
import * as h5 from 'h5wasm';

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

/** Creates the groups along `path` (a/b/c) that do not exist yet; returns the last. */
export function makeGroups(parent: h5.Group, path: string): h5.Group {
  let g = parent;
  for (const part of path.split('/').filter(Boolean)) {
    let next: h5.Entity | null = null;
    try {
      next = g.get(part);
    } catch {
      // absent
    }
    g = next instanceof h5.Group ? next : g.create_group(part);
  }
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
