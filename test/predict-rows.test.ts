// Inference's packed weights: a few rows (the row kernel on the packed kernels) give the bits the same rows
// give in a large batch (GEMM on the same packed panels) for every GEMM config and thread count, and the
// packed copy follows every change of the weights (setWeights, fit's epochs).
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../lib/native.js';
import {
  compileSpec,
  data,
  dense,
  randomMatrix,
  randomWeights,
  sameBits,
  sgd,
  fitArgs,
  heldInputs,
} from './helpers/engine.js';

const { Network } = native;
const [RELU, TANH, SOFTMAX, GELU] = [1, 3, 4, 7];
afterAll(() => {
  native._testing.forceGemmConfig(null);
  native.setNumThreads(1);
});

// 600 inputs: several k blocks for every config; 250 and 40 units: a partial last panel, and 600 x 250 is large
// enough that a row's product is split over the threads (gemv_packed); gelu keeps its pre-activation; a
// 3-wide tanh layer (narrow: computed transposed in a batch); softmax.
function network(): InstanceType<typeof Network> {
  const net = new Network([dense(600, 250, RELU), dense(250, 40, GELU), dense(40, 3, TANH), dense(3, 5, SOFTMAX)]);
  net.setWeights(randomWeights(net, 7, 0.2));
  return net;
}

describe.each(native._testing.gemmConfigs().map((c) => c.config))('GEMM config %s', (name) => {
  it('1 to 5 rows predict the bits of the same rows in a 300-row batch, with 1 and 2 threads', () => {
    native._testing.forceGemmConfig(name);
    const net = network();
    const x = randomMatrix(300, 600, 8);
    const mismatches: string[] = [];
    for (const threads of [1, 2]) {
      native.setNumThreads(threads);
      const all = net.predict(x, 300);
      for (const rows of [1, 2, 3, 4, 5])
        for (const r0 of [0, 137, 295]) {
          // Twice: the second call finds the weights in the caches, and the pool's worker awake.
          for (let call = 0; call < 2; call++) {
            const few = net.predict(x.subarray(r0 * 600, (r0 + rows) * 600), rows);
            if (!sameBits([few], [all.subarray(r0 * 5, (r0 + rows) * 5)]))
              mismatches.push(`${threads} threads, rows ${r0}..${r0 + rows - 1}, call ${call}`);
          }
        }
    }
    native._testing.forceGemmConfig(null);
    expect(mismatches).toEqual([]);
  });
});

describe('packed inference weights', () => {
  // A fresh network with these weights: what predict must give.
  function fresh(weights: Float32Array[]): InstanceType<typeof Network> {
    const net = network();
    net.setWeights(weights);
    return net;
  }

  it('follow setWeights (single rows and batches)', () => {
    const net = network();
    const x = randomMatrix(300, 600, 9);
    const row = x.subarray(0, 600);
    const before = [net.predict(row, 1), net.predict(x, 300)];
    const w = randomWeights(net, 11, 0.3);
    net.setWeights(w);
    const after = [net.predict(row, 1), net.predict(x, 300)];
    expect(sameBits([after[0]!], [before[0]!])).toBe(false);
    const ref = fresh(w);
    expect(sameBits(after, [ref.predict(row, 1), ref.predict(x, 300)])).toBe(true);
  });

  it("follow fit's epochs", async () => {
    const net = network();
    net.compile(compileSpec(0, sgd(0.05)));
    const x = randomMatrix(64, 600, 12);
    const y = randomMatrix(64, 5, 13);
    const row = x.subarray(0, 600);
    const before = net.predict(row, 1);
    net.predict(x, 64);
    await net.fit(
      fitArgs(net, {
        train: data(x, 64, y),
        val: null,
        epochs: 1,
        initialEpoch: 0,
        batchSize: 16,
        shuffle: false,
        seed: 0,
      }),
    );
    const after = [net.predict(row, 1), net.predict(x, 64)];
    expect(sameBits([after[0]!], [before])).toBe(false);
    const ref = fresh(net.getWeights());
    expect(sameBits(after, [ref.predict(row, 1), ref.predict(x, 64)])).toBe(true);
  });

  it('checkFinite: the index of the first NaN/Infinity of x, whichever chunk or thread meets one first', async () => {
    const net = network();
    const x = randomMatrix(1024, 600, 14);
    const plain = net.predict(x, 1024);
    for (const threads of [1, 2]) {
      native.setNumThreads(threads);
      expect(sameBits([net.predict(x, 1024, true) as Float32Array], [plain])).toBe(true);
      const bad = x.slice();
      bad[900 * 600 + 3] = Number.POSITIVE_INFINITY; // the fourth chunk
      bad[600 * 600 + 17] = Number.NaN; // the third
      expect(net.predict(bad, 1024, true)).toBe(600 * 600 + 17);
      expect(await net.predictAsync(heldInputs(net, bad, 1024), true)).toBe(600 * 600 + 17);
      const row = bad.slice(600 * 600, 601 * 600);
      expect(net.predict(row, 1, true)).toBe(17); // a single row: the row kernel's path
      row[17] = 0;
      expect(net.predict(row, 1, true)).toBeInstanceOf(Float32Array);
    }
  });

  // The check is fused into the first layer's GEMM (a non-finite input makes its whole row of x·W + b
  // non-finite), judged before the activation; a flag is confirmed on x.
  it('checkFinite: -Infinity that relu would hide is found; an overflow of finite inputs is no error', () => {
    const net = new Network([dense(600, 70, RELU), dense(70, 5, SOFTMAX)]);
    const w = randomWeights(net, 5, 0.2);
    w[0]!.fill(0.01); // every product of a -Infinity input is -Infinity: relu makes it 0
    net.setWeights(w);
    const x = randomMatrix(700, 600, 15);
    for (const threads of [1, 2]) {
      native.setNumThreads(threads);
      const bad = x.slice();
      bad[650 * 600 + 599] = Number.NEGATIVE_INFINITY;
      expect(net.predict(bad, 700, true)).toBe(650 * 600 + 599);
      const huge = x.slice();
      huge.fill(3e38, 300 * 600, 301 * 600); // finite, but x·W overflows to Infinity: a prediction, not an error
      const out = net.predict(huge, 700, true) as Float32Array;
      expect(out).toBeInstanceOf(Float32Array);
      expect(Array.from(out.subarray(301 * 5, 302 * 5))).toEqual(
        Array.from(net.predict(x, 700).subarray(301 * 5, 302 * 5)),
      );
      // A single row (the row kernel's path, which checks x · W + b after the product) judges the same.
      expect(net.predict(bad.slice(650 * 600, 651 * 600), 1, true)).toBe(599);
      const hugeRow = net.predict(huge.slice(300 * 600, 301 * 600), 1, true) as Float32Array;
      expect(Array.from(hugeRow)).toEqual(Array.from(out.subarray(300 * 5, 301 * 5)));
    }
  });
});
