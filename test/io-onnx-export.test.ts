import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Dense,
  Dropout,
  Matrix,
  MinMaxScaler,
  Sequential,
  StandardScaler,
  loadModel,
  setSeed,
  type ActivationName,
} from '../lib/index.js';
import { ACTIVATIONS } from '../lib/engine/ids.js';
import { decodeModelProto } from '../lib/io/onnx/schema.js';
import { maxRelDiff, ortPredict, python, pythonOnnxMissing } from './helpers/onnx.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'myelin-onnx-'));

/** Rows on very different scales, so a scaler matters. */
function rows(n: number, cols: number, seed: number): Matrix {
  const x = new Matrix(n, cols);
  let s = seed;
  for (let i = 0; i < x.data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x.data[i] = ((s / 2 ** 32) * 2 - 1) * 10 ** ((i % cols) - 1) + (i % cols) * 3;
  }
  return x;
}

function net(activation: ActivationName, scaler: 'none' | 'standard' | 'minmax', x: Matrix): Sequential {
  const m = new Sequential([
    new Dense(7, { inputDim: x.cols, activation, name: 'hidden' }),
    new Dropout(0.3),
    new Dense(4, { activation, useBias: activation !== 'relu' }),
    new Dense(3, { activation }),
  ]);
  if (scaler === 'standard') m.setPreprocessing(new StandardScaler().fit(x));
  if (scaler === 'minmax') m.setPreprocessing(new MinMaxScaler({ featureRange: [-1, 2] }).fit(x));
  return m;
}

const checkerMissing = pythonOnnxMissing();
const CHECK = `
import json, sys, onnx
for f in sys.argv[1:]:
    m = onnx.load(f)
    onnx.checker.check_model(m, full_check=True)
    g = m.graph
    print(json.dumps({'opset': m.opset_import[0].version, 'ir': m.ir_version, 'inputs': [(i.name, [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim]) for i in g.input],
      'outputs': [(o.name, [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim]) for o in g.output],
      'ops': [n.op_type for n in g.node], 'meta': {p.key: p.value for p in m.metadata_props}}))
`;

describe('ONNX export', () => {
  it('every activation, with and without a scaler: onnxruntime gives what predict gives (within 1e-5)', async () => {
    setSeed(3);
    const x = rows(64, 5, 9);
    for (const activation of ACTIVATIONS)
      for (const scaler of ['none', 'standard', 'minmax'] as const) {
        const m = net(activation, scaler, x);
        const got = await ortPredict(m.toBuffer({ format: 'onnx' }), x);
        expect(maxRelDiff(got, m.predict(x).data), `${activation} / ${scaler}`).toBeLessThan(1e-5);
      }
  });

  it('the graph: input x [batch, n], output y, Gemm per Dense, no Dropout, scaler first, opset 17, metadata; onnx.checker accepts it', (ctx) => {
    if (checkerMissing) {
      console.log(`skipped onnx.checker: ${checkerMissing}`);
      ctx.skip();
    }
    const x = rows(20, 5, 1);
    const d = tmp();
    const files = ACTIVATIONS.map((a) => {
      const m = net(a, a === 'gelu' ? 'minmax' : 'standard', x);
      m.metadata = { featureNames: ['a', 'b', 'c', 'd', 'e'], units: 'cm', version: 2 };
      const f = join(d, `${a}.onnx`);
      writeFileSync(f, m.toBuffer({ format: 'onnx' }));
      return f;
    });
    const reports = python(CHECK, files)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(reports).toHaveLength(ACTIVATIONS.length);
    const byName = Object.fromEntries(ACTIVATIONS.map((a, i) => [a, reports[i]]));
    for (const r of reports) {
      expect(r.opset).toBe(17);
      expect(r.ir).toBe(8);
      expect(r.inputs).toEqual([['x', ['batch', 5]]]);
      expect(r.outputs).toEqual([['y', ['batch', 3]]]);
      expect(r.ops.slice(0, 2)).toEqual(['Sub', 'Div']);
      expect(r.ops.filter((o: string) => o === 'Gemm')).toHaveLength(3);
      expect(r.ops).not.toContain('Dropout');
      expect(JSON.parse(r.meta.featureNames)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(JSON.parse(r.meta.units)).toBe('cm');
    }
    expect(byName.linear.ops).toEqual(['Sub', 'Div', 'Gemm', 'Gemm', 'Gemm']);
    expect(byName.relu.ops).toEqual(['Sub', 'Div', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm', 'Relu']);
    expect(byName.gelu.ops.slice(2, 8)).toEqual(['Gemm', 'Div', 'Erf', 'Add', 'Mul', 'Mul']);
    expect(byName.swish.ops.slice(2, 5)).toEqual(['Gemm', 'Sigmoid', 'Mul']);
    expect(JSON.parse(byName.gelu.meta['myelin.preprocessing']).className).toBe('MinMaxScaler');
  });

  it('round trip: loadModel of the ONNX bytes predicts the same, with the same scaler and metadata', async () => {
    const x = rows(32, 5, 4);
    for (const activation of ACTIVATIONS) {
      const m = net(activation, activation === 'elu' ? 'minmax' : 'standard', x);
      m.metadata = { classNames: ['a', 'b', 'c'], nested: { n: 1.5, ok: true, none: null } };
      const l = await loadModel(m.toBuffer({ format: 'onnx' }));
      expect(l.predict(x).data, activation).toEqual(m.predict(x).data); // the same float32 weights and scaler
      expect(l.layers.map((y) => [y.name, (y as Dense).activation, (y as Dense).useBias])).toEqual([
        ['hidden', activation, true],
        ['dense', activation, activation !== 'relu'],
        ['dense_1', activation, true],
      ]);
      expect(l.preprocessing!.toJSON()).toEqual(m.preprocessing!.toJSON());
      expect(l.metadata).toEqual(m.metadata);
      expect(l.optimizer).toBeNull(); // ONNX is inference only
    }
  });

  it('save(path.onnx) writes ONNX; a model of one linear layer and no scaler still exports', async () => {
    const m = new Sequential([new Dense(2, { inputDim: 3 })]);
    const d = tmp();
    await m.save(join(d, 'm.ONNX'));
    const l = await loadModel(join(d, 'm.ONNX'));
    const x = rows(5, 3, 2);
    expect(l.predict(x).data).toEqual(m.predict(x).data);
    const proto = decodeModelProto(m.toBuffer({ format: 'onnx' }));
    expect(proto.graph!.node!.map((n) => n.opType)).toEqual(['Gemm']);
    expect(proto.producerName).toBe('myelin');
  });
});
