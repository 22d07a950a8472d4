// GEMM throughput: GFLOP/s per shape, ISA and thread count, as % of the FMA peak measured by a
// native probe, next to @tensorflow/tfjs-backend-wasm's matMul in the same process.
// `npm run bench -- --only gemm` (builds TS first). myelin is timed by a native loop (gemmBench),
// as the training engine calls it; one column adds the cost of a JS call per product (matmul from
// JS). Best of several timed samples per cell: noise from other processes only makes numbers worse.
// A second table compares every GEMM config of the default ISA on this CPU (forceGemmConfig), the
// registry's choice first, in interleaved rounds: the data for tuning gemm_config.cc on a new CPU.
// OpenBLAS and the other peers are in peers.bench.js.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { backendInfo } from '../dist/index.js';
import { native } from '../dist/native.js';

const SAMPLES = Number(process.env.GEMM_SAMPLES || 15);
const SAMPLE_SECONDS = 0.01;

// [label, m, k, n, transA, transB]: C (m x n) = op(A) (m x k) · op(B) (k x n).
const SHAPES = [
  ...[64, 128, 256, 512, 1024, 2048].map((s) => [`square ${s}`, s, s, s, false, false]),
  ['X·W1 (dense 784→256)', 128, 784, 256, false, false],
  ['H1·W2 (dense 256→128)', 128, 256, 128, false, false],
  ['H2·W3 (dense 128→10)', 128, 128, 10, false, false],
  ['dZ3·W3ᵀ', 128, 10, 128, false, true],
  ['dZ2·W2ᵀ', 128, 128, 256, false, true],
  ['dZ1·W1ᵀ', 128, 256, 784, false, true],
  ['Xᵀ·dZ1', 784, 128, 256, true, false],
  ['H1ᵀ·dZ2', 256, 128, 128, true, false],
  ['H2ᵀ·dZ3', 128, 128, 10, true, false],
];

function random(n) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/** Best seconds per call of fn over SAMPLES samples of enough calls to last SAMPLE_SECONDS. */
function bestSeconds(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  const once = Math.max(Number(process.hrtime.bigint() - t0) / 1e9, 1e-7);
  const reps = Math.max(1, Math.round(SAMPLE_SECONDS / once));
  let best = Infinity;
  for (let s = 0; s < SAMPLES; s++) {
    const start = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9 / reps);
  }
  return best;
}

function operands([, m, k, n, ta, tb]) {
  return { a: random(m * k), b: random(k * n), c: new Float32Array(m * n), lda: ta ? m : k, ldb: tb ? k : n };
}

function myelinGflops(shape, ops) {
  const [, m, k, n, ta, tb] = shape;
  const { a, b, c, lda, ldb } = ops;
  const flops = 2 * m * n * k;
  const reps = Math.max(
    1,
    Math.round(
      SAMPLE_SECONDS /
        Math.max(native._testing.gemmBench(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, n, null, 0, 1), 1e-7),
    ),
  );
  let best = Infinity;
  for (let s = 0; s < SAMPLES; s++)
    best = Math.min(best, native._testing.gemmBench(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, n, null, 0, reps) / reps);
  return flops / best / 1e9;
}

function myelinJsCallGflops(shape, ops) {
  const [, m, k, n, ta, tb] = shape;
  const { a, b, c, lda, ldb } = ops;
  const s = bestSeconds(() => native.gemm(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, n, null, 0));
  return (2 * m * n * k) / s / 1e9;
}

async function loadTfjsWasm() {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    // The .wasm files ship in the npm package: point the loader at them, nothing is fetched.
    wasm.setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend(wasm) failed');
    await tf.ready();
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
    return { tf, note: `tfjs-backend-wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'threaded' : '1 thread'})` };
  } catch (err) {
    return { tf: null, note: `tfjs-backend-wasm unavailable: ${err instanceof Error ? err.message : err}` };
  }
}

function tfjsGflops(tf, shape, ops) {
  const [, m, k, n, ta, tb] = shape;
  const a = tf.tensor2d(ops.a, ta ? [k, m] : [m, k]);
  const b = tf.tensor2d(ops.b, tb ? [n, k] : [k, n]);
  const s = bestSeconds(() => {
    const c = tf.matMul(a, b, ta, tb);
    c.dataSync();
    c.dispose();
  });
  a.dispose();
  b.dispose();
  return (2 * m * n * k) / s / 1e9;
}

