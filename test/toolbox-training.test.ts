// The losses, optimizers and learning-rate schedules of issue 12 against PyTorch autograd in float64
// with Keras 3's formulas and update rules: test/fixtures/make_toolbox_fixtures.py trains the same
// 3-4-K network on the same data and records the epoch losses and final weights (toolbox.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dense, Loss, Matrix, Optimizer, Sequential, type LossConfig, type OptimizerConfig } from '../lib/index.js';

interface Case {
  group: 'loss' | 'optimizer';
  name: string;
  loss: string | LossConfig;
  outputs: number;
  activation: 'linear' | 'sigmoid' | 'softmax';
  optimizer: OptimizerConfig;
  batchSize: number;
  epochs: number;
  sparse?: boolean;
  x: number[][];
  y: number[][] | number[];
  weights: number[][];
  expected: { losses: number[]; weights: number[][] };
}

const { cases } = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'toolbox.json'), 'utf8')) as {
  cases: Case[];
};

export async function train(c: Case) {
  const model = new Sequential([
    new Dense(4, { inputDim: 3, activation: 'tanh' }),
    new Dense(c.outputs, { activation: c.activation }),
  ]);
  const loss = typeof c.loss === 'string' ? c.loss : Loss.fromConfig(c.loss);
  model.compile({ loss, optimizer: Optimizer.fromConfig(c.optimizer) });
  const w = c.weights;
  model.setWeights([
    new Matrix(3, 4, Float32Array.from(w[0]!)),
    Float32Array.from(w[1]!),
    new Matrix(4, c.outputs, Float32Array.from(w[2]!)),
    Float32Array.from(w[3]!),
  ]);
  const y = c.sparse ? Int32Array.from(c.y as number[]) : (c.y as number[][]);
  const h = await model.fit(c.x, y, { epochs: c.epochs, batchSize: c.batchSize, shuffle: false, verbose: 0 });
  return {
    model,
    losses: h.history['loss']!,
    weights: model.getWeights().map((v) => Array.from(v instanceof Matrix ? v.data : v)),
  };
}

function expectClose(actual: number[], expected: number[], what: string, tol = 1e-5) {
  expect(actual, what).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    const scale = Math.max(1, Math.abs(expected[i]!));
    expect(Math.abs(a - expected[i]!) / scale, `${what}[${i}]: ${a} vs ${expected[i]}`).toBeLessThan(tol);
  });
}

for (const group of ['loss', 'optimizer'] as const)
  describe(`${group}s match PyTorch float64 with Keras's formulas`, () => {
    it.each(cases.filter((c) => c.group === group).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const got = await train(c);
      expectClose(got.losses, c.expected.losses, 'epoch losses');
      got.weights.forEach((w, i) => expectClose(w, c.expected.weights[i]!, `weights[${i}]`));
      // The weights moved: the comparison is not between two copies of the start.
      expect(got.weights[2]!.some((v, i) => Math.abs(v - c.weights[2]![i]!) > 1e-4)).toBe(true);
    });
  });
