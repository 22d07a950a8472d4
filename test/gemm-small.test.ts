// gemm()'s small-product path (native/core/gemm_small.cc, native/kernels/common/gemm_small.inc) on every ISA: the
// blocked path's bits on random shapes, all four transposes, strided views and every Epilogue field, and the values
// of a float64 reference.
import { afterAll, describe, expect, it } from 'vitest';
import { backendInfo, setNumThreads } from '../lib/index.js';
import { type GemmEpilogueOptions, native } from '../lib/native.js';
import { seededRandom } from '../lib/random.js';
import { type GemmCase, gemmRef, randomF32 } from './helpers/gemm-ref.js';
import { ELEMENTWISE_IDS, actDerivative, actForward } from './helpers/reference.js';

const T = native._testing;
const initial = backendInfo();
afterAll(() => {
  T.forceIsa(initial.isa);
  T.forceGemmPath(0);
  setNumThreads(initial.threads);
});

const SOFTMAX = 4;

interface Case extends GemmCase {
  opts: GemmEpilogueOptions;
  z: Float32Array | null; // dact's input (dactY = act(z))
  nanRow: number; // a row of A holding a NaN, or -1
}

function makeCase(seed: number): Case {
  const random = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const ta = random() < 0.5;
  const tb = random() < 0.5;
  const [m, n, k] = [int(1, 40), int(1, 40), int(1, 40)];
  const pad = random() < 0.5 ? 0 : int(1, 5);
  const lda = (ta ? m : k) + pad;
  const ldb = (tb ? k : n) + pad;
  const ldc = n + pad;
  const a = randomF32((ta ? k : m) * lda, seed * 7 + 1);
  const b = randomF32((tb ? n : k) * ldb, seed * 7 + 2);
  const c = randomF32(m * ldc, seed * 7 + 3, -2, 2);
  const nanRow = random() < 0.2 ? int(0, m - 1) : -1;
  if (nanRow >= 0) a[ta ? int(0, k - 1) * lda + nanRow : nanRow * lda + int(0, k - 1)] = NaN;
  const opts: GemmEpilogueOptions = {};
  if (random() < 0.5) opts.bias = randomF32(n, seed * 7 + 4, -0.5, 0.5);
  const act = random() < 0.4 ? 0 : random() < 0.15 ? SOFTMAX : pick(ELEMENTWISE_IDS);
  if (act) opts.act = act;
  let z: Float32Array | null = null;
  if (act !== SOFTMAX && random() < 0.5) {
    const dact = pick(ELEMENTWISE_IDS.filter((id) => id !== 0));
    z = randomF32(m * ldc, seed * 7 + 5, -3, 3);
    opts.dact = dact;
    opts.dactZ = z;
    opts.dactY = Float32Array.from(z, (v) => actForward(dact, v));
  }
  if (act !== SOFTMAX && random() < 0.5) opts.colSums = new Float32Array(n).fill(7); // overwritten, not added to
  if (random() < 0.4) opts.check = true;
  if (random() < 0.3) opts.done = new Int32Array(m * n);
  return {
    ta,
    tb,
    m,
    n,
    k,
    alpha: pick([1, 1, -0.1, 2.5]),
    a,
    lda,
    b,
    ldb,
    beta: pick([0, 0, 1, 0.5]),
    c,
    ldc,
    opts,
    z,
    nanRow,
  };
}

interface Result {
  c: Float32Array;
  colSums?: Float32Array;
  done?: Int32Array;
  flagged: boolean;
}

function run(g: Case): Result {
  const c = g.c.slice();
  const opts = { ...g.opts, colSums: g.opts.colSums?.slice(), done: g.opts.done?.slice() };
  const flagged = T.gemmEpilogue(g.ta, g.tb, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, c, g.ldc, opts);
  return { c, colSums: opts.colSums, done: opts.done, flagged };
}

const bits = (x: Float32Array | Int32Array | undefined) => (x ? Buffer.from(x.buffer).toString('hex') : '');

/** C in float64 with the epilogue (bias, act, dact' from z), and a tolerance per element. */
function reference(g: Case): { value: Float64Array; tol: Float64Array } {
  const { value, bound } = gemmRef(g);
  const tol = new Float64Array(value.length);
  const { bias, act = 0, dact = 0 } = g.opts;
  for (let i = 0; i < g.m; i++) {
    const row = i * g.ldc;
    if (bias) for (let j = 0; j < g.n; j++) value[row + j] += bias[j]!;
    if (act === SOFTMAX) {
      const xs = Array.from(value.subarray(row, row + g.n));
      const max = Math.max(...xs);
      const sum = xs.reduce((s, x) => s + Math.exp(x - max), 0);
      for (let j = 0; j < g.n; j++) value[row + j] = Math.exp(xs[j]! - max) / sum;
    }
    for (let j = 0; j < g.n; j++) {
      let v = value[row + j]!;
      if (act && act !== SOFTMAX) v = actForward(act, v);
      if (dact) {
        const d = actDerivative(dact, g.z![row + j]!);
        v = d === 0 ? 0 : v * d; // ReLU's derivative selects: NaN rows give 0 where it is 0
      }
      value[row + j] = v;
      tol[row + j] = 4 * bound[row + j]! + 3e-5 * (1 + Math.abs(v));
    }
  }
  return { value, tol };
}

