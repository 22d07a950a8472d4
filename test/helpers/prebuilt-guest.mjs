// Runs inside another platform's Node (linux-arm64 under qemu-user, win32-x64 under wine) with
// PREBUILDS_ONLY=1: loads prebuilds/<platform>-<arch>/ through dist/, runs the host's GEMM and kernel
// cases on every ISA the binary supports, trains the course perceptron, and writes what it got for
// the host to check (test/helpers/prebuilt.ts). Arguments: <cases.json> <results.json>.
// Plain JS on purpose: the guest has no TypeScript toolchain. Float32Arrays travel as base64.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [casesFile, resultsFile] = process.argv.slice(2);
const f32 = (s) => new Float32Array(new Uint8Array(Buffer.from(s, 'base64')).buffer);
const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

const { native, packageRoot } = await import('../../dist/native.js');
const { Dense, SGD, Sequential, StandardScaler, datasets, setSeed } = await import('../../dist/index.js');
const cases = JSON.parse(readFileSync(casesFile, 'utf8'));
const k = native._testing.kernels; // test hook (lib/native.ts)
const info = native.backendInfo();

const isas = {};
for (const isa of info.supportedIsas) {
  native._testing.forceIsa(isa);
  const gemm = cases.gemm.map((g) => {
    const c = f32(g.c);
    native.gemm(
      g.ta,
      g.tb,
      g.m,
      g.n,
      g.k,
      g.alpha,
      f32(g.a),
      g.lda,
      f32(g.b),
      g.ldb,
      g.beta,
      c,
      g.ldc,
      g.bias === null ? null : f32(g.bias),
      g.act,
    );
    return b64(c);
  });
  const act = cases.acts.map((id) => {
    const y = new Float32Array(f32(cases.z).length);
    k.actForward(id, f32(cases.z), y);
    return b64(y);
  });
  const softmax = f32(cases.softmax.x);
  k.softmaxRows(softmax, cases.softmax.rows, cases.softmax.cols);
  const { w, m, v, g, lr, beta1, beta2, eps } = cases.adam;
  const [aw, am, av] = [f32(w), f32(m), f32(v)];
  k.adam(aw, am, av, f32(g), lr, beta1, beta2, eps);
  isas[isa] = { gemm, act, softmax: b64(softmax), adam: { w: b64(aw), m: b64(am), v: b64(av) } };
}
native._testing.forceIsa(info.isa);
const file = createRequire(import.meta.url)('node-gyp-build').path(packageRoot);
const results = { platform: process.platform, arch: process.arch, file, info, isas, accuracy: null };
writeFileSync(resultsFile, JSON.stringify(results)); // kept if training crashes

// The course's first exercise (test/model-course.test.ts): a perceptron separating x + y >= 100.
setSeed(1);
const train = datasets.linear(250, { seed: 7 });
const test = datasets.linear(1000, { seed: 8 });
const scaler = new StandardScaler();
const model = new Sequential();
model.add(new Dense(1, { inputDim: 2, activation: 'sigmoid' }));
model.compile({ loss: 'binary_crossentropy', optimizer: new SGD(0.1, 0.9), metrics: ['accuracy'] });
await model.fit(scaler.fitTransform(train.x), train.y, { epochs: 1500, batchSize: 250, verbose: 0 });
const pred = model.predictClasses(scaler.transform(test.x));
const accuracy = pred.reduce((s, p, i) => s + (p === test.y[i] ? 1 : 0), 0) / test.y.length;

writeFileSync(resultsFile, JSON.stringify({ ...results, accuracy }));
