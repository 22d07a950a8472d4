import { describe, expect, it } from 'vitest';
import {
  DeepExplainer,
  Matrix,
  StandardScaler,
  exactShapleyValues,
  setNumThreads,
  type DenseLayerInput,
} from '../lib/index.js';
import { forward64, outputs64, randomMatrix, randomNet, seeded } from './helpers/explain-nets.js';

// A float64 transcription of SHAP's deep_tf.py rules, one (row, reference, output) at a time:
// MatMul/BiasAdd take the gradient; Relu/Sigmoid/Tanh/... the rescale rule with the gradient
// where |Δz| < 1e-6 (taken at the reference); Softmax decomposed into z - max z, Exp (rescale),
// Sum, and RealDiv with the two-input Shapley split, mapped back by Δ(z - max z)/Δz.
function deepShapReference(net: DenseLayerInput[], x: Matrix, bg: Matrix): number[][][] {
  const K = (net.at(-1)!.kernel as Matrix).cols;
  const phi = Array.from({ length: K }, () => Array.from({ length: x.rows }, () => new Array<number>(x.cols).fill(0)));
  const grad: Record<string, (z: number, a: number) => number> = {
    relu: (z) => (z > 0 ? 1 : 0),
    sigmoid: (_z, a) => a * (1 - a),
    tanh: (_z, a) => 1 - a * a,
    linear: () => 1,
  };
  for (let i = 0; i < x.rows; i++) {
    const fx = forward64(net, x.row(i));
    for (let b = 0; b < bg.rows; b++) {
      const fr = forward64(net, bg.row(b));
      for (let k = 0; k < K; k++) {
        let g = fx.a.at(-1)!.map((_, j) => (j === k ? 1 : 0));
        for (let l = net.length - 1; l >= 0; l--) {
          const zx = fx.z[l]!,
            zr = fr.z[l]!,
            ax = fx.a[l]!,
            ar = fr.a[l]!;
          const act = (net[l]!.activation as string) ?? 'linear';
          if (act === 'softmax') {
            const mx = Math.max(...zx),
              mr = Math.max(...zr);
            const ex = zx.map((v) => Math.exp(v - mx)),
              er = zr.map((v) => Math.exp(v - mr));
            const S = ex.reduce((p, q) => p + q, 0),
              Sr = er.reduce((p, q) => p + q, 0);
            const div = (p: number, q: number) => p / q;
            // RealDiv: numerator and denominator multipliers by the two-input Shapley split
            const mNum = ex.map((e, j) =>
              Math.abs(e - er[j]!) < 1e-7
                ? 0
                : (g[j]! * 0.5 * (div(e, S) - div(er[j]!, S) + div(e, Sr) - div(er[j]!, Sr))) / (e - er[j]!),
            );
            const mDen =
              Math.abs(S - Sr) < 1e-7
                ? 0
                : ex.reduce(
                    (acc, e, j) =>
                      acc + (g[j]! * 0.5 * (div(e, S) - div(e, Sr) + div(er[j]!, S) - div(er[j]!, Sr))) / (S - Sr),
                    0,
                  );
            g = zx.map((_, j) => {
              const mE = mNum[j]! + mDen; // Sum passes the denominator's multiplier to each exp
              const dzc = zx[j]! - mx - (zr[j]! - mr);
              const mZc = Math.abs(dzc) < 1e-6 ? mE * er[j]! : (mE * (ex[j]! - er[j]!)) / dzc;
              const dz = zx[j]! - zr[j]!;
              return Math.abs(dz) < 1e-6 ? mZc : (mZc * dzc) / dz;
            });
          } else {
            g = g.map((v, j) => {
              const dz = zx[j]! - zr[j]!;
              return v * (Math.abs(dz) < 1e-6 ? grad[act]!(zr[j]!, ar[j]!) : (ax[j]! - ar[j]!) / dz);
            });
          }
          const kern = net[l]!.kernel as Matrix;
          g = Array.from({ length: kern.rows }, (_, j) => {
            let s = 0;
            for (let u = 0; u < kern.cols; u++) s += kern.get(j, u) * g[u]!;
            return s;
          });
        }
        for (let j = 0; j < x.cols; j++) phi[k]![i]![j] += (g[j]! * (x.get(i, j) - bg.get(b, j))) / bg.rows;
      }
    }
  }
  return phi;
}

