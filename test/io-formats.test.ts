import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dense, Matrix, Sequential, loadModel } from '../lib/index.js';
import { FORMATS, formatForPath, sniffFormat } from '../lib/io/formats.js';
import { MAX_METADATA_CHARS } from '../lib/io/metadata.js';
import { editJson, readHeader } from './helpers/model-file.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'myelin-formats-'));
const small = () => new Sequential([new Dense(3, { inputDim: 2, activation: 'relu' }), new Dense(1)]);

describe('the format registry', () => {
  it('maps extensions to formats (case-insensitive), anything else to myelin', () => {
    expect(formatForPath('a/b.ONNX').name).toBe('onnx');
    expect(formatForPath('m.keras').name).toBe('keras');
    expect(formatForPath('m.h5').name).toBe('h5');
    expect(formatForPath('m.hdf5').name).toBe('h5');
    expect(formatForPath('m.myelin').name).toBe('myelin');
    expect(formatForPath('model.bin').name).toBe('myelin');
    expect(formatForPath('onnx').name).toBe('myelin');
  });

  it('recognises each signature and nothing else', () => {
    const bytes = small().toBuffer();
    expect(sniffFormat(bytes, 'f').name).toBe('myelin');
    expect(sniffFormat(Uint8Array.of(0x50, 0x4b, 3, 4, 0), 'f').name).toBe('keras');
    expect(sniffFormat(Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a), 'f').name).toBe('h5');
    const userBlock = new Uint8Array(600);
    userBlock.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 512);
    expect(sniffFormat(userBlock, 'f').name).toBe('h5');
    expect(sniffFormat(Uint8Array.of(0x08, 0x08, 0x12), 'f').name).toBe('onnx');
    expect(() => sniffFormat(new Uint8Array(0), 'f')).toThrow('loadModel: f: the file is empty');
    expect(() => sniffFormat(new TextEncoder().encode('x,y\n1,2\n'), 'data.csv')).toThrow(
      /^loadModel: data\.csv: not a model file myelin reads: it starts with bytes 78 2c 79 0a 31 2c 32 0a, the signature of none of myelin's own file, ONNX/,
    );
    // No other format claims myelin's bytes.
    expect(FORMATS.filter((g) => g.sniff(bytes)).map((g) => g.name)).toEqual(['myelin']);
  });

  it('save picks the format from the extension; { format } overrides it; unknown names are refused', async () => {
    const d = tmp();
    const m = small();
    await m.save(join(d, 'model.bin'));
    expect(Buffer.from(readFileSync(join(d, 'model.bin'))).equals(Buffer.from(m.toBuffer()))).toBe(true);
    await m.save(join(d, 'model.onnx.bak'), { format: 'myelin' });
    expect(sniffFormat(readFileSync(join(d, 'model.onnx.bak')), 'f').name).toBe('myelin');
    expect(m.toBuffer({ format: 'myelin' })).toEqual(m.toBuffer());
    expect(() => m.toBuffer({ format: 'pmml' as never })).toThrow(
      "toBuffer: format must be one of 'myelin', 'onnx', 'keras', 'h5', got the string \"pmml\"",
    );
    await expect(m.save(join(d, 'x'), { format: 'tflite' as never })).rejects.toThrow(/^save: format must be one of/);
    expect(() => new Sequential([new Dense(2)]).toBuffer({ format: 'onnx' })).toThrow(
      /^toBuffer: the model has no weights yet/,
    );
    // The Keras formats answer with a promise, so their errors are rejections, not throws.
    for (const format of ['keras', 'h5'] as const) {
      const pending = new Sequential([new Dense(2)]).toBuffer({ format });
      expect(pending).toBeInstanceOf(Promise);
      await expect(pending).rejects.toThrow(/^toBuffer: the model has no weights yet/);
    }
  });
});

describe('model.metadata', () => {
  it('is an empty object by default, kept by save/load, and independent of the object it was set from', async () => {
    const m = small();
    expect(m.metadata).toEqual({});
    const notes = { featureNames: ['a', 'b'], units: 'cm', version: 3, nested: { ok: true, list: [1, null, 'x'] } };
    m.metadata = notes;
    notes.units = 'changed';
    expect(m.metadata.units).toBe('cm');
    m.metadata.trainedBy = 'test'; // changed in place: kept too
    const l = await loadModel(m.toBuffer());
    expect(l.metadata).toEqual({
      featureNames: ['a', 'b'],
      units: 'cm',
      version: 3,
      nested: { ok: true, list: [1, null, 'x'] },
      trainedBy: 'test',
    });
    expect(readHeader(m.toBuffer()).metadata.units).toBe('cm');
  });

  it('refuses what JSON cannot keep, naming the path to the bad value', () => {
    const m = small();
    const bad: [unknown, RegExp][] = [
      [null, /^metadata must be a plain object of JSON values, got null/],
      [[1, 2], /^metadata must be a plain object/],
      [new Map(), /^metadata must be a plain object/],
      [{ a: Number.NaN }, /^metadata\.a is NaN; JSON numbers must be finite/],
      [{ a: [1, Infinity] }, /^metadata\.a\[1\] is Infinity/],
      [
        { f: () => 1 },
        /^metadata\.f is function .*only null, booleans, numbers, strings, arrays and plain objects are kept/,
      ],
      [{ d: new Date(0) }, /^metadata\.d is .*only null/],
      [{ u: undefined }, /^metadata\.u is undefined/],
      [{ big: 'x'.repeat(MAX_METADATA_CHARS) }, /^metadata is 1048586 characters as JSON; the limit is 1048576/],
    ];
    for (const [value, message] of bad) expect(() => (m.metadata = value as never), String(message)).toThrow(message);
    const cyclic: Record<string, unknown> = { a: {} };
    (cyclic.a as Record<string, unknown>).back = cyclic;
    expect(() => (m.metadata = cyclic as never)).toThrow(
      'metadata.a.back refers back to an enclosing object (a cycle)',
    );
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => (m.metadata = { deep } as never)).toThrow(/nested more than 64 levels deep/);
    expect(m.metadata).toEqual({});
    // Changed in place into something JSON cannot keep: refused at save, naming where.
    m.metadata.when = new Date(0) as never;
    expect(() => m.toBuffer()).toThrow(/^toBuffer: metadata\.when is/);
  });

  it('reads the CLI\'s notes from files written before metadata existed (header key "cli")', async () => {
    const m = small();
    const old = editJson(m.toBuffer(), (h) => {
      delete h.metadata;
      h.cli = { task: 'regression', target: 'y', featureNames: ['a', 'b'] };
    });
    expect((await loadModel(old)).metadata).toEqual({ task: 'regression', target: 'y', featureNames: ['a', 'b'] });
    const none = editJson(m.toBuffer(), (h) => delete h.metadata);
    expect((await loadModel(none)).metadata).toEqual({});
    const damaged = editJson(m.toBuffer(), (h) => (h.metadata = [1]));
    await expect(loadModel(damaged)).rejects.toThrow(
      /^loadModel: <bytes>: the metadata is invalid: metadata must be a plain object/,
    );
  });

  it('a loaded model predicts as the saved one', async () => {
    const m = small();
    const x = Matrix.from([
      [1, 2],
      [-3, 0.5],
    ]);
    expect((await loadModel(m.toBuffer())).predict(x).data).toEqual(m.predict(x).data);
  });
});
