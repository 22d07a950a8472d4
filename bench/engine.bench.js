// Internal engine bench: W1 (the course perceptron, 1500 full-batch epochs in one fit call) wall
// time, and W3 (784-256-128-10 MLP, batch 128) training samples/s at 1 and 2 threads, interleaved, on synthetic
// data of the W3 shape. Best and median of several runs: the machine is shared, so medians drift.
// Run: npx tsc -p tsconfig.json && node bench/engine.bench.js [--quick]
import { Adam, Adamax, AdamW, CosineDecay, Nadam, SGD } from '../dist/index.js';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { native } from '../dist/native.js';

const quick = process.argv.includes('--quick');
const dense = (inputDim, units, activation) => ({
  kind: 'dense',
  inputDim,
  units,
  activation,
  useBias: true,
  l1: 0,
  l2: 0,
});
// The engine's optimizer spec as the library writes it (SGD.toSpec), not a copy of its fields.
const sgd = (learningRate, momentum) => new SGD(learningRate, momentum).toSpec();
/** The rows copied for native fit once, as model.fit does (lib/model/fit-data.ts). */
function held(net, train) {
  const d = new native.FitData(net, { train, val: null });
  while (!d.copy(1 << 30));
  return d;
}

function uniform(n, seed, lo, hi) {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return out;
}

async function w1() {
  const n = 250;
  const raw = uniform(2 * n, 1, 0, 100);
  const x = new Float32Array(2 * n),
    y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = raw[2 * i] + raw[2 * i + 1] >= 100 ? 1 : 0;
    x[2 * i] = (raw[2 * i] - 50) / 28.87;
    x[2 * i + 1] = (raw[2 * i + 1] - 50) / 28.87;
  }
  const net = new native.Network([dense(2, 1, 2)]);
  const init = [Float32Array.from([0.3, -0.7]), new Float32Array(1)];
  let best = Infinity,
    acc = 0;
  for (let rep = 0; rep < (quick ? 5 : 20); rep++) {
    net.compile({ loss: 2, metrics: [0], optimizer: sgd(0.1, 0.9) });
    net.setWeights(init);
    const t0 = performance.now();
    const r = await net.fit({
      data: held(net, { x, rows: n, y, sampleWeight: null }),
      epochs: 1500,
      initialEpoch: 0,
      batchSize: n,
      shuffle: true,
      seed: 1,
    });
    best = Math.min(best, performance.now() - t0);
    acc = r.logs[r.logs.length - 1];
  }
  console.log(
    `W1 perceptron 250x2->1, 1500 epochs in one fit: best ${best.toFixed(2)} ms (${((best * 1000) / 1500).toFixed(2)} us/epoch), final train accuracy ${acc.toFixed(3)}`,
  );
}

// CPU ticks (Linux: USER_HZ, 100 a second) used so far by every other process (null elsewhere): on a 2-core machine shared with
// another job, 2-thread figures fall below par, which this tells from a regression.
const ticks = () => {
  try {
    const all = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const own = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return all[0] + all[1] + all[2] + all[5] + all[6] + all[7] - (Number(own[11]) + Number(own[12]));
  } catch {
    return null;
  }
};
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];

/** W3 training at each thread count of `counts`, interleaved (one fit per count per round). */
async function w3(counts, optimizer = sgd(0.05, 0.9), label = '') {
  const rows = quick ? 12_800 : 60_000;
  const x = uniform(rows * 784, 7, 0, 1);
  const labels = new Uint8Array(rows).map((_, i) => (i * 7) % 10);
  const y = new Float32Array(rows * 10);
  labels.forEach((c, i) => {
    y[i * 10 + c] = 1;
  });
  const net = new native.Network([dense(784, 256, 1), dense(256, 128, 1), dense(128, 10, 4)]);
  net.compile({ loss: 3, metrics: [1], optimizer });
  const w = net.getWeights().map((a, i) => (i % 2 ? a : uniform(a.length, 3 + i, -0.05, 0.05)));
  net.setWeights(w);
  const data = held(net, { x, rows, y, sampleWeight: null });
  // warm-up: page in the data, start the pool
  native.setNumThreads(Math.max(...counts));
  await net.fit({
    data: held(net, { x: x.subarray(0, 1280 * 784), rows: 1280, y: y.subarray(0, 12800), sampleWeight: null }),
    epochs: 1,
    initialEpoch: 0,
    batchSize: 128,
    shuffle: true,
    seed: 1,
  });
  const rates = counts.map(() => []);
  let others = 0,
    seconds = 0;
  for (let rep = 0; rep < (quick ? 3 : counts.length > 1 ? 5 : 3); rep++)
    for (const [i, threads] of counts.entries()) {
      native.setNumThreads(threads);
      const t0 = performance.now(),
        c0 = ticks();
      await net.fit({ data, epochs: 1, initialEpoch: rep, batchSize: 128, shuffle: true, seed: 1 });
      const s = (performance.now() - t0) / 1000;
      rates[i].push(rows / s);
      if (c0 !== null && i === counts.length - 1) {
        others += ticks() - c0;
        seconds += s;
      }
    }
  const k = (v) => Math.round(v).toLocaleString('en-US');
  const each = counts.map((t, i) => `${t} thread(s): best ${k(Math.max(...rates[i]))}, median ${k(median(rates[i]))}`);
  let line = `W3 784-256-128-10 batch 128${label}, samples/s, ${each.join('; ')}`;
  if (counts.length === 2)
    line += `; ${counts[1]}T/${counts[0]}T per round, median ${median(rates[1].map((r, j) => r / rates[0][j])).toFixed(2)}x`;
  if (ticks() !== null)
    line += ` (other processes during the ${counts.at(-1)}-thread fits: ${Math.max(0, Math.round(others / seconds))} % of a core)`;
  console.log(line);
}

