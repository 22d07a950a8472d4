// The Network binding: construction, weights and state round trips, memory ownership, and bad
// arguments rejected with a TypeError or RangeError that names the argument.
import { describe, expect, it } from 'vitest';
import { native } from '../lib/native.js';
import { compileSpec, data, dense, dropout, randomWeights, sgd, fitArgs, held } from './helpers/engine.js';

const { Network } = native;

describe('Network', () => {
  it('counts parameters like Keras and orders weights kernel, bias per Dense layer', () => {
    const net = new Network([dense(3, 4, 1), dropout(4, 0.5), dense(4, 2, 4, { useBias: false })]);
    expect(net.paramCount).toBe(3 * 4 + 4 + 4 * 2);
    expect(net.getWeights().map((w) => w.length)).toEqual([12, 4, 8]);
    expect(net.training).toBe(false);
  });

  it('setWeights/getWeights copy both ways', () => {
    const net = new Network([dense(2, 3, 0)]);
    const w = randomWeights(net, 1);
    net.setWeights(w);
    const got = net.getWeights();
    expect(got.map((a) => Array.from(a))).toEqual(w.map((a) => Array.from(a)));
    w[0]![0] = 42;
    got[1]![0] = 42;
    expect(net.getWeights()[0]![0]).not.toBe(42);
    expect(net.getWeights()[1]![0]).not.toBe(42);
  });

  it('predicts a hand-computed dense layer, single rows included', () => {
    const net = new Network([dense(2, 2, 1)]);
    net.setWeights([Float32Array.from([1, -1, 2, 0.5]), Float32Array.from([0.5, -3])]);
    // relu([1,2]·K + b) = relu([1+4+0.5, -1+1-3]) = [5.5, 0]
    expect(Array.from(net.predict(Float32Array.from([1, 2]), 1))).toEqual([5.5, 0]);
    expect(Array.from(net.predict(Float32Array.from([1, 2, 0, 0]), 2))).toEqual([5.5, 0, 0.5, 0]);
    expect(net.predict(new Float32Array(0), 0).length).toBe(0);
    // Into a given array (single-row predict reuses one): the same values, that array returned.
    const out = new Float32Array(4).fill(7);
    expect(net.predict(Float32Array.from([1, 2, 0, 0]), 2, false, out)).toBe(out);
    expect(Array.from(out)).toEqual([5.5, 0, 0.5, 0]);
    const x = Float32Array.from([1, 2, 3, 4]);
    expect(() => net.predict(x, 2, false, new Float32Array(3))).toThrow(
      /out has 3 elements but 2 rows x 2 outputs need 4/,
    );
    expect(() => net.predict(x.subarray(0, 2), 1, false, x.subarray(1, 3))).toThrow(/out must not share memory with x/);
    expect(() => net.predict(x, 2, false, [0, 0, 0, 0] as never)).toThrow(/out must be a Float32Array/);
  });

  it('a single row predicts what the same row gives in a large batch (row kernel vs GEMM)', () => {
    const net = new Network([dense(50, 70, 3), dense(70, 4, 4)]);
    net.setWeights(randomWeights(net, 5, 0.3));
    const x = Float32Array.from({ length: 50 * 300 }, (_, i) => Math.sin(i));
    const all = net.predict(x, 300);
    for (const r of [0, 137, 299]) {
      const one = net.predict(x.subarray(r * 50, (r + 1) * 50), 1);
      one.forEach((v, j) => expect(v).toBeCloseTo(all[r * 4 + j]!, 6));
    }
  });

  it('optimizer state round-trips and compile resets it (Adagrad starts at its initial accumulator)', async () => {
    const net = new Network([dense(2, 1, 2)]);
    net.compile(compileSpec(2, { ...sgd(0.1), kind: 3, initialAccumulator: 0.25 }));
    const s0 = net.getOptimizerState();
    expect(s0.iterations).toBe(0);
    expect(s0.slots.map((a) => Array.from(a))).toEqual([[0.25, 0.25], [0.25]]);
    await net.fit(
      fitArgs(net, {
        train: data(Float32Array.from([1, 2, 3, 4]), 2, Float32Array.from([0, 1])),
        val: null,
        epochs: 2,
        initialEpoch: 0,
        batchSize: 1,
        shuffle: false,
        seed: 0,
      }),
    );
    const s1 = net.getOptimizerState();
    expect(s1.iterations).toBe(4);
    expect(s1.slots[0]![0]).toBeGreaterThan(0.25);
    net.compile(compileSpec(2, { ...sgd(0.1), kind: 3 }));
    expect(net.getOptimizerState().iterations).toBe(0);
    net.setOptimizerState(s1);
    expect(net.getOptimizerState().slots.map((a) => Array.from(a))).toEqual(s1.slots.map((a) => Array.from(a)));
    expect(net.getOptimizerState().iterations).toBe(4);
    net.compile(compileSpec(0, sgd(0.1)));
    expect(net.getOptimizerState().slots.length).toBe(0); // plain SGD keeps no state
  });

  it('is freed by the GC without dispose()', async () => {
    // 50 networks of ~28 MB each (parameters, snapshot, gradients, Adam state): 1.4 GB if never freed.
    // Finalizers run when the event loop turns, hence the setImmediate.
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setImmediate(r));
      new Network([dense(1000, 1000, 1)]).compile(compileSpec(0, { ...sgd(0.1), kind: 1 }));
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(peak - rss0).toBeLessThan(700e6);
  });
});

