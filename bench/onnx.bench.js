// W4 inference, myelin against onnxruntime-node on the same network (issue 15): a 784-256-128-10 MLP
// (relu, relu, softmax) exported by myelin's ONNX exporter, both loading those same bytes, in this
// process. Batched predict of 10,000 rows in batches of 1024 at 1 and 2 threads (onnxruntime's intra-op
// threads set to match), and single-row predict latency p50/p99 at 1 and 2 threads. Rounds alternate between the
// two so drifting load hits both alike; each figure is the median over rounds, with the spread of the per-round ratio.
// Run: npx tsc -p tsconfig.json && node bench/onnx.bench.js [--quick]
import { execFileSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { Dense, Matrix, Sequential, loadModel, setNumThreads, setSeed } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const ROWS = 10_000;
const BATCH = 1024;
const ROUNDS = quick ? 3 : 9;
const SINGLE = quick ? 500 : 3000;

function cpuName() {
  try {
    return (
      execFileSync('lscpu', { encoding: 'utf8' })
        .match(/^Model name:\s*(.+)$/m)?.[1]
        ?.trim() ?? 'unknown CPU'
    );
  } catch {
    return 'unknown CPU (lscpu unavailable)';
  }
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const quantile = (v, q) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(q * v.length))];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

setSeed(1);
const built = new Sequential([
  new Dense(256, { inputDim: 784, activation: 'relu' }),
  new Dense(128, { activation: 'relu' }),
  new Dense(10, { activation: 'softmax' }),
]);
const onnx = built.toBuffer({ format: 'onnx' });
// Both run the same file: myelin reads the ONNX bytes onnxruntime gets.
const model = await loadModel(onnx);
const x = new Matrix(ROWS, 784);
for (let i = 0; i < x.data.length; i++) x.data[i] = ((i * 2654435761) % 1000) / 1000;
const batches = [];
for (let r = 0; r < ROWS; r += BATCH) {
  const n = Math.min(BATCH, ROWS - r);
  const data = x.data.subarray(r * 784, (r + n) * 784);
  batches.push({ matrix: new Matrix(n, 784, data), tensor: new ort.Tensor('float32', data, [n, 784]) });
}

async function session(threads) {
  return ort.InferenceSession.create(onnx, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}

const idle = () => new Promise((resolve) => setTimeout(resolve, 50));
// After a pause these VMs run slower for 10-20 ms (a 1024-row predict: 3.0-3.4 ms for the first ten calls, against
// 2.5 ms back to back; at 2 threads 2.7 falling to 1.6, against 1.36): each side first runs its own calls for
// 30 ms, untimed, so rounds read the steady state for both.
const warm = async (call) => {
  const end = performance.now() + 30;
  while (performance.now() < end) await call();
};

async function batched(threads) {
  setNumThreads(threads);
  const s = await session(threads);
  // Same answers first (and a warm-up for both).
  const mine = model.predict(batches[0].matrix).data;
  const theirs = (await s.run({ x: batches[0].tensor })).y.data;
  let diff = 0;
  for (let i = 0; i < mine.length; i++) diff = Math.max(diff, Math.abs(mine[i] - theirs[i]));
  const m = [];
  const o = [];
  for (let round = 0; round < ROUNDS; round++) {
    // A pause before each side: onnxruntime's pool threads spin for a while after a run, and would
    // otherwise take the cores from the next myelin round (2-thread rounds then read as no scaling).
    await idle();
    await warm(() => model.predict(batches[0].matrix));
    let t0 = performance.now();
    for (const b of batches) model.predict(b.matrix);
    m.push(ROWS / ((performance.now() - t0) / 1000));
    await idle();
    await warm(() => s.run({ x: batches[0].tensor }));
    t0 = performance.now();
    for (const b of batches) await s.run({ x: b.tensor });
    o.push(ROWS / ((performance.now() - t0) / 1000));
  }
  await s.release();
  const ratios = m.map((v, i) => v / o[i]);
  console.log(
    `W4 batched predict, ${threads} thread(s): myelin ${fmt(median(m))} rows/s, ` +
      `onnxruntime ${fmt(median(o))} rows/s, ratio ${median(ratios).toFixed(2)}x ` +
      `(rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}), ` +
      `max |diff| ${diff.toExponential(1)}`,
  );
}

// At 2 threads myelin splits the first layer's 800 KB of weights between the cores (each keeps its half in its
// L2); onnxruntime gets as many intra-op threads.
async function singleRow(threads) {
  setNumThreads(threads);
  const s = await session(threads);
  const row = new Matrix(1, 784, x.data.slice(0, 784));
  const tensor = new ort.Tensor('float32', row.data, [1, 784]);
  const m = [];
  const o = [];
  for (let i = 0; i < 200; i++) {
    model.predict(row);
    await s.run({ x: tensor });
  }
  // Blocks of 500 calls: a block's first call finds the other library's weights in the caches, and in blocks
  // of 100 those calls were 1 % of the samples, where p99 reads.
  for (let block = 0; block < SINGLE / 500; block++) {
    await idle(); // onnxruntime's spinning threads off the cores (2 threads)
    await warm(() => model.predict(row));
    for (let i = 0; i < 500; i++) {
      const t0 = process.hrtime.bigint();
      model.predict(row);
      m.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    await idle();
    await warm(() => s.run({ x: tensor }));
    for (let i = 0; i < 500; i++) {
      const t0 = process.hrtime.bigint();
      await s.run({ x: tensor });
      o.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }
  await s.release();
  const [m50, m99, o50, o99] = [quantile(m, 0.5), quantile(m, 0.99), quantile(o, 0.5), quantile(o, 0.99)];
  console.log(
    `W4 single-row predict, ${threads} thread(s): myelin p50 ${m50.toFixed(1)} us / p99 ${m99.toFixed(1)} us, ` +
      `onnxruntime p50 ${o50.toFixed(1)} us / p99 ${o99.toFixed(1)} us ` +
      `(ratios ${(m50 / o50).toFixed(2)}x / ${(m99 / o99).toFixed(2)}x)`,
  );
}

console.log(`CPU: ${cpuName()}; onnxruntime-node ${ort.env.versions?.common ?? ''}; ${ROUNDS} interleaved rounds`);
await batched(1);
await batched(2);
await singleRow(1);
await singleRow(2);
