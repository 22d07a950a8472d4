// The native GEMM on every ISA path this machine has, against a float64 TypeScript reference.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { backendInfo, setNumThreads } from '../lib/index.js';
import { native, packageRoot } from '../lib/native.js';
import { ACTS, applyActRef, gemmRef, randomF32, type GemmCase } from './helpers/gemm-ref.js';

const initial = backendInfo();
afterAll(() => {
  native._testing.forceIsa(initial.isa);
  setNumThreads(initial.threads);
});

interface Shape {
  m: number;
  n: number;
  k: number;
  ta?: boolean;
  tb?: boolean;
  alpha?: number;
  beta?: number;
  pad?: number; // extra leading-dimension elements: a strided view into a wider matrix
  seed?: number;
}

function makeCase(s: Shape): GemmCase {
  const { m, n, k, ta = false, tb = false, alpha = 1, beta = 0, pad = 0, seed = 1 } = s;
  const lda = (ta ? m : k) + pad || 1;
  const ldb = (tb ? k : n) + pad || 1;
  const ldc = n + pad || 1;
  const a = randomF32((ta ? k : m) * lda, seed);
  const b = randomF32((tb ? n : k) * ldb, seed + 1);
  const c = randomF32(m * ldc, seed + 2, -2, 2);
  return { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc };
}

function run(g: GemmCase, bias: Float32Array | null = null, act = 0): void {
  native.gemm(g.ta, g.tb, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, g.c, g.ldc, bias, act);
}

/** Runs the case and checks every element of C (and that padding columns are untouched). */
function expectMatchesRef(s: Shape): void {
  const g = makeCase(s);
  const before = g.c.slice();
  const { value, bound } = gemmRef(g);
  run(g);
  let worst = '';
  for (let i = 0; i < g.m; i++) {
    for (let j = 0; j < g.ldc; j++) {
      const idx = i * g.ldc + j;
      const ok = j < g.n ? Math.abs(g.c[idx] - value[idx]) <= bound[idx] : Object.is(g.c[idx], before[idx]);
      if (!ok && !worst) worst = `C(${i},${j}) = ${g.c[idx]}, expected ${j < g.n ? value[idx] : before[idx]}`;
    }
  }
  expect(worst, JSON.stringify(s)).toBe('');
}

const EDGE_SHAPES: Shape[] = [
  { m: 1, n: 1, k: 1 },
  { m: 3, n: 40, k: 20 }, // m below every MR
  { m: 40, n: 3, k: 20 }, // n below every NR (computed transposed)
  { m: 37, n: 41, k: 1 }, // k = 1
  { m: 37, n: 41, k: 43 }, // primes
  { m: 128, n: 10, k: 128 }, // the MLP's output layer
  { m: 10, n: 33, k: 70 },
  { m: 67, n: 97, k: 300 }, // two K blocks
  { m: 150, n: 35, k: 600 }, // several K blocks, edge tiles both ways
];

