// The engine contract is written once (native/contract.json); the files generated from it are checked in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, no types
import { generate, loadContract } from '../scripts/gen-contract.mjs';
import { checkField } from '../lib/engine/fields.js';
import { ACTIVATIONS, METRICS, OPTIMIZER_DEFAULTS } from '../lib/engine/ids.js';
import { SPEC_FIELDS } from '../lib/engine/specs.js';
import { native } from '../lib/native.js';
import { dense } from './helpers/engine.js';

const root = join(import.meta.dirname, '..');
const schema = readFileSync(join(root, 'native/contract.json'), 'utf8');

describe('engine contract', () => {
  it('the checked-in generated files are what scripts/gen-contract.mjs writes (npm run gen:contract)', () => {
    const files = generate() as Record<string, string>;
    expect(Object.keys(files).sort()).toEqual(['lib/engine/ids.ts', 'lib/engine/specs.ts', 'native/core/contract.h']);
    for (const [path, text] of Object.entries(files))
      expect([path, readFileSync(join(root, path), 'utf8')]).toEqual([path, text]);
  });

  it('the built addon was compiled from the same lists', () => {
    const net = new native.Network([dense(2, 2, ACTIVATIONS.length - 1)]);
    expect(net.paramCount).toBe(6);
    expect(() => new native.Network([dense(2, 2, ACTIVATIONS.length)])).toThrow(
      `an activation id below ${ACTIVATIONS.length}`,
    );
  });

  it('rejects a schema with a repeated id, an unknown field type or a default outside its range', () => {
    const edit = (f: (c: any) => void) => {
      const c = JSON.parse(schema);
      f(c);
      return () => loadContract(JSON.stringify(c));
    };
    expect(edit(() => {})).not.toThrow();
    expect(edit((c) => c.ids.activations.names.push('relu'))).toThrow(
      /ids\.activations: 'relu' \(Relu\) appears twice/,
    );
    expect(edit((c) => (c.specs.DenseSpec.fields.units.type = 'complex'))).toThrow(
      /DenseSpec\.units: unknown type 'complex'/,
    );
    expect(edit((c) => (c.optimizers.adam.beta1 = 1))).toThrow(/optimizers\.adam\.beta1 = 1 is not in \[0, 1\)/);
    expect(edit((c) => (c.optimizers.adam.gamma = 1))).toThrow(/optimizers\.adam\.gamma is not an OptimizerSpec field/);
    expect(edit((c) => delete c.optimizers.sgd)).toThrow(/optimizers\.sgd is missing/);
  });

  it('reads id lists and nested specs from the tables in the binding, naming the path', () => {
    const net = new native.Network([dense(2, 1, 0)]);
    const opt = { kind: 0, learningRate: 0.1 };
    const m = METRICS.length;
    expect(() => net.compile({ loss: 0, metrics: [0, m], optimizer: opt } as never)).toThrow(
      `spec.metrics[1] must be a metric id below ${m}, got ${m}`,
    );
    expect(() => net.compile({ loss: 0, metrics: 3, optimizer: opt } as never)).toThrow(
      'spec.metrics must be an array, got the number 3',
    );
    expect(() => net.compile({ loss: 0, metrics: [], optimizer: { ...opt, kind: 7 } } as never)).toThrow(
      'spec.optimizer.kind must be an optimizer id below 7, got 7',
    );
    expect(() => net.compile({ loss: 0, metrics: [], optimizer: { ...opt, rho: 1 } } as never)).toThrow(
      'spec.optimizer.rho must be in [0, 1), got 1',
    );
    expect(() => net.compile({ loss: 0, metrics: [] } as never)).toThrow(
      'spec.optimizer must be an object, got undefined',
    );
  });

  it('generates lists of numbers and optional nested specs', () => {
    const c = JSON.parse(schema);
    c.specs.OptimizerSpec.fields.boundaries = { type: 'float[]', min: 0, default: [] };
    c.specs.CompileSpec.fields.warmup = { type: 'OptimizerSpec', default: null };
    const out = generate(loadContract(JSON.stringify(c))) as Record<string, string>;
    expect(out['lib/engine/specs.ts']).toContain('  boundaries: number[];\n');
    expect(out['lib/engine/specs.ts']).toContain('  warmup?: OptimizerSpec | null;\n');
    expect(out['native/core/contract.h']).toContain('{"boundaries", FieldType::FloatList, true, 0.0, 0.0, kNone,');
    const at = Object.keys(c.specs.CompileSpec.fields).indexOf('warmup');
    expect(out['native/core/contract.h']).toContain(`v(kCompileSpecFields[${at}], s.warmup, kOptimizerSpecFields, `);
    c.specs.DenseSpec.fields.units.type = 'CompileSpec';
    expect(() => loadContract(JSON.stringify(c))).toThrow(
      /DenseSpec\.units: unknown type 'CompileSpec' \(define nested specs first\)/,
    );
  });

  it('gives C++ enumerators in CamelCase unless the schema names them', () => {
    const h = (generate() as Record<string, string>)['native/core/contract.h']!;
    expect(h).toContain(
      'enum class Act : int { Linear = 0, Relu = 1, Sigmoid = 2, Tanh = 3, Softmax = 4, LeakyRelu = 5,',
    );
    expect(h).toContain('enum class LossId : int { Mse = 0, Mae = 1, Bce = 2, Cce = 3, SparseCce = 4, Huber = 5,');
    expect(h).toContain('enum class SoftmaxRule : int { ShiftInvariant = 0, Shap = 1, Shapley = 2 };');
  });

  it('checks a user value against the field it becomes, naming the argument', () => {
    const f = SPEC_FIELDS.OptimizerSpec;
    expect(checkField(0.5, f.momentum, 'SGD', 'momentum')).toBe(0.5);
    expect(checkField(1, f.momentum, 'SGD', 'momentum')).toBe(1);
    expect(() => checkField(1, f.beta1, 'Adam', 'beta1')).toThrow('Adam: beta1 must be in [0, 1), got 1');
    expect(() => checkField(0, f.learningRate, 'SGD', 'learningRate')).toThrow(
      'SGD: learningRate must be a finite number > 0, got 0',
    );
    expect(() => checkField(Infinity, f.clipNorm, 'SGD', 'clipnorm')).toThrow(
      'must be a finite number >= 0, got Infinity',
    );
    expect(() => checkField('1', f.epsilon, 'Adam', 'epsilon')).toThrow(
      'Adam: epsilon must be a finite number >= 0, got the string "1"',
    );
    expect(() => checkField(2.5, SPEC_FIELDS.DenseSpec.units, 'Dense', 'units')).toThrow(
      'Dense: units must be an integer >= 1, got 2.5',
    );
    expect(OPTIMIZER_DEFAULTS.adam).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  });

  it("an optimizer field the spec leaves out takes that optimizer's default in the engine", () => {
    // Adagrad's accumulators start at its initial value: 0.1 by default, whatever the other optimizers say.
    const net = new native.Network([dense(2, 1, 0)]);
    net.compile({ loss: 0, metrics: [], optimizer: { kind: 3, learningRate: 0.1 } as never });
    expect(Array.from(net.getOptimizerState().slots[0]!)).toEqual([0.1, 0.1].map(Math.fround));
  });
});

describe('references of the ids', () => {
  it('every activation but softmax has a float64 reference, and every loss one (test/helpers/reference.ts)', async () => {
    const { ACTIVATION_REFERENCE, sampleLoss, sampleLossGrad } = await import('./helpers/reference.js');
    const { LOSSES } = await import('../lib/engine/ids.js');
    expect(Object.keys(ACTIVATION_REFERENCE).sort()).toEqual(ACTIVATIONS.filter((a) => a !== 'softmax').sort());
    LOSSES.forEach((_, id) => {
      expect(Number.isFinite(sampleLoss(id, [0.25, 0.75], [0, 1]))).toBe(true);
      expect(sampleLossGrad(id, false, [0.25, 0.75], [0, 1])).toHaveLength(2);
    });
  });
});
