// A Network inside a worker thread that is terminated mid-fit: the environment's teardown frees the
// JS object while the training thread still runs; the process must survive and the fit must stop.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { native, packageRoot } from '../lib/native.js';
import { compileSpec, data, dense, sgd, fitArgs } from './helpers/engine.js';

const workerCode = `
const { parentPort, workerData } = require('node:worker_threads');
const native = require(workerData.nodeGypBuild)(workerData.root);
const d = (i, u, a) => ({ kind: 'dense', inputDim: i, units: u, activation: a, useBias: true, l1: 0, l2: 0 });
const net = new native.Network([d(32, 256, 1), d(256, 1, 2)]);
net.compile({ loss: 2, metrics: [], optimizer: { kind: 0, learningRate: 0.01, momentum: 0.9 } });
const rows = 4096;
const x = new Float32Array(rows * 32).map((_, i) => Math.sin(i));
const y = new Float32Array(rows).map((_, i) => i % 2);
let told = false;
const data = new native.FitData(net, { train: { x, rows, y, sampleWeight: null }, val: null });
data.copy(rows * 33 * 4);
net.fit({ data, epochs: 1e6, initialEpoch: 0, batchSize: 32, shuffle: true,
  seed: 1, progressMs: 0, onProgress: () => { if (!told) { told = true; parentPort.postMessage('training'); } } });
`;

describe('lifecycle', () => {
  it('terminating a worker thread during fit neither crashes nor leaves training running', async () => {
    const w = new Worker(workerCode, {
      eval: true,
      workerData: { root: packageRoot, nodeGypBuild: require.resolve('node-gyp-build') },
    });
    await new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    });
    const code = await w.terminate();
    expect(code).toBe(1);
    // The training thread stopped at its next batch: the main thread's own work still gets the CPU and
    // a fit here (which needs a free libuv thread) completes.
    const net = new native.Network([dense(2, 1, 2)]);
    net.compile(compileSpec(2, sgd(0.1)));
    const r = await net.fit(
      fitArgs(net, {
        train: data(Float32Array.from([0, 1, 1, 0]), 2, Float32Array.from([1, 0])),
        val: null,
        epochs: 3,
        initialEpoch: 0,
        batchSize: 2,
        shuffle: false,
        seed: 0,
      }),
    );
    expect(r.epochsRun).toBe(3);
  });
});
