// myelin against OpenBLAS and PyTorch on this CPU (issue 15's targets), in interleaved rounds:
// sgemm at 1 thread (numpy on Debian's OpenBLAS, with the OpenBLAS kernels that run fastest here),
// and W3 training (784-256-128-10, batch 128) against PyTorch tuned as the issue says (1 OpenMP
// thread, OpenBLAS threads = the threads measured). Each round times myelin, then the peer; the
// tables give the median ratio (> 1: myelin faster) and its spread over the rounds.
// Needs Debian's /usr/bin/python3 with numpy (and python3-torch for W3): says so and skips otherwise.
import { Dense, Matrix, SGD, Sequential, backendInfo, setNumThreads, setSeed } from '../dist/index.js';
import { native } from '../dist/native.js';
import { PYTHON, havePython, openblas, peer } from './openblas.js';

const ROUNDS = 5;
const info = backendInfo();
const { cpu } = info;
const kib = (b) => `${Math.round(b / 1024)} KiB`;
console.log(
  `CPU: ${cpu.name || 'unknown'} (${cpu.vendor} family ${cpu.family} model ${cpu.model}; L1d ${kib(cpu.cacheBytes.l1d)}, ` +
    `L2 ${kib(cpu.cacheBytes.l2)}), ${info.supportedIsas.at(-1)}; myelin ${info.version}, GEMM config ${info.gemm.config} ` +
    `(${info.gemm.mr}x${info.gemm.nr}, mc ${info.gemm.mc} kc ${info.gemm.kc} nc ${info.gemm.nc})`,
);

if (!havePython()) {
  console.log(`- skipped: ${PYTHON} with numpy is not installed (scripts/install-system-deps.sh --bench)`);
  process.exit(0);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratioCell = (rs) => `${median(rs).toFixed(2)}x (${Math.min(...rs).toFixed(2)}-${Math.max(...rs).toFixed(2)})`;

function myelinSeconds(m, n, k, ta, tb, seconds) {
  const a = Float32Array.from({ length: m * k }, () => Math.random());
  const b = Float32Array.from({ length: k * n }, () => Math.random());
  const c = new Float32Array(m * n);
  const [lda, ldb] = [ta ? m : k, tb ? k : n];
  const run = (reps) => native._testing.gemmBench(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, n, null, 0, reps);
  const reps = Math.max(1, Math.round(seconds / Math.max(run(1), 1e-7)));
  let best = Infinity;
  for (let s = 0; s < 5; s++) best = Math.min(best, run(reps) / reps);
  return best;
}

const { blas, coretype, core: blasCore, info: blasInfo } = await openblas(info);
console.log(`- peer: numpy ${blasInfo.numpy} on ${blasInfo.openblas_config} (${blasCore} kernels), 1 thread`);

setNumThreads(1);
const peak = Math.max(...[0, 1, 2].map(() => native._testing.gemmFmaPeak(info.isa, 1)));
// [label, m, n, k, A stored transposed, B stored transposed]: the squares, and the products of one
// W3 training step (784-256-128-10, batch 128; X·W1 also at batch 1024): forward, then backward.
const SHAPES = [
  ['square 512', 512, 512, 512],
  ['square 1024', 1024, 1024, 1024],
  ['square 2048', 2048, 2048, 2048],
  ['X·W1 (128x784 · 784x256)', 128, 256, 784],
  ['X·W1 (1024x784 · 784x256)', 1024, 256, 784],
  ['H1·W2 (128x256 · 256x128)', 128, 128, 256],
  ['dZ2·W2ᵀ (128x128 · 128x256)', 128, 256, 128, false, true],
  ['dZ1·W1ᵀ (128x256 · 256x784)', 128, 784, 256, false, true],
  ['H1ᵀ·dZ2 (256x128 · 128x128)', 256, 128, 128, true, false],
  ['Xᵀ·dZ1 (784x128 · 128x256)', 784, 256, 128, true, false],
];
console.log(`\n### sgemm, 1 thread (FMA peak ${peak.toFixed(0)} GFLOP/s)\n`);
console.log('| shape | myelin GFLOP/s (median) | % of peak | OpenBLAS GFLOP/s | myelin / OpenBLAS, median (spread) |');
console.log('|---|---|---|---|---|');
for (const [label, m, n, k, ta = false, tb = false] of SHAPES) {
  const flops = 2 * m * n * k;
  const mine = [];
  const theirs = [];
  for (let r = 0; r < ROUNDS; r++) {
    mine.push(myelinSeconds(m, n, k, ta, tb, 0.05));
    theirs.push((await blas.ask({ op: 'sgemm', m, n, k, ta, tb, seconds: 0.05 })).seconds);
  }
  const ratios = mine.map((s, i) => theirs[i] / s);
  const g = (s) => (flops / median(s) / 1e9).toFixed(0);
  console.log(
    `| ${label} | ${g(mine)} | ${((flops / median(mine) / 1e9 / peak) * 100).toFixed(0)} % | ${g(theirs)} | ${ratioCell(ratios)} |`,
  );
}
blas.close();

// ---- W3 training against PyTorch ----
const hasTorch = havePython('torch');
if (!hasTorch) {
  console.log('\n- W3 vs PyTorch skipped: python3-torch is not installed (scripts/install-system-deps.sh --bench)');
  process.exit(0);
}
const ROWS = 12800;
const x = new Matrix(ROWS, 784);
for (let i = 0; i < x.data.length; i++) x.data[i] = Math.random();
const y = new Int32Array(ROWS).map((_, i) => Math.min(9, Math.floor(x.data[i * 784] * 10)));
const torch = peer({ OPENBLAS_CORETYPE: coretype });
console.log(`\n### W3 training (784-256-128-10, batch 128, SGD momentum), samples/s; PyTorch ${blasInfo.torch ?? ''}`);
console.log('PyTorch: 1 OpenMP thread (torch.set_num_threads), OpenBLAS threads = the threads measured\n');
console.log('| threads | myelin | PyTorch | myelin / PyTorch, median (spread) |');
console.log('|---|---|---|---|');
const cores = Math.max(1, Math.min(2, info.threads));
// OpenBLAS's threads spin for about 2^28 cycles after a call before they sleep: a pause before each
// myelin round keeps them off its cores (without it, 2-thread myelin read 143k samples/s, alone 183-206k).
const idle = () => new Promise((resolve) => setTimeout(resolve, 250));
for (let threads = 1; threads <= cores; threads++) {
  const mine = [];
  const theirs = [];
  for (let r = 0; r < ROUNDS; r++) {
    await idle();
    setNumThreads(threads);
    setSeed(3);
    const model = new Sequential([
      new Dense(256, { inputDim: 784, activation: 'relu' }),
      new Dense(128, { activation: 'relu' }),
      new Dense(10, { activation: 'softmax' }),
    ]);
    model.compile({ loss: 'categorical_crossentropy', optimizer: new SGD(0.05, 0.9) });
    const t = performance.now();
    await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0 });
    mine.push((performance.now() - t) / 1000);
    theirs.push((await torch.ask({ op: 'w3', threads, rows: ROWS })).seconds);
  }
  const rate = (s) => (ROWS / median(s)).toFixed(0);
  console.log(`| ${threads} | ${rate(mine)} | ${rate(theirs)} | ${ratioCell(mine.map((s, i) => theirs[i] / s))} |`);
}
torch.close();
