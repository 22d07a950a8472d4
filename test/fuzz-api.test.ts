// Fuzz of the public API with hostile buffers: every call either gives the value the same call gives
// on a plain copy of its input, or throws an Error that names the problem; none crashes or hangs.
// Fixed seed and a bounded number of runs (a few seconds).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dense, Matrix, Sequential, StandardScaler, matmul, matmulAsync, setSeed } from '../lib/index.js';

type BufferKind =
  | 'plain'
  | 'shared'
  | 'resizable'
  | 'misaligned'
  | 'detached'
  | 'shrunk'
  | 'detachedAfter'
  | 'shrunkAfter';

/** n floats copied into a buffer of the given kind; '...After' kinds are spoiled once an async call started. */
function hostile(values: Float32Array, kind: BufferKind): Float32Array {
  const n = values.length;
  let a: Float32Array;
  if (kind === 'shared') a = new Float32Array(new SharedArrayBuffer(n * 4));
  else if (kind === 'resizable' || kind === 'shrunk' || kind === 'shrunkAfter')
    a = new Float32Array(new ArrayBuffer(n * 4, { maxByteLength: n * 4 + 64 }), 0, n);
  else if (kind === 'misaligned')
    a = new Float32Array(new ArrayBuffer(n * 4 + 4), 4, n); // 4 bytes off any SIMD alignment
  else a = new Float32Array(n);
  a.set(values);
  if (kind === 'detached') structuredClone(a.buffer, { transfer: [a.buffer] });
  if (kind === 'shrunk') (a.buffer as ArrayBuffer & { resize(n: number): void }).resize(4);
  return a;
}

function spoil(a: Float32Array, kind: BufferKind): void {
  if (kind === 'detachedAfter') structuredClone(a.buffer, { transfer: [a.buffer] });
  if (kind === 'shrunkAfter') (a.buffer as ArrayBuffer & { resize(n: number): void }).resize(0);
}

const kinds: BufferKind[] = [
  'plain',
  'shared',
  'resizable',
  'misaligned',
  'detached',
  'shrunk',
  'detachedAfter',
  'shrunkAfter',
];
const inputDim = 5;
setSeed(3);
const model = new Sequential([new Dense(7, { inputDim, activation: 'tanh' }), new Dense(3, { activation: 'softmax' })]);
model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });

const ops = ['predict', 'predictAsync', 'evaluate', 'fit', 'matmul', 'matmulAsync', 'scaler'] as const;

/** Runs one op; returns its numeric result (for comparison with the plain copy). */
async function run(op: (typeof ops)[number], x: Matrix, after: () => void): Promise<number[]> {
  const labels = Int32Array.from({ length: x.rows }, (_, i) => i % 3);
  const w = new Matrix(
    x.cols,
    2,
    Float32Array.from({ length: x.cols * 2 }, (_, i) => (i % 5) - 2),
  );
  let p: Promise<unknown> | unknown;
  switch (op) {
    case 'predict':
      return Array.from(model.predict(x).data);
    case 'predictAsync':
      p = model.predictAsync(x);
      after();
      return Array.from(((await p) as Matrix).data);
    case 'evaluate':
      p = model.evaluate(x, labels);
      after();
      return (await p) as number[];
    case 'fit': {
      const m = Sequential.fromConfig(model.getConfig());
      m.setWeights(model.getWeights());
      m.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'sgd' });
      p = m.fit(x, labels, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
      after();
      await p;
      return m.getWeights().flatMap((v) => Array.from(v instanceof Matrix ? v.data : v));
    }
    case 'matmul':
      return Array.from(matmul(x, w).data);
    case 'matmulAsync':
      p = matmulAsync(x, w);
      after();
      return Array.from(((await p) as Matrix).data);
    case 'scaler':
      return Array.from(new StandardScaler().fit(x).transform(x).data);
  }
}

describe('fuzz: public API with detached, resizable, shared and misaligned buffers', () => {
  it('gives the plain-copy result or a clear error, never a crash', async () => {
    let errors = 0,
      values = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops),
        fc.constantFrom(...kinds),
        fc.integer({ min: 1, max: 40 }),
        fc.float32Array({ minLength: 40 * inputDim, maxLength: 40 * inputDim, noNaN: true, min: -10, max: 10 }),
        async (op, kind, rows, pool) => {
          const values32 = pool.subarray(0, rows * inputDim);
          const plain = new Matrix(rows, inputDim, values32.slice());
          let x: Matrix;
          const data = hostile(values32, kind);
          try {
            x = new Matrix(rows, inputDim, data);
          } catch (e) {
            expect(e).toBeInstanceOf(RangeError); // the buffer was gone before the Matrix was made
            errors++;
            return;
          }
          let got: number[];
          try {
            got = await run(op, x, () => spoil(data, kind));
          } catch (e) {
            expect(e).toBeInstanceOf(Error);
            expect((e as Error).message).toMatch(/\w/);
            expect(kind === 'plain' || kind === 'shared' || kind === 'misaligned' || kind === 'resizable').toBe(false);
            errors++;
            return;
          }
          expect(got).toEqual(await run(op, plain, () => {}));
          values++;
        },
      ),
      { seed: 20261127, numRuns: 150 },
    );
    expect(values).toBeGreaterThan(50);
    expect(errors).toBeGreaterThan(10);
  });
});
