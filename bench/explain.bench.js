// Explain benchmarks: DeepExplainer on the W3 network (784-256(relu)-128(relu)-10(softmax), random
// weights) for 100 rows against 100 background rows (target < 2 s); KernelExplainer on a small
// tabular model. Also prints the worst local-accuracy error |E + Σφ − f(x)| and the largest |φ|
// (SHAP's own softmax rule gives values far outside a probability's range; see docs/explain.md).
import { DeepExplainer, KernelExplainer, Matrix, backendInfo, setNumThreads } from '../dist/index.js';

function seeded(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
const random = seeded(42);
const matrix = (r, c, scale) =>
  new Matrix(
    r,
    c,
    Float32Array.from({ length: r * c }, () => (random() * 2 - 1) * scale),
  );
const net = (widths, acts) =>
  acts.map((activation, l) => ({
    kernel: matrix(widths[l], widths[l + 1], Math.sqrt(6 / (widths[l] + widths[l + 1]))),
    bias: matrix(1, widths[l + 1], 0.05).data,
    activation,
  }));

function worstAdditivity(expected, phi, out) {
  let worst = 0;
  for (let k = 0; k < phi.length; k++)
    for (let i = 0; i < phi[k].rows; i++) {
      let s = expected[k];
      for (let j = 0; j < phi[k].cols; j++) s += phi[k].get(i, j);
      worst = Math.max(worst, Math.abs(s - out.get(i, k)));
    }
  return worst;
}

function time(f, reps) {
  f(); // warm-up
  const t = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
}

const info = backendInfo();
console.log(`isa ${info.isa}, threads ${info.threads}`);

const w3 = net([784, 256, 128, 10], ['relu', 'relu', 'softmax']);
const bg = matrix(100, 784, 1).data.map(Math.abs);
const x = matrix(100, 784, 1).data.map(Math.abs);
const bgM = new Matrix(100, 784, bg);
const xM = new Matrix(100, 784, x);
const maxAbs = (phi) => Math.max(...phi.map((m) => m.data.reduce((a, v) => Math.max(a, Math.abs(v)), 0)));
console.log('| case | threads | median ms | worst |E + Σφ − f(x)| | max |φ| |');
console.log('| --- | --- | --- | --- | --- |');
for (const [th, rule] of [
  [1, 'shapley'],
  [2, 'shapley'],
  [1, 'shap'],
]) {
  setNumThreads(th);
  const e = new DeepExplainer(w3, bgM, { softmaxRule: rule });
  let phi;
  const ms = time(() => (phi = e.shapValues(xM)), 2);
  const out = new Matrix(100, 10);
  for (let i = 0; i < 100; i++) {
    // f(x_i) is the expected value over the one-row background {x_i}
    const fx = new DeepExplainer(w3, xM.sliceRows(i, i + 1)).expectedValue;
    for (let k = 0; k < 10; k++) out.set(i, k, fx[k]);
  }
  console.log(
    `| DeepExplainer W3 (softmaxRule '${rule}'), 100 rows x 100 background | ${th} | ${ms.toFixed(0)} | ${worstAdditivity(e.expectedValue, phi, out).toExponential(2)} | ${maxAbs(phi).toFixed(3)} |`,
  );
}

// Kernel SHAP on a tabular model: 10 features, 10-32(relu)-1(sigmoid), exact (1022 coalitions).
setNumThreads(2);
const tab = net([10, 32, 1], ['relu', 'sigmoid']);
const tabBg = matrix(50, 10, 1);
const tabX = matrix(100, 10, 1);
const ke = new KernelExplainer(tab, tabBg);
let kphi;
const kms = time(() => (kphi = ke.shapValues(tabX)), 2);
const kout = new Matrix(100, 1);
for (let i = 0; i < 100; i++) kout.set(i, 0, new DeepExplainer(tab, tabX.sliceRows(i, i + 1)).expectedValue[0]);
console.log(
  `| KernelExplainer 10 features (exact), 100 rows x 50 background | 2 | ${kms.toFixed(0)} | ${worstAdditivity(ke.expectedValue, kphi, kout).toExponential(2)} | |`,
);
const tab30 = net([30, 64, 1], ['relu', 'sigmoid']);
const ke30 = new KernelExplainer(tab30, matrix(50, 30, 1));
const k30ms = time(() => ke30.shapValues(matrix(20, 30, 1), { nSamples: 2048 }), 1);
console.log(`| KernelExplainer 30 features, nSamples 2048, 20 rows x 50 background | 2 | ${k30ms.toFixed(0)} | | |`);
