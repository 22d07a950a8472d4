// Child process (node --expose-gc): `node hostile-buffers.mjs <entry> <mode>` runs one public async
// entry point on an input whose memory JS takes away while the work runs, and prints the result's
// agreement with the same call on an untouched copy. entry: predictAsync | evaluate | fit | fitEpochs (fit with
// callbacks between epochs: its one copy serves them all) | matmulAsync;
// mode: detach (transferred with structuredClone, then collected) | resize (a resizable buffer shrunk
// to 0) | shared (a SharedArrayBuffer, which is read in place: only collected garbage around it) | overwrite
// (other values written into it: the work starts on the caller's array while it copies it, and must have
// moved to its copy once the copy is done). predictAsync and evaluate copy in steps with the event loop
// running between them, as fit does: their input is spoiled once the copy is done (spoiled during the copy,
// the call rejects with an error naming it: test/fit-data.test.ts).
import { Dense, Matrix, Sequential, matmul, matmulAsync, setSeed } from '../../dist/index.js';
import { native } from '../../dist/native.js';

const [entry, mode] = process.argv.slice(2);
const rows = 4000,
  cols = 784; // 12.5 MB: memory the allocator returns to the OS when freed

function hostile(n) {
  if (mode === 'shared') return new Float32Array(new SharedArrayBuffer(n * 4));
  if (mode === 'resize') return new Float32Array(new ArrayBuffer(n * 4, { maxByteLength: n * 4 }), 0, n);
  return new Float32Array(n);
}

function spoil(a) {
  if (mode === 'detach') structuredClone(a.buffer, { transfer: [a.buffer] });
  else if (mode === 'resize') a.buffer.resize(0);
  else if (mode === 'overwrite') a.fill(0.5);
  globalThis.gc();
}

function fill(a, seed) {
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[i] = (s / 2 ** 32) * 2 - 1;
  }
  return a;
}

function model() {
  setSeed(7);
  const m = new Sequential([
    new Dense(32, { inputDim: cols, activation: 'relu' }),
    new Dense(10, { activation: 'softmax' }),
  ]);
  m.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'sgd' });
  return m;
}

/** Spoils a once `a.byteLength` more bytes have been copied from JS arrays (at once for a shared array). */
function spoilAfterCopy(a) {
  const start = native._testing.copiedBytes();
  return new Promise((resolve) => {
    const poll = () => {
      if (mode !== 'shared' && native._testing.copiedBytes() - start < a.byteLength) return setImmediate(poll);
      spoil(a);
      resolve();
    };
    poll();
  });
}

const x = fill(hostile(rows * cols), 1);
const safe = () => new Matrix(rows, cols, fill(new Float32Array(rows * cols), 1));
const labels = Int32Array.from({ length: rows }, (_, i) => i % 10);
const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
let agree;
if (entry === 'predictAsync') {
  const m = model();
  const want = m.predict(safe()).data;
  const spoiled = spoilAfterCopy(x);
  const p = m.predictAsync(new Matrix(rows, cols, x));
  await spoiled;
  agree = same((await p).data, want);
} else if (entry === 'evaluate') {
  const m = model();
  const want = await m.evaluate(safe(), labels);
  const spoiled = spoilAfterCopy(x);
  const p = m.evaluate(new Matrix(rows, cols, x), labels);
  await spoiled;
  agree = same(await p, want);
} else if (entry === 'fit') {
  // fit's copy is done before onTrainBegin, and its one native call (no per-epoch callbacks) starts after it: spoiled
  // there, everything native reads comes after the spoil, whatever the load (a batch report came too late at times).
  const a = model(),
    b = model();
  let spoiled = false;
  const spoilAtStart = {
    onTrainBegin: () => {
      spoiled = true;
      spoil(x);
    },
  };
  setSeed(11);
  await a.fit(safe(), labels, { epochs: 30, batchSize: 64, verbose: 0 });
  setSeed(11);
  await b.fit(new Matrix(rows, cols, x), labels, { epochs: 30, batchSize: 64, verbose: 0, callbacks: [spoilAtStart] });
  const flat = (m) => m.getWeights().flatMap((w) => Array.from(w instanceof Matrix ? w.data : w));
  agree = spoiled && same(flat(b), flat(a));
} else if (entry === 'fitEpochs') {
  // One native call per epoch (a callback between epochs): spoiled after the first, the others read the copy.
  const a = model(),
    b = model();
  let spoiled = false;
  setSeed(11);
  await a.fit(safe(), labels, { epochs: 3, batchSize: 64, verbose: 0, callbacks: [{ onEpochEnd: () => {} }] });
  const spoilOnce = {
    onEpochEnd: () => {
      if (!spoiled) spoil(x);
      spoiled = true;
    },
  };
  setSeed(11);
  await b.fit(new Matrix(rows, cols, x), labels, { epochs: 3, batchSize: 64, verbose: 0, callbacks: [spoilOnce] });
  const flat = (m) => m.getWeights().flatMap((w) => Array.from(w instanceof Matrix ? w.data : w));
  agree = spoiled && same(flat(b), flat(a));
} else if (entry === 'matmulAsync') {
  const w = new Matrix(cols, 48, fill(new Float32Array(cols * 48), 2));
  const want = matmul(safe(), w).data;
  const p = matmulAsync(new Matrix(rows, cols, x), w);
  spoil(x);
  agree = same((await p).data, want);
} else {
  throw new Error(`unknown entry ${entry}`);
}
console.log(agree ? 'agree' : 'differ');