const info = backendInfo();
const isas = ['avx512', 'avx2', 'neon', 'scalar'].filter((i) => info.supportedIsas.includes(i)).slice(0, 2);
const threadCounts = [1, 2];

// Peak per ISA and thread count: the probe on t threads; the % columns use t × the 1-thread
// probe, so a core busy with other work during the probe cannot inflate them.
const peak = {};
for (const isa of isas) {
  peak[isa] = {};
  for (const t of threadCounts) {
    native.setNumThreads(t);
    peak[isa][t] = Math.max(...[0, 1, 2, 3, 4].map(() => native._testing.gemmFmaPeak(isa, t)));
  }
}

const { tf, note } = await loadTfjsWasm();
const cols = [];
for (const isa of isas) for (const t of threadCounts) cols.push({ isa, t });

const rows = [];
for (const shape of SHAPES) {
  const ops = operands(shape);
  const cells = [];
  for (const { isa, t } of cols) {
    native._testing.forceIsa(isa);
    native.setNumThreads(t);
    const g = myelinGflops(shape, ops);
    cells.push(`${g.toFixed(1)} (${((100 * g) / (t * peak[isa][1])).toFixed(0)} %)`);
  }
  native._testing.forceIsa(info.isa);
  native.setNumThreads(1);
  cells.push(myelinJsCallGflops(shape, ops).toFixed(1));
  cells.push(tf ? tfjsGflops(tf, shape, ops).toFixed(1) : 'n/a');
  const [label, m, k, n, ta, tb] = shape;
  rows.push([label, `${m}×${k}×${n}${ta ? ' Aᵀ' : ''}${tb ? ' Bᵀ' : ''}`, ...cells]);
  process.stderr.write('.');
}
process.stderr.write('\n');
native._testing.forceIsa(info.isa);
native.setNumThreads(info.threads);

console.log(
  `myelin ${info.version}, default ISA ${info.isa}; GFLOP/s (% of the FMA peak for that ISA × threads), best of ${SAMPLES}.`,
);
console.log(`Peer: ${note}, GFLOP/s.\n`);
console.log(
  `| FP32 FMA peak probe | ${cols.map(({ isa, t }) => `${isa} ${t}T: ${peak[isa][t].toFixed(1)}`).join(' | ')} |`,
);
console.log(`|---|${cols.map(() => '---|').join('')}\n`);
console.log(
  `| shape | m×k×n | ${cols.map(({ isa, t }) => `${isa} ${t}T`).join(' | ')} | ${info.isa} 1T, JS call | tfjs-wasm |`,
);
console.log(`|---|---|${cols.map(() => '---:|').join('')}---:|---:|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);

// ---- every config of the default ISA, 1 thread, interleaved rounds (median GFLOP/s) ----
const ROUNDS = 5;
const configs = native._testing.gemmConfigs().filter((c) => c.isa === info.isa);
configs.sort((x, y) => (y.config === info.gemm.config) - (x.config === info.gemm.config));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tuned = SHAPES.filter(([label]) => !/square (64|128|256)$/.test(label));
native.setNumThreads(1);
const configRows = [];
for (const shape of tuned) {
  const ops = operands(shape);
  const runs = configs.map(() => []);
  for (let r = 0; r < ROUNDS; r++)
    configs.forEach((c, i) => {
      native._testing.forceGemmConfig(c.config);
      runs[i].push(myelinGflops(shape, ops));
    });
  const [label, m, k, n, ta, tb] = shape;
  const cells = runs.map((g) => `${median(g).toFixed(1)} (${((100 * median(g)) / peak[info.isa][1]).toFixed(0)} %)`);
  configRows.push([label, `${m}×${k}×${n}${ta ? ' Aᵀ' : ''}${tb ? ' Bᵀ' : ''}`, ...cells]);
  process.stderr.write('.');
}
process.stderr.write('\n');
native._testing.forceGemmConfig(null);
native.setNumThreads(info.threads);

const blocks = (c) => `${c.config} ${c.mr}x${c.nr}, ${c.mc}/${c.kc}/${c.nc}`;
console.log(
  `\n${info.isa} configs at 1 thread (MR x NR, MC/KC/NC), GFLOP/s median of ${ROUNDS} interleaved rounds ` +
    `(% of the 1-thread FMA peak); the first is the registry's choice for this CPU (${info.cpu.name}).\n`,
);
console.log(`| shape | m×k×n | ${configs.map(blocks).join(' | ')} |`);
console.log(`|---|---|${configs.map(() => '---:|').join('')}`);
for (const r of configRows) console.log(`| ${r.join(' | ')} |`);
