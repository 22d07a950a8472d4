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

// BLIS's analytical model (native/core/gemm_config.cc, model_blocks) for CPUs this machine is not:
// kc = floor((W1 - 1) mr / (mr + nr)) ways of L1 (at least 1) x (L1 / W1) / (4 mr), down to a multiple
// of 8 in [64, 512]; mc = (W2 - 2) (L2 / W2) / (4 kc), at most 1024, down to a multiple of mr.
describe('GEMM config for a described CPU (registry and block model, without that CPU)', () => {
  const KiB = 1024;
  const MiB = 1024 * KiB;
  const cpu = (
    vendor: string,
    family: number,
    model: number,
    l1d: number,
    l1dWays: number,
    l2: number,
    l2Ways: number,
  ) => ({ vendor, family, model, l1d, l1dWays, l2, l2Ways });
  const emerald = cpu('GenuineIntel', 6, 0xcf, 48 * KiB, 12, 2 * MiB, 16);
  const cases: [string, ReturnType<typeof cpu>, string, object][] = [
    // 3 ways of 4 KiB for A: kc = 3 * 4096 / 48 = 256; mc = 14 * 128 KiB / 1 KiB = 1792 -> 1024 -> 1020.
    ['Xeon Emerald Rapids', emerald, 'avx512', { config: 'xeon-avx512', mr: 12, nr: 32, kc: 256, mc: 1020 }],
    // 6x16: 3 ways: kc = 3 * 4096 / 24 = 512; mc = 14 * 128 KiB / 2 KiB = 896 -> 894.
    ['Xeon Emerald Rapids, AVX2', emerald, 'avx2', { config: 'avx2', mr: 6, nr: 16, kc: 512, mc: 894 }],
    // 32 KiB 8-way: 1 way for A: kc = 4096 / 48 = 85 -> 80; mc = 14 * 64 KiB / 320 = 2867 -> 1020.
    [
      'Xeon Skylake-SP',
      cpu('GenuineIntel', 6, 0x55, 32 * KiB, 8, 1 * MiB, 16),
      'avx512',
      { config: 'xeon-avx512', mr: 12, nr: 32, kc: 80, mc: 1020 },
    ],
    // 1 way for A: kc = 4096 / 40 = 102 -> 96; mc = 6 * 128 KiB / 384 = 2048 -> 1020.
    [
      'EPYC Zen 4 (Genoa)',
      cpu('AuthenticAMD', 0x19, 0x11, 32 * KiB, 8, 1 * MiB, 8),
      'avx512',
      { config: 'zen4', mr: 10, nr: 32, kc: 96, mc: 1020 },
    ],
    // Measured blocks, whatever the caches say.
    [
      'EPYC Zen 5 (Turin)',
      cpu('AuthenticAMD', 0x1a, 0x02, 48 * KiB, 12, 1 * MiB, 16),
      'avx512',
      { config: 'zen5', mr: 10, nr: 32, kc: 256, mc: 130 },
    ],
    // 64 KiB 4-way: 1 way of 16 KiB for A: kc = 16384 / 32 = 512; mc = 6 * 128 KiB / 2 KiB = 384.
    [
      'Neoverse N1',
      cpu('arm', 0x41, 0xd0c, 64 * KiB, 4, 1 * MiB, 8),
      'neon',
      { config: 'neoverse', mr: 8, nr: 12, kc: 512, mc: 384 },
    ],
    ['Neoverse V1', cpu('arm', 0x41, 0xd40, 64 * KiB, 4, 1 * MiB, 8), 'neon', { config: 'neoverse', kc: 512, mc: 384 }],
    // 2 MiB 8-way L2: mc = 6 * 256 KiB / 2 KiB = 768.
    ['Neoverse V2', cpu('arm', 0x41, 0xd4f, 64 * KiB, 4, 2 * MiB, 8), 'neon', { config: 'neoverse', kc: 512, mc: 768 }],
    // Another arm64 core (Cortex-A72: 32 KiB 2-way): 1 way for A (the floor gives 0): kc = 16384 / 32.
    ['Cortex-A72', cpu('arm', 0x41, 0xd08, 32 * KiB, 2, 1 * MiB, 16), 'neon', { config: 'neon', mr: 8, kc: 512 }],
    // A VM that hides its caches: kc 256, mc = 128 rounded up to mr.
    ['hidden caches', cpu('GenuineIntel', 6, 0x8f, 0, 0, 0, 0), 'avx512', { config: 'xeon-avx512', kc: 256, mc: 132 }],
    // Sizes without ways (macOS, old AMD): 8-way assumed. 128 KiB: 3 ways of 16 KiB: kc 1536 -> 512;
    // 12 MiB: mc = 6 * 1.5 MiB / 2 KiB = 4608 -> 1024.
    ['sizes only', cpu('apple', 0, 0, 128 * KiB, 0, 12 * MiB, 0), 'neon', { config: 'neon', kc: 512, mc: 1024 }],
  ];

  it.each(cases)('%s running %s', (_, described, isa, expected) => {
    expect(native._testing.gemmConfigFor(described, isa)).toMatchObject({ ...expected, isa, nc: 4096 });
  });

  it('is the choice this machine makes for itself', () => {
    const info = native.backendInfo();
    if (process.env.MYELIN_GEMM_CONFIG) return; // forced
    expect(native._testing.gemmConfigFor(info.cpu, info.isa)).toEqual(info.gemm);
  });

  it('rejects an unknown ISA, naming it', () => {
    expect(() => native._testing.gemmConfigFor(emerald, 'sse9')).toThrow(/isa must be one of .*; got sse9/);
  });
});