describe.each(backendInfo().supportedIsas)('gemm small path on %s', (isa) => {
  it('takes the small path for tiny products only, by shape', () => {
    T.forceIsa(isa);
    T.forceGemmPath(0);
    for (const [m, n, k] of [
      [32, 16, 2],
      [32, 16, 16],
      [16, 16, 32],
      [32, 1, 16],
      [250, 1, 2],
    ])
      expect(T.smallPath(m, n, k), `${m}x${n}x${k}`).toBe(true);
    for (const [m, n, k] of [
      [128, 256, 784],
      [128, 10, 128],
      [1024, 16, 16],
      [4, 200, 100], // B of 20,000 floats: the blocked path streams it
    ])
      expect(T.smallPath(m, n, k), `${m}x${n}x${k}`).toBe(false);
    T.forceGemmPath(1);
    expect(T.smallPath(1024, 16, 16)).toBe(true);
    T.forceGemmPath(2);
    expect(T.smallPath(32, 16, 16)).toBe(false);
    T.forceGemmPath(0);
  });

  it('gives the blocked path bits and the float64 values, with every epilogue field', () => {
    T.forceIsa(isa);
    for (let seed = 1; seed <= 300; seed++) {
      const g = makeCase(seed);
      const what = `seed ${seed}: ${g.m}x${g.n}x${g.k} ta ${g.ta} tb ${g.tb} ${JSON.stringify(g.opts, (key, v) =>
        ArrayBuffer.isView(v) ? key : v,
      )}`;
      T.forceGemmPath(1);
      expect(T.smallPath(g.m, g.n, g.k), what).toBe(true);
      const small = run(g);
      T.forceGemmPath(2);
      const blocked = run(g);
      T.forceGemmPath(0);
      expect(bits(small.c), what).toBe(bits(blocked.c));
      expect(bits(small.colSums), what).toBe(bits(blocked.colSums));
      expect(small.flagged, what).toBe(blocked.flagged);
      expect(small.flagged, what).toBe(g.opts.check === true && g.nanRow >= 0);
      if (small.done)
        expect(
          small.done.every((x) => x === 1),
          what,
        ).toBe(true);

      const { value, tol } = reference(g);
      for (let i = 0; i < g.m; i++)
        for (let j = 0; j < g.ldc; j++) {
          const at = i * g.ldc + j;
          const got = small.c[at]!;
          if (j >= g.n) expect(Object.is(got, g.c[at]), `${what}: padding C(${i},${j}) written`).toBe(true);
          else if (Number.isNaN(value[at])) expect(got, `${what}: C(${i},${j})`).toBeNaN();
          else if (!(got === value[at] || Math.abs(got - value[at]!) <= tol[at]!))
            expect.fail(`${what}: C(${i},${j}) = ${got}, expected ${value[at]}`);
        }
      // The bias gradient's bits: each column summed over the rows in order, in float32.
      if (small.colSums)
        for (let j = 0; j < g.n; j++) {
          let s = 0;
          for (let i = 0; i < g.m; i++) s = Math.fround(s + small.c[i * g.ldc + j]!);
          expect(Object.is(small.colSums[j], s), `${what}: colSums[${j}] = ${small.colSums[j]}, expected ${s}`).toBe(
            true,
          );
        }
    }
  });

  it('gives the same bits for 1 to 4 threads (the course net products)', () => {
    T.forceIsa(isa);
    T.forceGemmPath(0);
    const shapes = [
      [32, 16, 2, false, false],
      [32, 16, 16, false, true],
      [16, 16, 32, true, false],
      [16, 1, 32, true, false],
      [32, 1, 16, false, false],
    ] as const;
    for (const [m, n, k, ta, tb] of shapes) {
      const a = randomF32(m * k, 1);
      const b = randomF32(k * n, 2);
      const outs: string[] = [];
      for (let t = 1; t <= 4; t++) {
        setNumThreads(t);
        const c = new Float32Array(m * n);
        const opts = { bias: randomF32(n, 3), act: 3, colSums: new Float32Array(n) };
        T.gemmEpilogue(ta, tb, m, n, k, 1, a, ta ? m : k, b, tb ? k : n, 0, c, n, opts);
        outs.push(bits(c) + bits(opts.colSums));
      }
      expect(new Set(outs).size, `${m}x${n}x${k}`).toBe(1);
    }
    setNumThreads(initial.threads);
  });
});
