// Child process: `node terminate-busy.mjs predictAsync|evaluate|validation` prints
// `whole <ms> idle <ms> busy <ms>`: how long the call takes to the end on the main thread, how long
// worker.terminate() takes for an idle worker (with the same model and data), and for a worker in the
// middle of that call (for `validation`: a fit whose time goes to its validation pass, of the rows
// `evaluate` reads); each terminate the fastest of three.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Dense, Matrix, Sequential, setNumThreads } from '../../dist/index.js';

// One kernel thread: with two, a kernel thread the OS preempts on a loaded machine holds up the chunk
// it took, which is not what is measured here.
setNumThreads(1);
const rows = 60_000,
  cols = 64;

function setup() {
  const m = new Sequential([
    new Dense(256, { inputDim: cols, activation: 'relu' }),
    new Dense(256, { activation: 'relu' }),
    new Dense(1, { activation: 'sigmoid' }),
  ]);
  m.compile({ loss: 'binary_crossentropy', optimizer: 'sgd' });
  const x = new Matrix(
    rows,
    cols,
    Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i)),
  );
  const y = Float32Array.from({ length: rows }, (_, i) => i % 2);
  return { m, x, y };
}

function start(op, { m, x, y }) {
  if (op === 'predictAsync') return m.predictAsync(x);
  if (op === 'evaluate') return m.evaluate(x, y, { batchSize: 256 });
  const small = new Matrix(32, cols, x.data.slice(0, 32 * cols));
  return m.fit(small, y.slice(0, 32), {
    epochs: 1_000_000,
    batchSize: 32,
    verbose: 0,
    validationData: [x, y],
  });
}

async function terminateAfterStart(op) {
  const w = new Worker(new URL(import.meta.url), { workerData: op });
  await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  const t0 = performance.now();
  await w.terminate();
  return performance.now() - t0;
}

if (!isMainThread) {
  const s = setup(); // in the idle worker too: tearing down its memory is not what is measured
  if (workerData !== 'idle') start(workerData, s);
  // Let the work get going on its thread first.
  setTimeout(() => parentPort.postMessage('started'), 50);
} else {
  const op = process.argv[2];
  const s = setup();
  const t0 = performance.now();
  await (op === 'validation' ? s.m.evaluate(s.x, s.y, { batchSize: 32 }) : start(op, s));
  const whole = performance.now() - t0;
  // The fastest of three each, interleaved: on a loaded machine one teardown can stall for another process.
  let idle = Infinity,
    busy = Infinity;
  for (let k = 0; k < 3; k++) {
    idle = Math.min(idle, await terminateAfterStart('idle'));
    busy = Math.min(busy, await terminateAfterStart(op));
  }
  console.log(`whole ${whole.toFixed(0)} idle ${idle.toFixed(0)} busy ${busy.toFixed(0)}`);
}