describe.each(backendInfo().supportedIsas)('gemm on %s', (isa) => {
  const forced = () => native._testing.forceIsa(isa);

  it('matches the reference on edge and odd shapes, all four transposes', () => {
    forced();
    for (const s of EDGE_SHAPES)
      for (const ta of [false, true]) for (const tb of [false, true]) expectMatchesRef({ ...s, ta, tb });
  });

  it('reads strided views (leading dimensions wider than the matrix)', () => {
    forced();
    for (const ta of [false, true])
      for (const tb of [false, true]) {
        expectMatchesRef({ m: 45, n: 50, k: 33, ta, tb, pad: 7 });
        expectMatchesRef({ m: 50, n: 6, k: 19, ta, tb, pad: 3 });
        // lda a multiple of 4 KiB: A is packed instead of read in place
        expectMatchesRef({ m: 45, n: 50, k: 33, ta, tb, pad: 1024 - (ta ? 45 : 33) });
      }
  });

  it('applies alpha and beta like BLAS', () => {
    forced();
    for (const [alpha, beta] of [
      [2.5, 0],
      [1, 1],
      [-0.5, 2],
      [0, 0.5],
      [0, 0],
    ])
      for (const tb of [false, true]) {
        expectMatchesRef({ m: 29, n: 35, k: 300, tb, alpha, beta, pad: 2 });
        expectMatchesRef({ m: 70, n: 7, k: 300, tb, alpha, beta, pad: 2 }); // narrow C, computed transposed
        expectMatchesRef({ m: 4, n: 70, k: 30, tb, alpha, beta }); // one row of tiles, B read in place
      }
  });

  it('handles zero-sized products: k = 0 scales C by beta, m or n = 0 touches nothing', () => {
    forced();
    const c = new Float32Array([1, 2, 3, 4]);
    native.gemm(false, false, 2, 2, 0, 1, new Float32Array(0), 1, new Float32Array(0), 2, 0.5, c, 2, null, 0);
    expect(Array.from(c)).toEqual([0.5, 1, 1.5, 2]);
    native.gemm(false, false, 2, 2, 0, 1, new Float32Array(0), 1, new Float32Array(0), 2, 0, c, 2, null, 0);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
    const d = new Float32Array([7]);
    native.gemm(false, false, 0, 1, 3, 1, new Float32Array(0), 3, new Float32Array(3), 1, 0, d, 1, null, 0);
    native.gemm(false, false, 1, 0, 3, 1, new Float32Array(3), 3, new Float32Array(0), 1, 0, d, 1, null, 0);
    expect(d[0]).toBe(7);
  });

  it('does not read C when beta = 0, but propagates NaN and Inf from A and B', () => {
    forced();
    for (const [m, n, k] of [
      [20, 40, 30],
      [40, 5, 30],
    ]) {
      const g = makeCase({ m, n, k });
      g.c.fill(NaN);
      const { value } = gemmRef({ ...g, c: new Float32Array(g.c.length) });
      run(g);
      expect(g.c.every((x, i) => Math.abs(x - value[i]) < 1e-3)).toBe(true);

      const h = makeCase({ m, n, k, seed: 5 });
      h.a[3 * k + 7] = NaN; // row 3 of A
      h.b[11 * n + 2] = Infinity; // row 11, column 2 of B
      run(h);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          const x = h.c[i * n + j];
          if (i === 3) expect(x, `C(${i},${j})`).toBeNaN();
          else if (j === 2) expect(Number.isFinite(x), `C(${i},${j}) = ${x}`).toBe(false);
          else expect(Number.isFinite(x), `C(${i},${j}) = ${x}`).toBe(true);
        }
    }
  });

  it('fuses bias and every activation into the write of C', () => {
    forced();
    for (const [m, n, k] of [
      [33, 47, 70],
      [64, 10, 50],
      [3, 5, 2],
    ]) {
      for (let act = 0; act < ACTS.length; act++) {
        const g = makeCase({ m, n, k, beta: 0.5, seed: 10 + act });
        const bias = randomF32(n, 99, -0.5, 0.5);
        const { value } = gemmRef(g);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) value[i * n + j] += bias[j];
        applyActRef(act, value, m, n, n);
        run(g, bias, act);
        let worst = '';
        for (let i = 0; i < m * n; i++)
          if (!(Math.abs(g.c[i] - value[i]) <= 2e-5 * (1 + Math.abs(value[i]))) && !worst)
            worst = `${ACTS[act][0]} ${m}x${n}x${k}: C[${i}] = ${g.c[i]}, expected ${value[i]}`;
        expect(worst).toBe('');
        if (act === 4)
          for (let i = 0; i < m; i++)
            expect(g.c.subarray(i * n, i * n + n).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 5);
      }
    }
  });

  // The micro-kernels apply bias and ReLU in their store (TileEpilogue): the bits of C + bias, then
  // c < 0 ? 0 : c, computed here in float32 from a GEMM without them; NaN rows, zeros and edge tiles included.
  it('fused bias and ReLU give the bits of adding the bias and applying ReLU after the product', () => {
    forced();
    for (const s of [
      { m: 33, n: 47, k: 600, beta: 0.5 },
      { m: 40, n: 64, k: 20, alpha: 2 },
      { m: 3, n: 5, k: 2 },
    ]) {
      const g = makeCase(s);
      g.a.fill(NaN, 7 * s.k, 7 * s.k + 1); // row 7 of C is NaN (when m > 7)
      const bias = randomF32(s.n, 98, -0.5, 0.5);
      bias[1] = 0; // with column 1 of B zero: C(i, 1) is 0 (beta = 0) or beta C(i, 1), then + 0
      for (let p = 0; p < s.k; p++) for (let j = 0; j < s.n; j++) g.b[p * s.n + j] = j === 1 ? 0 : ((p + j) % 7) - 3;
      const plain = { ...g, c: g.c.slice() };
      run(plain);
      const expected = Float32Array.from(plain.c, (x, i) => {
        const v = Math.fround(x + bias[i % s.n]!);
        // biome-ignore lint/complexity/useMathMinMax: ReLU keeps -0 (Math.max(-0, 0) is +0)
        return v < 0 ? 0 : v;
      });
      run(g, bias, 1);
      const diff = expected.findIndex((x, i) => !Object.is(x, g.c[i]));
      expect(diff, `${JSON.stringify(s)}: C[${diff}] = ${g.c[diff]}, expected ${expected[diff]}`).toBe(-1);
    }
  });

  it('gives bit-identical results for 1 to 4 threads', () => {
    forced();
    const shapes: Array<[Shape, number]> = [
      [{ m: 200, n: 300, k: 150 }, 0],
      [{ m: 128, n: 256, k: 300, tb: true, beta: 1 }, 1],
      [{ m: 300, n: 128, k: 128, ta: true }, 2],
      [{ m: 500, n: 10, k: 200 }, 4],
      [{ m: 13, n: 900, k: 260, pad: 3 }, 3],
      [{ m: 8, n: 900, k: 260 }, 5], // one row of tiles: B read in place
      [{ m: 40, n: 300, k: 300, pad: 1024 - 300 }, 0], // A packed
    ];
    for (const [s, act] of shapes) {
      const outs: Float32Array[] = [];
      for (let t = 1; t <= 4; t++) {
        setNumThreads(t);
        const g = makeCase(s);
        run(g, randomF32(s.n, 7), act);
        outs.push(g.c);
      }
      for (let t = 1; t < 4; t++)
        expect(
          Buffer.compare(Buffer.from(outs[t].buffer), Buffer.from(outs[0].buffer)),
          `${JSON.stringify(s)} threads ${t + 1}`,
        ).toBe(0);
    }
    setNumThreads(initial.threads);
  });
});