/**
 * Round trip of a cache line between two spinning threads (Atomics on shared memory), best of 3 runs, in ns. A VM's
 * two vCPUs may sit on cores far apart on the host (another die: no shared L3): every step, what one core wrote
 * (a layer's outputs, its gradient) the other reads next, so 2-thread training scales less there.
 */
async function roundTrip() {
  const calls = 50_000;
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const flag = new Int32Array(new SharedArrayBuffer(64));
    const w = new Worker(
      `const { workerData: { flag, calls } } = require('node:worker_threads');
       for (let i = 0; i < calls; i++) { while (Atomics.load(flag, 0) !== 2 * i + 1); Atomics.store(flag, 0, 2 * i + 2); }`,
      { eval: true, workerData: { flag, calls } },
    );
    await new Promise((resolve) => w.once('online', resolve));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) {
      Atomics.store(flag, 0, 2 * i + 1);
      while (Atomics.load(flag, 0) !== 2 * i + 2);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / calls);
    await w.terminate();
  }
  return best;
}

/**
 * What a core pays to write lines the other core has read (their copies there must be invalidated first): a worker
 * overwrites 400 KB this thread has just read, against 400 KB only it touches; medians of 200 rounds, in us. Every
 * buffer one thread writes each training step and another reads costs this (docs/contributing.md).
 */
async function crossWrite() {
  const floats = 102_400;
  const rounds = 200;
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const shared = new Float32Array(new SharedArrayBuffer(floats * 4));
  const times = new Float64Array(new SharedArrayBuffer(rounds * 16));
  const w = new Worker(
    `const { workerData: { flag, shared, times, rounds } } = require('node:worker_threads');
     const own = new Float32Array(shared.length);
     for (let r = 0; r < rounds; r++) {
       while (Atomics.load(flag, 0) !== 2 * r + 1);
       let t0 = process.hrtime.bigint(); shared.fill(r); times[2 * r] = Number(process.hrtime.bigint() - t0) / 1000;
       t0 = process.hrtime.bigint(); own.fill(r); times[2 * r + 1] = Number(process.hrtime.bigint() - t0) / 1000;
       Atomics.store(flag, 0, 2 * r + 2);
     }`,
    { eval: true, workerData: { flag, shared, times, rounds } },
  );
  await new Promise((resolve) => w.once('online', resolve));
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < floats; i += 16) sink += shared[i]; // one read a line
    Atomics.store(flag, 0, 2 * r + 1);
    while (Atomics.load(flag, 0) !== 2 * r + 2);
  }
  await w.terminate();
  const med = (k) => Array.from({ length: rounds }, (_, r) => times[2 * r + k]).sort((a, b) => a - b)[rounds >> 1];
  return { shared: med(0), own: med(1), sink };
}
console.log(`isa ${native.backendInfo().isa}, ${native.backendInfo().threads} threads available`);
await w1();
console.log(`core-to-core round trip (two spinning threads): ${(await roundTrip()).toFixed(0)} ns`);
const cw = await crossWrite();
console.log(
  `writing 400 KB the other core has just read: ${cw.shared.toFixed(1)} us (400 KB of its own: ${cw.own.toFixed(1)} us)`,
);
await w3([1, 2]);
// The optimizer step's share: the same network with each update rule (SGD momentum above is the fused
// GEMM path; these run the per-array update after the weight-gradient GEMM).
const cosine = new CosineDecay({
  initialLearningRate: 0.05,
  decaySteps: 2000,
  alpha: 0.1,
  warmupTarget: 0.1,
  warmupSteps: 100,
});
for (const [label, opt] of [
  ['SGD momentum + CosineDecay with warmup', new SGD(cosine, 0.9).toSpec()],
  ['SGD momentum + globalClipNorm 1', new SGD({ learningRate: 0.05, momentum: 0.9, globalClipnorm: 1 }).toSpec()],
  ['Adam', new Adam(0.001).toSpec()],
  ['AdamW (weightDecay 0.004)', new AdamW(0.001).toSpec()],
  ['Nadam', new Nadam(0.001).toSpec()],
  ['Adamax', new Adamax(0.001).toSpec()],
])
  await w3([native.backendInfo().threads], opt, `, ${label}`);