describe('bad arguments', () => {
  it('constructor', () => {
    expect(() => new Network([])).toThrow(RangeError);
    expect(() => new Network('x' as never)).toThrow(/layers must be an array/);
    expect(() => new Network([dense(0, 2, 1)])).toThrow(/layers\[0\]\.inputDim must be an integer >= 1, got 0/);
    expect(() => new Network([dense(2, 2, 1), dense(3, 1, 1)])).toThrow(
      /layers\[1\]\.inputDim must equal the previous layer's units \(2\), got 3/,
    );
    expect(() => new Network([dense(2, 2, 12)])).toThrow(
      /layers\[0\]\.activation must be an activation id below 9, got 12/,
    );
    expect(() => new Network([dense(2, 2, 1), dropout(2, 1)])).toThrow(/layers\[1\]\.rate must be in \[0, 1\), got 1/);
    expect(() => new Network([{ kind: 'conv' } as never])).toThrow(TypeError);
    expect(() => new Network([dense(2, 2, 1, { units: 2.5 })])).toThrow(/layers\[0\]\.units must be an integer/);
    expect(() => new Network([dropout(2, 0.5)])).toThrow(/dense/);
  });

  it('compile', () => {
    const net = new Network([dense(2, 1, 2)]);
    expect(() => net.compile(compileSpec(99, sgd(0.1)))).toThrow(/spec\.loss must be a loss id below 13, got 99/);
    expect(() => net.compile(compileSpec(0, sgd(0.1, 0, { weightDecay: -1 })))).toThrow(
      /spec\.optimizer\.weightDecay must be >= 0/,
    );
    expect(() =>
      net.compile(compileSpec(0, sgd(0.1, 0, { schedule: { kind: 1, initial: 0.1, decaySteps: 0 } }))),
    ).toThrow(/spec\.optimizer\.schedule\.decaySteps must be > 0, got 0/);
    expect(() =>
      net.compile(compileSpec(0, sgd(0.1, 0, { schedule: { kind: 2, boundaries: [1], values: [1] } }))),
    ).toThrow(/spec\.optimizer\.schedule\.values must have one more element than boundaries/);
    expect(() => net.compile({ ...compileSpec(0, sgd(0.1)), labelSmoothing: 2 })).toThrow(
      /spec\.labelSmoothing must be in \[0, 1\], got 2/,
    );
    expect(() => net.compile(compileSpec(0, sgd(0)))).toThrow(/spec\.optimizer\.learningRate must be > 0, got 0/);
    expect(() => net.compile(compileSpec(0, sgd(0.1, 2)))).toThrow(/momentum must be in \[0, 1\]/);
    expect(() => net.compile(compileSpec(0, sgd(0.1), [99]))).toThrow(/spec\.metrics\[0\]/);
    expect(() => net.compile({ loss: 0, metrics: [], optimizer: null } as never)).toThrow(TypeError);
    expect(() => net.setLearningRate(-1)).toThrow(RangeError);
  });

  it('weights, predict, fit, evaluate', async () => {
    const net = new Network([dense(2, 3, 1), dense(3, 2, 4)]);
    expect(() => net.setWeights([new Float32Array(6)])).toThrow(/weights has 1 arrays but this network needs 4/);
    expect(() =>
      net.setWeights([new Float32Array(6), new Float32Array(3), new Float32Array(5), new Float32Array(2)]),
    ).toThrow(/weights\[2\] has 5 elements but needs 6/);
    expect(() =>
      net.setWeights([new Float64Array(6) as never, new Float32Array(3), new Float32Array(6), new Float32Array(2)]),
    ).toThrow(TypeError);
    expect(() => net.predict(new Float32Array(3), 2)).toThrow(/x has 3 elements but 2 rows x 2 inputs need 4/);
    expect(() => net.predict([1, 2] as never, 1)).toThrow(/x must be a Float32Array/);
    expect(() => net.predict(new Float32Array(2), -1)).toThrow(RangeError);
    const train = data(new Float32Array(4), 2, new Float32Array(4));
    expect(() => new native.FitData(net, { train, val: null })).toThrow(/FitData before compile\(\)/);
    await expect(
      net.fit({ data: {} as never, epochs: 1, initialEpoch: 0, batchSize: 1, shuffle: true, seed: 0 }),
    ).rejects.toThrow(/compile/);
    net.compile(compileSpec(3, sgd(0.1)));
    // One epoch of batch 1 on `train` unless a case says otherwise.
    const fitOn = (over: Partial<Parameters<typeof fitArgs>[1]>) =>
      net.fit(
        fitArgs(net, { train, val: null, epochs: 1, initialEpoch: 0, batchSize: 1, shuffle: true, seed: 0, ...over }),
      );
    expect(() => fitOn({ train: data(new Float32Array(4), 2, new Float32Array(3)) })).toThrow(
      /data\.train\.y has 3 elements but 2 rows x 2 outputs need 4/,
    );
    expect(() => fitOn({ batchSize: 0 })).toThrow(/args\.batchSize must be an integer >= 1, got 0/);
    expect(() => fitOn({ val: { ...train, x: new Float32Array(1) } })).toThrow(/data\.val\.x/);
    expect(() => fitOn({ train: { ...train, sampleWeight: new Float32Array(5) } })).toThrow(
      /data\.train\.sampleWeight has 5 elements but needs one per row \(2\)/,
    );
    expect(() => fitOn({ train: { ...train, rows: 0 } })).toThrow(/data\.train\.rows/);
    expect(() => fitOn({ onProgress: 3 as never })).toThrow(/onProgress/);
    net.compile(compileSpec(4, sgd(0.1)));
    expect(() => net.gradients(data(new Float32Array(4), 2, Int32Array.from([0, 2])))).toThrow(
      /data\.y\[1\] must be a class index in \[0, 2\), got 2/,
    );
    expect(() => net.evaluate(held(net, { train: data(new Float32Array(4), 2, Int32Array.from([0, 1])) }), 0)).toThrow(
      /batchSize/,
    );
  });
});
