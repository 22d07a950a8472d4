// Reading HDF5 files that may be damaged or hostile. The HDF5 C library (h5wasm) can abort, stall or end
// its process on some corrupted files (a fuzz test found all three), so it runs in a worker thread: the
// worker turns the file into a plain tree (groups, attributes, datasets with their values) and the caller
// interprets that. A worker that aborts, exits or runs past its time is discarded; the next read starts a
// fresh one. The worker holds one file at a time in its in-memory filesystem, and unlinks it after.
import { Worker } from 'node:worker_threads';
import { KerasConfigError } from './layers.js';

export interface H5Entry {
  kind: 'group' | 'dataset' | 'other';
  attrs: Record<string, unknown>;
  /** Datasets: shape, whether numeric, and the values (numeric datasets only). */
  shape?: number[] | null;
  numeric?: boolean;
  values?: Float64Array | Float32Array;
}

/** A read HDF5 file: entries by path without the leading slash ('' is the root group). */
export type H5Tree = Map<string, H5Entry>;

// The worker, as source run with `eval` (lib/ is TypeScript compiled to dist/; a file path would differ
// between the two). It imports h5wasm from the URL the main thread resolved.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const h5p = import(workerData.h5wasm).then(async (h5) => { (await h5.ready).activate_throwing_error_handler(); return h5; });
const value = (v) => typeof v === 'bigint' ? Number(v) : ArrayBuffer.isView(v) ? Array.from(v, Number) : v;
function walk(h5, file, budget) {
  const out = [];
  const visit = (obj, path, depth) => {
    if (out.length >= 100000 || depth > 64) throw new Error('the file has too many objects or is nested too deep');
    const attrs = {};
    for (const name of Object.keys(obj.attrs)) attrs[name] = value(obj.get_attribute(name, false));
    if (obj instanceof h5.Group) {
      out.push({ path, kind: 'group', attrs });
      for (const key of obj.keys()) {
        const child = obj.get(key);
        const p = path === '' ? key : path + '/' + key;
        if (child instanceof h5.Group || child instanceof h5.Dataset) visit(child, p, depth + 1);
        else out.push({ path: p, kind: 'other', attrs: {} });
      }
    } else {
      const meta = obj.metadata, shape = obj.shape;
      const numeric = meta.type === h5.Module.H5T_class_t.H5T_FLOAT.value || meta.type === h5.Module.H5T_class_t.H5T_INTEGER.value;
      const entry = { path, kind: 'dataset', attrs, shape, numeric };
      if (numeric && shape) {
        const n = shape.reduce((a, b) => a * b, 1);
        if (n > budget.left) throw new Error('a dataset declares more values than the file holds');
        budget.left -= n;
        const v = obj.value;
        entry.values = v instanceof Float32Array || v instanceof Float64Array ? v
          : typeof v === 'number' || typeof v === 'bigint' ? Float64Array.of(Number(v)) : Float64Array.from(v, Number);
      }
      out.push(entry);
    }
  };
  visit(file, '', 0);
  return out;
}
let n = 0;
parentPort.on('message', async ({ id, bytes }) => {
  const h5 = await h5p;
  const path = '/in-' + (++n) + '.h5';
  let file = null;
  try {
    h5.FS.writeFile(path, bytes);
    file = new h5.File(path, 'r');
    parentPort.postMessage({ id, entries: walk(h5, file, { left: bytes.length }) });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e), fatal: e instanceof WebAssembly.RuntimeError });
  } finally {
    try { if (file) file.close(); } catch {}
    try { h5.FS.unlink(path); } catch {}
  }
});
`;

interface Pending {
  resolve: (t: H5Tree) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

let worker: Worker | null = null;
let nextId = 0;
const pending = new Map<number, Pending>();

function discard(w: Worker, error: Error): void {
  if (worker === w) worker = null;
  void w.terminate();
  for (const p of pending.values()) {
    clearTimeout(p.timer);
    p.reject(error);
  }
  pending.clear();
}

function getWorker(): Worker {
  if (worker) return worker;
  // In-memory files (see ./h5-write.ts on 'h5wasm/node'). The source is CommonJS: without the process's
  // --input-type=module (`node --input-type=module -e ...`), which a worker inherits.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  const w = new Worker(WORKER, { eval: true, execArgv, workerData: { h5wasm: import.meta.resolve('h5wasm') } });
  w.on('message', (m: { id: number; entries?: (H5Entry & { path: string })[]; error?: string; fatal?: boolean }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (pending.size === 0) w.unref();
    if (m.entries) p.resolve(new Map(m.entries.map(({ path, ...e }) => [path, e])));
    else p.reject(new KerasConfigError(`the HDF5 library cannot read it: ${hdf5Cause(m.error)}`));
    if (m.fatal) discard(w, new KerasConfigError('the HDF5 library stopped'));
  });
  w.on('error', (e) => discard(w, new KerasConfigError(`the HDF5 library stopped: ${firstLine(e.message)}`)));
  w.on('exit', () => discard(w, new KerasConfigError('the HDF5 library stopped reading it')));
  worker = w;
  return w;
}

/** The tree of an HDF5 file; a damaged file rejects with a KerasConfigError (the caller names the file). */
export function readHdf5(bytes: Uint8Array): Promise<H5Tree> {
  const w = getWorker();
  const id = nextId++;
  const ms = 5000 + bytes.length / 1000; // far more than a model file takes; a stalled library is stopped
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => discard(w, new KerasConfigError(`the HDF5 library did not finish reading it in ${ms / 1000} s`)),
      ms,
    );
    pending.set(id, { resolve, reject, timer });
    w.ref();
    w.postMessage({ id, bytes });
  });
}

/** HDF5's error stack ends with its cause ('#006: ... in H5F__super_read(): truncated file: eof = 64, ...'). */
function hdf5Cause(text: string | undefined): string {
  const causes = [...(text ?? '').matchAll(/#\d+: .* in \w+\(\): (.+)/g)];
  return causes.at(-1)?.[1]?.trim() ?? firstLine(text);
}

function firstLine(text: string | undefined): string {
  return (
    (text ?? '')
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? 'unknown error'
  );
}

/** A group of a read tree, with the few questions the Keras readers ask. */
export class H5Node {
  constructor(
    private readonly tree: H5Tree,
    readonly path: string,
  ) {}

  private full(p: string): string {
    return [this.path, p].filter(Boolean).join('/');
  }

  /** The group at `p` (relative), or null. */
  group(p: string): H5Node | null {
    return this.tree.get(this.full(p))?.kind === 'group' ? new H5Node(this.tree, this.full(p)) : null;
  }

  /** Names of the direct children. */
  keys(): string[] {
    const prefix = this.path === '' ? '' : `${this.path}/`;
    return [...this.tree.keys()]
      .filter((k) => k.startsWith(prefix) && k !== this.path && !k.slice(prefix.length).includes('/'))
      .map((k) => k.slice(prefix.length));
  }

  /** A numeric dataset's shape and values, or why not. */
  numeric(p: string): { shape: number[]; values: Float64Array | Float32Array } | { problem: string } {
    const e = this.tree.get(this.full(p));
    if (!e) return { problem: 'is missing' };
    if (e.kind !== 'dataset') return { problem: 'is not a dataset' };
    if (!e.numeric || !e.values) return { problem: 'does not hold numbers' };
    if (!e.shape) return { problem: 'has no simple shape' };
    return { shape: e.shape, values: e.values };
  }

  /** A text attribute (fixed or variable length), or null when absent or not text. */
  text(name: string): string | null {
    let v = this.tree.get(this.path)?.attrs[name];
    if (Array.isArray(v) && v.length === 1) v = v[0];
    return typeof v === 'string' ? v.replace(/\0+$/, '') : null;
  }

  /** A list-of-strings attribute (layer_names, weight_names): [] when absent or empty, null when not text. */
  textList(name: string): string[] | null {
    const attrs = this.tree.get(this.path)?.attrs ?? {};
    if (!Object.hasOwn(attrs, name)) return [];
    const v = attrs[name];
    if (typeof v === 'string') return [v.replace(/\0+$/, '')];
    if (!Array.isArray(v)) return null;
    if (v.length === 0) return [];
    return v.every((s) => typeof s === 'string') ? v.map((s: string) => s.replace(/\0+$/, '')) : null;
  }
}