function expectLocalAccuracy(e: DeepExplainer, phi: Matrix[], out: number[][]): void {
  let worst = 0;
  for (let k = 0; k < phi.length; k++) {
    for (let i = 0; i < phi[k]!.rows; i++) {
      let s = e.expectedValue[k]!;
      for (let j = 0; j < phi[k]!.cols; j++) s += phi[k]!.get(i, j);
      worst = Math.max(worst, Math.abs(s - out[i]![k]!));
    }
  }
  expect(worst).toBeLessThan(1e-4);
}

describe('DeepExplainer', () => {
  it.each([['shapley'], ['shift-invariant'], ['shap']] as const)(
    'satisfies local accuracy on every row for a relu/tanh/softmax network (%s softmax rule)',
    (rule) => {
      const net = randomNet([12, 32, 16, 4], ['relu', 'tanh', 'softmax'], 1);
      const r = seeded(2);
      const bg = randomMatrix(40, 12, r, 2);
      const x = randomMatrix(25, 12, r, 2);
      const e = new DeepExplainer(net, bg, { softmaxRule: rule });
      const phi = e.shapValues(x);
      expect(phi).toHaveLength(4);
      expect(phi[0]!.shape).toEqual([25, 12]);
      const bgOut = outputs64(net, bg);
      e.expectedValue.forEach((v, k) => expect(v).toBeCloseTo(bgOut.reduce((s, o) => s + o[k]!, 0) / bg.rows, 5));
      expectLocalAccuracy(e, phi, outputs64(net, x));
    },
  );

  it.each([['sigmoid'], ['leaky_relu'], ['elu'], ['gelu'], ['swish'], ['linear']])(
    'keeps local accuracy through %s',
    (act) => {
      const net = randomNet([6, 10, 2], [act, 'sigmoid'], 3);
      const r = seeded(4);
      const bg = randomMatrix(15, 6, r, 2);
      const x = randomMatrix(9, 6, r, 2);
      const e = new DeepExplainer(net, bg);
      const phi = e.shapValues(x);
      if (act !== 'gelu') expectLocalAccuracy(e, phi, outputs64(net, x));
      else {
        // no float64 gelu in the helpers: f(x_i) is the expected value over the background {x_i}
        for (let i = 0; i < x.rows; i++) {
          let s = e.expectedValue[0]!;
          for (let j = 0; j < 6; j++) s += phi[0]!.get(i, j);
          const single = new DeepExplainer(net, x.sliceRows(i, i + 1)).expectedValue[0]!;
          expect(Math.abs(s - single)).toBeLessThan(1e-4);
        }
      }
    },
  );

  it("matches a float64 transcription of SHAP's deep_tf rules, softmax included", () => {
    const net = randomNet([5, 7, 6, 3], ['relu', 'sigmoid', 'softmax'], 5);
    const r = seeded(6);
    const bg = randomMatrix(8, 5, r, 1.5);
    const x = randomMatrix(6, 5, r, 1.5);
    const phi = new DeepExplainer(net, bg, { softmaxRule: 'shap' }).shapValues(x);
    const ref = deepShapReference(net, x, bg);
    for (let k = 0; k < 3; k++)
      for (let i = 0; i < 6; i++) for (let j = 0; j < 5; j++) expect(phi[k]!.get(i, j)).toBeCloseTo(ref[k]![i]![j]!, 5);
  });

  it("with the 'shapley' rule, gives a softmax of its inputs their exact Shapley values", () => {
    // logits = inputs: one reference row makes DeepSHAP's softmax rule the whole computation
    const eye = new Matrix(
      4,
      4,
      Float32Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0)),
    );
    const net = [{ kernel: eye, activation: 'softmax' }];
    const r = seeded(16);
    const bg = randomMatrix(1, 4, r, 3);
    const x = randomMatrix(5, 4, r, 3);
    const phi = new DeepExplainer(net, bg).shapValues(x);
    const exact = exactShapleyValues(net, x, bg);
    for (let k = 0; k < 4; k++)
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 4; j++) expect(phi[k]!.get(i, j)).toBeCloseTo(exact[k]!.get(i, j), 5);
    // and every value is within the output's range, unlike SHAP's re-centered rule can be
    for (const m of phi) for (const v of m.data) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });

  it('keeps local accuracy for a softmax wider than the Shapley rule enumerates (14 classes)', () => {
    const net = randomNet([8, 16, 14], ['relu', 'softmax'], 17);
    const r = seeded(18);
    const x = randomMatrix(6, 8, r, 2);
    const e = new DeepExplainer(net, randomMatrix(9, 8, r, 2));
    expectLocalAccuracy(e, e.shapValues(x), outputs64(net, x));
  });

  it('gives a linear model w · (x − mean(background)) exactly', () => {
    const r = seeded(7);
    const w = randomMatrix(9, 2, r);
    const net = [{ kernel: w, bias: Float32Array.of(0.5, -1), activation: 'linear' }];
    const bg = randomMatrix(30, 9, r, 3);
    const x = randomMatrix(10, 9, r, 3);
    const phi = new DeepExplainer(net, bg).shapValues(x);
    for (let k = 0; k < 2; k++)
      for (let j = 0; j < 9; j++) {
        let mean = 0;
        for (let b = 0; b < bg.rows; b++) mean += bg.get(b, j) / bg.rows;
        for (let i = 0; i < x.rows; i++) expect(phi[k]!.get(i, j)).toBeCloseTo(w.get(j, k) * (x.get(i, j) - mean), 5);
      }
  });

  it('gives 0 to a feature the network never reads', () => {
    const net = randomNet([4, 8, 1], ['relu', 'sigmoid'], 8);
    const k0 = net[0]!.kernel as Matrix;
    for (let u = 0; u < 8; u++) k0.set(2, u, 0);
    const r = seeded(9);
    const phi = new DeepExplainer(net, randomMatrix(10, 4, r)).shapValues(randomMatrix(5, 4, r));
    for (let i = 0; i < 5; i++) expect(phi[0]!.get(i, 2)).toBe(0);
    expect(Math.abs(phi[0]!.get(0, 0)) + Math.abs(phi[0]!.get(0, 1))).toBeGreaterThan(1e-3);
  });

  it('reads a Sequential-like model, with Dropout as identity', () => {
    const net = randomNet([5, 6, 3], ['relu', 'softmax'], 10);
    const model = {
      layers: [
        { className: 'Dense', units: 6, inputDim: 5, activation: 'relu', useBias: true },
        { className: 'Dropout', rate: 0.5 },
        { className: 'Dense', units: 3, activation: 'softmax', useBias: true },
      ],
      getWeights: () => net.flatMap((l) => [l.kernel, l.bias]),
    };
    const r = seeded(11);
    const bg = randomMatrix(10, 5, r);
    const x = randomMatrix(4, 5, r);
    const a = new DeepExplainer(model, bg);
    const b = new DeepExplainer(net, bg);
    expect(a.expectedValue).toEqual(b.expectedValue);
    expect(a.shapValues(x).map((m) => m.toArray())).toEqual(b.shapValues(x).map((m) => m.toArray()));
  });

  it('explains raw rows of a model that standardizes its inputs, as the scaled rows of its layers', () => {
    const net = randomNet([3, 5, 2], ['tanh', 'softmax'], 19);
    const r = seeded(20);
    const raw = new Matrix(
      30,
      3,
      Float32Array.from({ length: 90 }, (_, i) => (r() - 0.5) * [100, 1, 0.01][i % 3]! + [50, 0, 3][i % 3]!),
    );
    const scaler = new StandardScaler().fit(raw);
    const model = {
      layers: [
        { className: 'Dense', units: 5, inputDim: 3, activation: 'tanh' },
        { className: 'Dense', units: 2, activation: 'softmax' },
      ],
      getWeights: () => net.flatMap((l) => [l.kernel, l.bias]),
      preprocessing: scaler,
    };
    const bg = raw.sliceRows(0, 10);
    const x = raw.sliceRows(10, 30);
    const a = new DeepExplainer(model, bg);
    const b = new DeepExplainer(net, scaler.transform(bg));
    expect(a.expectedValue).toEqual(b.expectedValue);
    expect(a.background).toBe(bg);
    expect(a.shapValues(x).map((m) => m.toArray())).toEqual(b.shapValues(scaler.transform(x)).map((m) => m.toArray()));
    expectLocalAccuracy(a, a.shapValues(x), outputs64(net, scaler.transform(x)));
  });

  it('gives the same values async, and with 1 or 2 threads, bit for bit', async () => {
    const net = randomNet([20, 16, 3], ['relu', 'softmax'], 12);
    const r = seeded(13);
    const bg = randomMatrix(12, 20, r);
    const x = randomMatrix(7, 20, r);
    const e = new DeepExplainer(net, bg);
    setNumThreads(1);
    const one = e.shapValues(x).map((m) => Array.from(m.data));
    setNumThreads(2);
    const two = e.shapValues(x).map((m) => Array.from(m.data));
    const asy = (await e.shapValuesAsync(x)).map((m) => Array.from(m.data));
    const [p, q] = await Promise.all([e.shapValuesAsync(x), e.shapValuesAsync(x.clone())]);
    expect(two).toEqual(one);
    expect(asy).toEqual(one);
    expect(p.map((m) => Array.from(m.data))).toEqual(one);
    expect(q.map((m) => Array.from(m.data))).toEqual(one);
  });

  it('rejects bad input with clear errors', () => {
    const net = randomNet([4, 3, 2], ['relu', 'softmax'], 14);
    const r = seeded(15);
    expect(() => new DeepExplainer(net, randomMatrix(5, 3, r))).toThrow(
      /background has 3 columns but the model has 4 features/,
    );
    expect(() => new DeepExplainer(net, new Matrix(0, 4))).toThrow(/background is empty/);
    expect(() => new DeepExplainer(net, [])).toThrow(/background is empty/);
    const e = new DeepExplainer(net, randomMatrix(5, 4, r));
    expect(() => e.shapValues(randomMatrix(2, 5, r))).toThrow(/x has 5 columns but the model has 4 features/);
    expect(() => e.shapValues([[1, 2, 3, NaN]])).toThrow(/non-finite value \(NaN\) at row 0, column 3/);
    expect(
      () => new DeepExplainer([{ kernel: randomMatrix(4, 3, r), activation: 'bogus' }], randomMatrix(2, 4, r)),
    ).toThrow(/unknown activation.*valid: linear, relu/);
    expect(() => new DeepExplainer(net, randomMatrix(2, 4, r), { softmaxRule: 'max' as never })).toThrow(
      /softmaxRule must be 'shapley', 'shift-invariant' or 'shap', got the string "max"/,
    );
    expect(() => new DeepExplainer([net[0]!, net[0]!], randomMatrix(2, 4, r))).toThrow(
      /layer 1's kernel has 4 rows but layer 0 has 3 units/,
    );
    expect(
      () => new DeepExplainer({ layers: [{ className: 'Conv2D' }], getWeights: () => [] }, randomMatrix(2, 4, r)),
    ).toThrow(/supports Dense, Dropout, BatchNormalization, .* layers; model.layers\[0\] is a Conv2D/);
  });
});
