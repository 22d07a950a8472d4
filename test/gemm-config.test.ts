// GEMM parameters per CPU (native/core/gemm_config.cc): every registered config this CPU can run
// (kernel shape and cache blocks) against the float64 reference, forcing by name and by
// MYELIN_GEMM_CONFIG, and what backendInfo() reports.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { backendInfo, setNumThreads } from '../lib/index.js';
import { native, packageRoot } from '../lib/native.js';
import { gemmRef, randomF32 } from './helpers/gemm-ref.js';

const initial = backendInfo();
afterAll(() => {
  native._testing.forceGemmConfig(null);
  setNumThreads(initial.threads);
});

interface Shape {
  m: number;
  n: number;
  k: number;
  ta?: boolean;
  tb?: boolean;
  beta?: number;
}

function product(s: Shape, seed: number) {
  const { m, n, k, ta = false, tb = false, beta = 0 } = s;
  const lda = ta ? m : k;
  const ldb = tb ? k : n;
  const g = { ta, tb, m, n, k, alpha: 1.5, a: randomF32(m * k, seed), lda, b: randomF32(k * n, seed + 1), ldb, beta };
  return { ...g, c: randomF32(m * n, seed + 2), ldc: n };
}

function run(g: ReturnType<typeof product>): void {
  native.gemm(g.ta, g.tb, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, g.c, g.ldc, null, 0);
}

// Edge tiles of every shape, C computed transposed, K split in blocks (k > kc), M split (m > mc for
// every registered mc), N split (n > nc).
const SHAPES: Shape[] = [
  { m: 1, n: 1, k: 1 },
  { m: 37, n: 41, k: 43, beta: 0.5 },
  { m: 70, n: 7, k: 30, tb: true }, // narrow C: computed transposed
  { m: 13, n: 150, k: 300, ta: true, beta: 1 }, // two K blocks
  { m: 1100, n: 40, k: 12 }, // several M blocks
  { m: 3, n: 4200, k: 5, tb: true }, // two N blocks
  { m: 45, n: 70, k: 33, ta: true, tb: true },
];

describe.each(native._testing.gemmConfigs().map((c) => [c.config, c] as const))('GEMM config %s', (name, config) => {
  it(`${config.mr}x${config.nr} kernels, blocks ${config.mc}/${config.kc}/${config.nc}: matches the reference`, () => {
    native._testing.forceGemmConfig(name);
    expect(backendInfo().gemm).toEqual(config);
    let worst = '';
    SHAPES.forEach((s, i) => {
      const g = product(s, 10 * i);
      const { value, bound } = gemmRef(g);
      run(g);
      for (let e = 0; e < g.c.length && !worst; e++)
        if (!(Math.abs(g.c[e] - value[e]) <= bound[e]))
          worst = `${JSON.stringify(s)}: C[${e}] = ${g.c[e]}, expected ${value[e]}`;
    });
    native._testing.forceGemmConfig(null);
    expect(worst).toBe('');
  });

  it('gives bit-identical results for 1 to 3 threads', () => {
    native._testing.forceGemmConfig(name);
    for (const s of [
      { m: 300, n: 200, k: 150 },
      { m: 600, n: 10, k: 100 },
      { m: 9, n: 700, k: 260 },
    ]) {
      const outs = [1, 2, 3].map((t) => {
        setNumThreads(t);
        const g = product(s, 3);
        run(g);
        return Buffer.from(g.c.buffer);
      });
      expect(Buffer.compare(outs[1], outs[0]), JSON.stringify(s)).toBe(0);
      expect(Buffer.compare(outs[2], outs[0]), JSON.stringify(s)).toBe(0);
    }
    setNumThreads(initial.threads);
    native._testing.forceGemmConfig(null);
  });
});

