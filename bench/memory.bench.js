// Memory over time: RSS, V8 heap and external memory across 1,000 create -> compile -> fit -> drop
// cycles of a small model, across 10^6 single-row predicts, across 60 worker threads that each load
// the addon, fit and exit, and across 400 predictAsync/evaluate calls on 12.5 MB inputs (copied in
// steps into memory reused call after call). A leak grows without bound; allocator retention levels off. The
// verdict compares the last quarter with the second (after warm-up), the ±5 % the issue asks for.
// Run: npx tsc -p tsconfig.json && node --expose-gc bench/memory.bench.js [--quick]
import { Worker } from 'node:worker_threads';
import { Dense, Matrix, Sequential } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const gc = globalThis.gc ?? (() => {});
const mb = (b) => (b / 2 ** 20).toFixed(1);

function sample() {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers };
}

/** Prints samples at 8 points of `total` steps and the drift of RSS from the 2nd to the 4th quarter (a leak grows it; memory
 * handed back to the OS shrinks it). */
async function track(title, total, step) {
  const points = [];
  const every = Math.max(1, Math.floor(total / 8));
  for (let i = 0; i < total; i++) {
    await step(i);
    if ((i + 1) % every === 0) points.push({ at: i + 1, ...sample() });
  }
  console.log(`${title}`);
  console.log('| after | RSS MB | heap MB | external MB |\n|---:|---:|---:|---:|');
  for (const p of points) console.log(`| ${p.at} | ${mb(p.rss)} | ${mb(p.heap)} | ${mb(p.external)} |`);
  const q2 = points[Math.floor(points.length / 4)].rss,
    q4 = points[points.length - 1].rss;
  const drift = ((q4 - q2) / q2) * 100;
  console.log(
    `RSS drift after warm-up: ${drift >= 0 ? '+' : ''}${drift.toFixed(1)} % (${drift <= 5 ? 'no growth beyond' : 'GROWTH beyond'} +5 %)\n`,
  );
}

const rows = 512,
  cols = 32;
const x = new Matrix(
  rows,
  cols,
  Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37)),
);
const y = Float32Array.from({ length: rows }, (_, i) => i % 2);

async function cycle() {
  const m = new Sequential([
    new Dense(64, { inputDim: cols, activation: 'relu' }),
    new Dense(1, { activation: 'sigmoid' }),
  ]);
  m.compile({ loss: 'binary_crossentropy', optimizer: 'adam' });
  await m.fit(x, y, { epochs: 2, batchSize: 64, verbose: 0 });
}

await track(`create -> fit -> drop (${cols}-64-1, ${rows} rows, 2 epochs)`, quick ? 200 : 1000, cycle);

const model = new Sequential([
  new Dense(64, { inputDim: cols, activation: 'relu' }),
  new Dense(3, { activation: 'softmax' }),
]);
const one = new Matrix(1, cols, x.data.slice(0, cols));
const predicts = quick ? 100_000 : 1_000_000;
await track(`single-row predict (${cols}-64-3), ${predicts} calls`, 100, () => {
  for (let i = 0; i < predicts / 100; i++) model.predict(one);
});

const workerSource = `
  const { parentPort } = require('node:worker_threads');
  import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)}).then(async ({ Dense, Matrix, Sequential }) => {
    const x = new Matrix(256, 16, Float32Array.from({ length: 4096 }, (_, i) => Math.cos(i)));
    const y = Float32Array.from({ length: 256 }, (_, i) => i % 2);
    const m = new Sequential([new Dense(32, { inputDim: 16, activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]);
    m.compile({ loss: 'binary_crossentropy', optimizer: 'adam' });
    await m.fit(x, y, { epochs: 2, verbose: 0 });
    parentPort.postMessage('done');
  });`;
await track('worker thread: load addon, fit, exit', quick ? 16 : 60, async () => {
  const w = new Worker(workerSource, { eval: true });
  await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await w.terminate();
});

// Large async calls: each copies its input (in steps) into memory kept for the next call of that size.
const bigX = new Matrix(
  4000,
  784,
  Float32Array.from({ length: 4000 * 784 }, (_, i) => Math.cos(i * 0.01)),
);
const bigY = Int32Array.from({ length: 4000 }, (_, i) => i % 3);
const wide = new Sequential([
  new Dense(64, { inputDim: 784, activation: 'relu' }),
  new Dense(3, { activation: 'softmax' }),
]);
wide.compile({ loss: 'categorical_crossentropy', optimizer: 'adam' });
await track(
  `predictAsync + evaluate of 4000 x 784 (12.5 MB), ${quick ? 100 : 400} calls each`,
  quick ? 100 : 400,
  async () => {
    await wide.predictAsync(bigX);
    await wide.evaluate(bigX, bigY, { batchSize: 256 });
  },
);
