// Child process: `node long-fit.mjs terminate|exit` starts a fit that would run for hours, then
// `terminate`: terminates the worker thread running it and prints the milliseconds terminate() took;
// `exit`: calls process.exit(0) from the main thread and prints Date.now() just before (the parent
// measures the rest).
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { Dense, Matrix, Sequential } from '../../dist/index.js';

function startFit() {
  const rows = 4000,
    cols = 64;
  const x = new Matrix(
    rows,
    cols,
    Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i)),
  );
  const y = Float32Array.from({ length: rows }, (_, i) => i % 2);
  const m = new Sequential([
    new Dense(64, { inputDim: cols, activation: 'relu' }),
    new Dense(1, { activation: 'sigmoid' }),
  ]);
  m.compile({ loss: 'binary_crossentropy', optimizer: 'adam' });
  return m.fit(x, y, { epochs: 1_000_000, batchSize: 32, verbose: 0 });
}

const mode = process.argv[2];
if (!isMainThread) {
  startFit();
  setTimeout(() => parentPort.postMessage('training'), 300);
} else if (mode === 'terminate') {
  const w = new Worker(new URL(import.meta.url), { argv: [mode] });
  await new Promise((resolve) => w.once('message', resolve));
  const t0 = performance.now();
  await w.terminate();
  console.log(`terminate ${(performance.now() - t0).toFixed(1)}`);
} else if (mode === 'exit') {
  startFit();
  setTimeout(() => {
    console.log(`exit ${Date.now()}`);
    process.exit(0);
  }, 300);
}
