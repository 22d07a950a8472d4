// Every elementwise kernel of native/core/vec.h against the float64 reference, on every ISA this
// machine supports (forced one at a time), including NaN and infinity behaviour.
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../lib/native.js';
import {
  ELEMENTWISE_IDS,
  actDerivative,
  actForward,
  rng,
  sampleLoss,
  sampleLossGrad,
  softmax,
} from './helpers/reference.js';

const k = native._testing.kernels;
const initial = native.backendInfo().isa;
afterAll(() => native._testing.forceIsa(initial));

/** |a - b| <= atol + rtol |b|, or both NaN, or the same infinity. */
function close(a: number, b: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (!Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    if (!close(got[i]!, want[i]!, rtol, atol)) throw new Error(`${what}[${i}]: got ${got[i]}, want ${want[i]}`);
}

const ELEMENTWISE = ELEMENTWISE_IDS;
const EDGES = [
  -100,
  -88,
  -20,
  -5,
  -1,
  -0.7,
  -0.3,
  -1e-4,
  -0,
  0,
  1e-4,
  0.3,
  0.62,
  0.7,
  1,
  5,
  9,
  20,
  88,
  100,
  NaN,
  Infinity,
  -Infinity,
];

function values(n: number, seed: number, scale: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

describe.each(native.backendInfo().supportedIsas)('kernels on %s', (isa) => {
  const use = () => native._testing.forceIsa(isa);

  it('activations forward match the reference, edges and NaN included', () => {
    use();
    // 37 values: not a multiple of any vector width, so every loop's tail runs too.
    const z = Float32Array.from([...EDGES, ...values(37, 1, 6)]);
    for (const act of ELEMENTWISE) {
      const y = new Float32Array(z.length);
      k.actForward(act, z, y);
      expectClose(
        y,
        Array.from(z, (v) => Math.fround(actForward(act, v))),
        4e-6,
        2e-7,
        `act ${act}`,
      );
    }
    // y may alias z
    const zz = Float32Array.from([-2, 0.5, 3]);
    k.actForward(2, zz, zz);
    expectClose(
      zz,
      [-2, 0.5, 3].map((v) => actForward(2, v)),
      4e-6,
      0,
      'in place sigmoid',
    );
  });

  it('documents the edge values: NaN propagates, saturations are exact', () => {
    use();
    const z = Float32Array.from([NaN, Infinity, -Infinity]);
    const out = (act: number) => {
      const y = new Float32Array(3);
      k.actForward(act, z, y);
      return Array.from(y);
    };
    expect(out(1)).toEqual([NaN, Infinity, 0]);
    expect(out(2)).toEqual([NaN, 1, 0]);
    expect(out(3)).toEqual([NaN, 1, -1]);
    expect(out(6)).toEqual([NaN, Infinity, -1]);
  });

  it('activation derivatives (from the output, or z for gelu/swish) and fused column sums', () => {
    use();
    const rows = 5,
      cols = 7;
    const z = values(rows * cols, 2, 4);
    const g0 = values(rows * cols, 3, 1);
    for (const act of ELEMENTWISE) {
      const y = new Float32Array(z.length);
      k.actForward(act, z, y);
      const g = g0.slice();
      const db = new Float32Array(cols);
      k.actBackward(act, y, z, g, rows, cols, db);
      // relu/leaky/elu read the float32 output: derive the reference from z (same branch).
      const want = Array.from(g0, (gv, i) => gv * actDerivative(act, z[i]!));
      expectClose(g, want, 3e-5, 3e-6, `act' ${act}`);
      const wantDb = Array.from({ length: cols }, (_, j) => {
        let s = 0;
        for (let r = 0; r < rows; r++) s += g[r * cols + j]!;
        return s;
      });
      expectClose(db, wantDb, 1e-6, 1e-6, `db ${act}`);
      const g2 = g0.slice();
      k.actBackward(act, y, z, g2, rows, cols, null);
      expectClose(g2, g, 1e-6, 1e-9, `act' ${act} without db`);
    }
  });

  it('softmax rows (stable for large logits) and its Jacobian-vector product', () => {
    use();
    const rows = 4,
      cols = 10;
    const c = values(rows * cols, 4, 5);
    c[3] = 80;
    c[4] = 85; // would overflow without the max shift
    const src = c.slice();
    k.softmaxRows(c, rows, cols);
    for (let r = 0; r < rows; r++)
      expectClose(
        c.subarray(r * cols, (r + 1) * cols),
        softmax(src.subarray(r * cols, (r + 1) * cols)),
        4e-6,
        1e-9,
        `softmax row ${r}`,
      );
    const g0 = values(rows * cols, 5, 1);
    const g = g0.slice();
    k.actBackward(4, c, null, g, rows, cols, null);
    for (let r = 0; r < rows; r++) {
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += g0[r * cols + j]! * c[r * cols + j]!;
      for (let j = 0; j < cols; j++)
        expect(g[r * cols + j]).toBeCloseTo(c[r * cols + j]! * (g0[r * cols + j]! - dot), 6);
    }
    const nan = Float32Array.from([1, NaN, 2]);
    k.softmaxRows(nan, 1, 3);
    expect(Array.from(nan).every(Number.isNaN)).toBe(true);
  });

  it('column sums', () => {
    use();
    const g = values(9 * 19, 6, 3);
    const db = new Float32Array(19).fill(7);
    k.colSums(g, 9, 19, db);
    for (let j = 0; j < 19; j++) {
      let s = 0;
      for (let r = 0; r < 9; r++) s += g[r * 19 + j]!;
      expect(db[j]).toBeCloseTo(s, 5);
    }
  });

  it.each([
    ['mse', 0, false],
    ['mae', 1, false],
    ['bce', 2, false],
    ['bce fused', 2, true],
    ['cce', 3, false],
    ['cce fused', 3, true],
    ['sparse cce', 4, false],
    ['sparse cce fused', 4, true],
    ['huber', 5, false],
    ['log_cosh', 6, false],
    ['hinge', 7, false],
    ['squared_hinge', 8, false],
    ['kl_divergence', 9, false],
    ['poisson', 10, false],
    ['mape', 11, false],
    ['msle', 12, false],
  ] as const)('loss %s and its gradient, with sample weights', (_name, loss, fused) => {
    use();
    const rows = 6,
      cols = 3;
    const r = rng(7 + loss);
    const p = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const dist = loss === 3 || loss === 4 || loss === 9;
      // Poisson takes positive rates (log p); the others of ids >= 5 also see negative outputs.
      const lo = loss === 10 ? 0.05 : loss >= 5 ? -1 : 0,
        span = loss >= 5 ? 2 : 1;
      const row = dist ? softmax([r() * 4, r() * 4, r() * 4]) : [lo + r() * span, lo + r() * span, lo + r() * span];
      p.set(row.map(Math.fround), i * cols);
    }
    p[0] = 1e-9; // below the clip: BCE/CCE clip it to 1e-7
    const idx = Int32Array.from({ length: rows }, () => Math.floor(r() * cols));
    // Targets: one-hot for the distributions, {0, 1} for BCE and the hinges (which map them to {-1, 1}), else in [0.5, 1.5).
    const t =
      loss === 3 || loss === 4 || loss === 9
        ? Float32Array.from({ length: rows * cols }, (_, i) => (idx[Math.floor(i / cols)] === i % cols ? 1 : 0))
        : Float32Array.from({ length: rows * cols }, () =>
            loss === 2 || loss === 7 || loss === 8 ? Math.round(r()) : loss >= 5 ? 0.5 + r() : r(),
          );
    const sw = Float32Array.from({ length: rows }, () => 0.5 + r());
    const grad = new Float32Array(rows * cols);
    const scale = 1 / rows;
    const total = k.loss(loss, fused, p, rows, cols, loss === 4 ? null : t, loss === 4 ? idx : null, sw, scale, grad);
    let want = 0;
    for (let i = 0; i < rows; i++) {
      const pr = p.subarray(i * cols, (i + 1) * cols),
        tr = t.subarray(i * cols, (i + 1) * cols);
      want += sw[i]! * sampleLoss(loss, pr, tr);
      const gw = sampleLossGrad(loss, fused, pr, tr).map((g) => g * sw[i]! * scale);
      expectClose(grad.subarray(i * cols, (i + 1) * cols), gw, 2e-5, 1e-6, `grad row ${i}`);
    }
    expect(Math.abs(total - want) / Math.max(1, Math.abs(want))).toBeLessThan(5e-6);
    // the loss alone (no gradient buffer) is the same number
    expect(k.loss(loss, fused, p, rows, cols, loss === 4 ? null : t, loss === 4 ? idx : null, sw, scale, null)).toBe(
      total,
    );
  });

  it('losses turn NaN predictions into a NaN loss', () => {
    use();
    for (const loss of [0, 1, 2, 3]) {
      const p = Float32Array.from([0.2, NaN]);
      expect(k.loss(loss, false, p, 1, 2, Float32Array.from([0, 1]), null, null, 1, null)).toBeNaN();
    }
  });

  it('optimizer updates follow Keras formulas', () => {
    use();
    const n = 45;
    const w0 = values(n, 8, 1),
      g = values(n, 9, 0.5),
      v0 = values(n, 10, 0.1);
    const sq0 = Float32Array.from(v0, Math.abs);
    const check = (got: Float32Array, want: (i: number) => number, what: string) =>
      expectClose(
        got,
        Array.from({ length: n }, (_, i) => want(i)),
        2e-6,
        1e-7,
        what,
      );

    let w = w0.slice();
    k.sgd(w, null, g, 0.1, 0, false);
    check(w, (i) => w0[i]! - 0.1 * g[i]!, 'sgd');

    w = w0.slice();
    let v = v0.slice();
    k.sgd(w, v, g, 0.1, 0.9, false);
    check(v, (i) => 0.9 * v0[i]! - 0.1 * g[i]!, 'momentum v');
    check(w, (i) => w0[i]! + (0.9 * v0[i]! - 0.1 * g[i]!), 'momentum w');

    w = w0.slice();
    v = v0.slice();
    k.sgd(w, v, g, 0.1, 0.9, true);
    check(w, (i) => w0[i]! + 0.9 * (0.9 * v0[i]! - 0.1 * g[i]!) - 0.1 * g[i]!, 'nesterov w');

    w = w0.slice();
    const m = v0.slice();
    v = sq0.slice();
    k.adam(w, m, v, g, 0.01, 0.9, 0.999, 1e-7);
    check(m, (i) => v0[i]! + (g[i]! - v0[i]!) * 0.1, 'adam m');
    check(v, (i) => sq0[i]! + (g[i]! ** 2 - sq0[i]!) * (1 - 0.999), 'adam v');
    check(w, (i) => w0[i]! - (m[i]! * 0.01) / (Math.sqrt(v[i]!) + 1e-7), 'adam w');

    w = w0.slice();
    v = sq0.slice();
    k.rmsprop(w, v, g, 0.01, 0.9, 1e-7);
    check(v, (i) => 0.9 * sq0[i]! + 0.1 * g[i]! ** 2, 'rmsprop v');
    check(w, (i) => w0[i]! - (0.01 * g[i]!) / Math.sqrt(v[i]! + 1e-7), 'rmsprop w');

    w = w0.slice();
    v = sq0.slice();
    k.adagrad(w, v, g, 0.01, 1e-7);
    check(v, (i) => sq0[i]! + g[i]! ** 2, 'adagrad a');
    check(w, (i) => w0[i]! - (0.01 * g[i]!) / Math.sqrt(v[i]! + 1e-7), 'adagrad w');
  });

  it('norms, clipping and L1/L2 penalties', () => {
    use();
    const g = values(53, 11, 2);
    expect(k.sumSquares(g)).toBeCloseTo(
      g.reduce((a, b) => a + b * b, 0),
      4,
    );
    const c = g.slice();
    k.scaleClip(c, 0.5, 0.3);
    expectClose(
      c,
      Array.from(g, (x) => Math.min(0.3, Math.max(-0.3, x * 0.5))),
      1e-7,
      0,
      'scaleClip',
    );
    const w = values(53, 12, 1);
    const gg = g.slice();
    const pen = k.regGrad(w, gg, 0.01, 0.02);
    expect(pen).toBeCloseTo(
      w.reduce((a, b) => a + 0.01 * Math.abs(b) + 0.02 * b * b, 0),
      6,
    );
    expectClose(
      gg,
      Array.from(g, (x, i) => x + 0.01 * Math.sign(w[i]!) + 0.04 * w[i]!),
      1e-6,
      1e-7,
      'reg grad',
    );
    expect(k.regGrad(w, null, 0, 0.5)).toBeCloseTo(0.5 * w.reduce((a, b) => a + b * b, 0), 6);
  });

  it('dropout masks: inverted scaling, the right keep rate, the same bits on every ISA', () => {
    use();
    const n = 100_003;
    const x = new Float32Array(n).fill(2);
    const y = new Float32Array(n),
      mask = new Float32Array(n);
    k.dropout(x, y, mask, 12345, 0.3);
    let kept = 0;
    for (let i = 0; i < n; i++) {
      expect(mask[i] === 0 || mask[i] === Math.fround(1 / 0.7)).toBe(true);
      if (mask[i]) kept++;
      if (y[i] !== 2 * mask[i]!) throw new Error(`y[${i}]`);
    }
    expect(kept / n).toBeGreaterThan(0.695);
    expect(kept / n).toBeLessThan(0.705);
    native._testing.forceIsa('scalar');
    const m2 = new Float32Array(n);
    k.dropout(x, new Float32Array(n), m2, 12345, 0.3);
    expect(Buffer.from(m2.buffer).equals(Buffer.from(mask.buffer))).toBe(true);
    k.dropout(x, new Float32Array(n), m2, 12346, 0.3);
    expect(Buffer.from(m2.buffer).equals(Buffer.from(mask.buffer))).toBe(false);
  });
});

describe.each(native.backendInfo().supportedIsas)('row kernel on %s', (isa) => {
  it('dense rows (single-row inference) match x . w + bias, block tails included', () => {
    native._testing.forceIsa(isa);
    for (const [rows, kk, n] of [
      [1, 784, 256],
      [3, 7, 130],
      [2, 5, 3],
      [5, 40, 200],
    ] as const) {
      const x = values(rows * kk, 13, 1),
        w = values(kk * n, 14, 0.2),
        b = values(n, 15, 0.5);
      for (const bias of [b, null]) {
        const y = new Float32Array(rows * n);
        k.denseRows(x, rows, kk, w, n, bias, y);
        const want = Array.from({ length: rows * n }, (_, idx) => {
          const r = Math.floor(idx / n),
            j = idx % n;
          let s = bias ? bias[j]! : 0;
          for (let i = 0; i < kk; i++) s += x[r * kk + i]! * w[i * n + j]!;
          return s;
        });
        expectClose(y, want, 1e-5, 2e-5, `dense ${rows}x${kk}x${n}`);
        // The columns split over 2 and 3 threads (large layers in single-row predict): the same bits.
        for (const parts of [2, 3]) {
          native.setNumThreads(parts);
          const split = new Float32Array(rows * n);
          k.denseRows(x, rows, kk, w, n, bias, split, parts);
          expect(Buffer.from(split.buffer).equals(Buffer.from(y.buffer)), `${parts} parts`).toBe(true);
        }
        native.setNumThreads(1);
      }
    }
  });
});

describe('kernels binding checks its arguments', () => {
  it('names the argument in TypeError / RangeError', () => {
    expect(() => k.actForward(2, new Float32Array(4), new Float32Array(3))).toThrow(RangeError);
    expect(() => k.actForward(2, new Float32Array(4), new Float32Array(3))).toThrow(/^y has 3 elements/);
    expect(() => k.actForward(99, new Float32Array(1), new Float32Array(1))).toThrow(/act must be an activation id/);
    expect(() => k.actForward(2, [1] as unknown as Float32Array, new Float32Array(1))).toThrow(TypeError);
    expect(() => k.loss(4, true, new Float32Array(4), 2, 2, null, Int32Array.from([0, 2]), null, 1, null)).toThrow(
      /idx\[1\]/,
    );
    expect(() =>
      k.adam(new Float32Array(3), new Float32Array(2), new Float32Array(3), new Float32Array(3), 1, 0.9, 0.9, 0),
    ).toThrow(/^m has 2/);
  });
});