describe('GEMM config choice', () => {
  const names = native._testing.gemmConfigs().map((c) => c.config);

  it('offers one config per supported ISA at least, and uses one for the active ISA', () => {
    const info = backendInfo();
    for (const isa of info.supportedIsas)
      expect(
        native._testing.gemmConfigs().some((c) => c.isa === isa),
        isa,
      ).toBe(true);
    expect(names).toContain(info.gemm.config);
    expect(info.gemm.isa).toBe(info.isa);
    expect(info.gemm.kc).toBeGreaterThan(0);
    expect(info.gemm.mc % info.gemm.mr).toBe(0);
  });

  it('reports the CPU and its caches', () => {
    const { cpu } = backendInfo();
    expect(typeof cpu.name).toBe('string');
    if (process.arch === 'x64') {
      expect(cpu.vendor).toMatch(/^(GenuineIntel|AuthenticAMD|HygonGenuine)$/);
      expect(cpu.family).toBeGreaterThan(0);
      expect(cpu.cacheBytes.l1d).toBeGreaterThanOrEqual(16 * 1024);
      expect(cpu.cacheBytes.l2).toBeGreaterThan(cpu.cacheBytes.l1d);
    }
  });

  it('forceGemmConfig rejects an unknown name, listing the choices', () => {
    expect(() => native._testing.forceGemmConfig('bogus')).toThrow(RangeError);
    expect(() => native._testing.forceGemmConfig('bogus')).toThrow(
      new RegExp(`GEMM config bogus: unknown config; this CPU and build offer: ${names[0]}`),
    );
    expect(backendInfo().gemm).toEqual(initial.gemm);
  });

  it('forceGemmConfig("<name>:MC,KC,NC") runs that config with those blocks, so a bench can compare blocks', () => {
    for (const config of native._testing.gemmConfigs()) {
      native._testing.forceGemmConfig(`${config.config}:${2 * config.mr + 1},37,${3 * config.nr}`);
      expect(backendInfo().gemm).toEqual({ ...config, mc: 2 * config.mr, kc: 37, nc: 3 * config.nr });
      // Several blocks along every dimension, edges included.
      const g = product({ m: 5 * config.mr + 3, n: 7 * config.nr + 5, k: 100, beta: 0.5 }, 7);
      const { value, bound } = gemmRef(g);
      run(g);
      const bad = g.c.findIndex((x, e) => !(Math.abs(x - value[e]) <= bound[e]));
      expect(bad, `${config.config}: C[${bad}] = ${g.c[bad]}, expected ${value[bad]}`).toBe(-1);
    }
    native._testing.forceGemmConfig(null);
    expect(backendInfo().gemm).toEqual(initial.gemm);
    expect(() => native._testing.forceGemmConfig(`${names[0]}:64,0,512`)).toThrow(
      /GEMM config .*:64,0,512: blocks must be <name>:MC,KC,NC, positive integers/,
    );
    expect(backendInfo().gemm).toEqual(initial.gemm);
  });

  const script = "console.log(JSON.stringify(require('node-gyp-build')(process.cwd()).backendInfo().gemm))";
  const probe = (value: string) =>
    spawnSync(process.execPath, ['-e', script], {
      cwd: packageRoot,
      env: { ...process.env, MYELIN_GEMM_CONFIG: value },
      encoding: 'utf8',
    });

  it('MYELIN_GEMM_CONFIG=<name> forces that config in a fresh process, <name>:MC,KC,NC its blocks too', () => {
    const last = native._testing.gemmConfigs().at(-1)!;
    const r = probe(last.config);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(last);
    const s = probe(`${last.config}:${3 * last.mr + 1},100,1000`);
    expect(s.stderr).toBe('');
    expect(JSON.parse(s.stdout)).toEqual({ ...last, mc: 3 * last.mr, kc: 100, nc: 1000 }); // mc rounded to mr
  });

  it('a bad MYELIN_GEMM_CONFIG fails to load with a message that says what was wrong', () => {
    const r = probe('bogus');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(`MYELIN_GEMM_CONFIG=bogus: unknown config; this CPU and build offer: ${names[0]}`),
    );
    const s = probe(`${names[0]}:64,0,512`);
    expect(s.status).not.toBe(0);
    expect(s.stderr).toMatch(/MYELIN_GEMM_CONFIG=.*:64,0,512: blocks must be <name>:MC,KC,NC, positive integers/);
  });
});