describe('gemm arguments', () => {
  const f = (n: number) => new Float32Array(n);
  const call = (over: Partial<Record<number, unknown>>) => () => {
    const args: unknown[] = [false, false, 2, 3, 4, 1, f(8), 4, f(12), 3, 0, f(6), 3, null, 0];
    for (const [i, v] of Object.entries(over)) args[Number(i)] = v;
    (native.gemm as (...a: unknown[]) => void)(...args);
  };

  it('accepts the well-formed call these cases start from', () => {
    expect(call({})).not.toThrow();
  });

  it('throws TypeError naming a non-Float32Array operand', () => {
    expect(call({ 6: new Float64Array(8) })).toThrow(TypeError);
    expect(call({ 6: [1, 2, 3, 4, 5, 6, 7, 8] })).toThrow(/a must be a Float32Array/);
    expect(call({ 8: new Int32Array(12) })).toThrow(/b must be a Float32Array/);
    expect(call({ 11: null })).toThrow(/c must be a Float32Array/);
    expect(call({ 13: new Float64Array(3) })).toThrow(/bias must be a Float32Array/);
    expect(call({ 0: 1 })).toThrow(/transA must be a boolean/);
  });

  it('throws RangeError naming a negative or non-integer dimension', () => {
    expect(call({ 2: -1 })).toThrow(RangeError);
    expect(call({ 2: -1 })).toThrow(/^m must be/);
    expect(call({ 3: 1.5 })).toThrow(/^n must be/);
    expect(call({ 4: -2 })).toThrow(/^k must be/);
    expect(call({ 14: 99 })).toThrow(/act must be/);
  });

  it('throws RangeError naming a buffer too short or a leading dimension too small', () => {
    expect(call({ 6: f(7) })).toThrow(/^a has 7 elements/);
    expect(call({ 8: f(11) })).toThrow(/^b has 11 elements/);
    expect(call({ 11: f(5) })).toThrow(/^c has 5 elements/);
    expect(call({ 13: f(2) })).toThrow(/^bias has 2 elements/);
    expect(call({ 7: 3 })).toThrow(/^lda \(3\) must be >= 4/);
    expect(call({ 12: 2 })).toThrow(/^ldc/);
    expect(call({ 1: true })).toThrow(/^ldb \(3\) must be >= 4/); // B read as n x k
  });
});

describe('MYELIN_ISA', () => {
  const probe = (isa: string) =>
    spawnSync(process.execPath, ['-e', "console.log(require('node-gyp-build')(process.cwd()).backendInfo().isa)"], {
      cwd: packageRoot,
      env: { ...process.env, MYELIN_ISA: isa },
      encoding: 'utf8',
    });

  it.each(backendInfo().supportedIsas)('MYELIN_ISA=%s selects that path in a fresh process', (isa) => {
    const r = probe(isa);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(isa);
  });

  it('MYELIN_ISA=bogus fails to load with a message that lists the choices', () => {
    const r = probe('bogus');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/MYELIN_ISA=bogus is not one of: scalar, avx2, avx512, neon/);
  });
});
