import { describe, expect, it } from 'vitest';
import { editHeader, reseal } from './helpers/model-file.js';
import { ModelFileError, decodeFile, encodeFile, type Tensor } from '../lib/io/format.js';

const tensors = (): Tensor[] => [
  { name: 'dense/kernel', shape: [3, 2], data: Float32Array.from([1, -2, 3.5, 0, 1e-30, -7]) },
  { name: 'dense/bias', shape: [2], data: Float32Array.from([0.25, -0.125]) },
  { name: 'empty', shape: [0], data: new Float32Array(0) },
];
const meta = { myelinVersion: '0.1.0', model: { className: 'Sequential', layers: [] }, note: 'ünïcødé' };

const decode = (b: Uint8Array) => decodeFile(b, 'm.myelin');

describe('model file container', () => {
  it('round-trips metadata and tensors bit for bit, with 64-byte aligned data', () => {
    const bytes = encodeFile(meta, tensors());
    const view = new DataView(bytes.buffer);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x4d, 0x59, 0x45, 0x4c, 0x49, 0x4e, 0x0a]);
    expect(view.getUint32(8, true)).toBe(1);
    const d = decode(bytes);
    expect(d.meta).toEqual(meta);
    expect(d.tensors.map((t) => [t.name, t.shape, Array.from(t.data)])).toEqual(
      tensors().map((t) => [t.name, t.shape, Array.from(t.data)]),
    );
    const headerLen = view.getUint32(12, true);
    const dataStart = Math.ceil((32 + headerLen) / 64) * 64;
    expect(bytes.length).toBe(dataStart + 64 + 64 + 4); // kernel 24 B and bias 8 B, each padded to 64
    expect(encodeFile(meta, tensors())).toEqual(bytes); // deterministic
  });

  it('rejects each kind of damage with its own message naming the file', () => {
    const good = () => encodeFile(meta, tensors());
    /** Byte i of the file set to v (or xored with it). */
    const poke =
      (i: number, v: number, xor = false) =>
      (b: Uint8Array) => {
        const at = i < 0 ? b.length + i : i;
        b[at] = xor ? b[at]! ^ v : v;
        return b;
      };
    const cases: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
      ['empty', () => new Uint8Array(0), /m\.myelin: 0 bytes is too short/],
      ['magic', poke(1, 0x4e), /not a myelin model file \(wrong magic/],
      ['text file', () => Buffer.from('{"model": "this is JSON, not a model file"}'), /wrong magic/],
      [
        'version',
        (b) => reseal(poke(8, 2)(b)),
        /format version 2 is not supported \(this myelin reads version 1; the file was written by a newer myelin: update/,
      ],
      // A version field that is not a newer myelin's: damage after the signature, never "newer".
      [
        'version changed, checksum not',
        poke(8, 2),
        /damaged: its format version field reads 2 \(this myelin reads version 1\), and checksum mismatch/,
      ],
      [
        'absurd version',
        (b) => reseal(poke(11, 0x41)(b)),
        /: the file is damaged: its format version field reads 1090519041 \(this myelin reads version 1\), a number no myelin writes$/,
      ],
      [
        'version 0',
        (b) => reseal(poke(8, 0)(b)),
        /damaged: its format version field reads 0 \(this myelin reads version 1\), a number no myelin writes$/,
      ],
      [
        'garbage after the signature',
        (b) => {
          for (let i = 8; i < b.length; i++) b[i] = (i * 151 + 17) & 0xff;
          return b;
        },
        /damaged: its format version field reads 2398576841 \(this myelin reads version 1\), and reserved header bytes/,
      ],
      [
        'newer version, header not JSON',
        (b) => editHeader(poke(8, 2)(b), (j) => j.replace('{', '[')),
        /damaged: its format version field reads 2 \(this myelin reads version 1\), and the JSON header is malformed/,
      ],
      [
        'truncated',
        (b) => b.subarray(0, b.length - 10),
        /the file is \d+ bytes but its header declares \d+ .*: truncated/,
      ],
      ['trailing', (b) => Buffer.concat([b, Buffer.from([0])]), /trailing bytes/],
      ['absurd header length', poke(15, 0x7f), /declared header length \d+ bytes is absurd/],
      ['absurd data length', poke(21, 0x40), /truncated/],
      [
        'checksum',
        poke(-20, 0x10, true),
        /checksum mismatch \(stored CRC-32 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\): the file is corrupted/,
      ],
      ['malformed JSON', (b) => editHeader(b, (j) => j.replace('{', '[')), /the JSON header is malformed/],
      [
        'JSON not an object',
        (b) => editHeader(b, (j) => `${' '.repeat(j.length - 4)}null`),
        /the JSON header is not an object/,
      ],
      [
        'invalid UTF-8',
        (b) => reseal(poke(40, 0xff)(b)),
        /the JSON header is malformed: The encoded data was not valid/,
      ],
      [
        'shape too large',
        (b) => editHeader(b, (j) => j.replace('[3,2]', '[3e9,2]')),
        /needs more bytes than the \d+ of data/,
      ],
      ['bad shape', (b) => editHeader(b, (j) => j.replace('[3,2]', '[3,-2]')), /has an invalid shape \[3,-2\]/],
      ['overlap', (b) => editHeader(b, (j) => j.replace('"offset":64', '"offset":0')), /invalid offset 0/],
      [
        'sizes do not add up',
        (b) => {
          const out = new Uint8Array(b.length + 64);
          out.set(b.subarray(0, b.length - 4));
          new DataView(out.buffer).setUint32(16, new DataView(b.buffer).getUint32(16, true) + 64, true);
          return reseal(out);
        },
        /data region has 192 bytes but the tensor table accounts for 128/,
      ],
      ['no table', (b) => editHeader(b, (j) => j.replace('"tensors"', '"tensorz"')), /no tensor table/],
    ];
    for (const [what, damage, message] of cases) {
      let err: unknown;
      try {
        decode(damage(good()));
      } catch (e) {
        err = e;
      }
      expect(err, what).toBeInstanceOf(ModelFileError);
      expect((err as Error).message, what).toMatch(/^loadModel: m\.myelin: /);
      expect((err as Error).message, what).toMatch(message);
    }
  });

  it('rejects NaN and infinite weights, naming the tensor and index', () => {
    const t = tensors();
    t[1]!.data[1] = NaN;
    expect(() => decode(encodeFile(meta, t))).toThrow(
      'loadModel: m.myelin: tensor 1 ("dense/bias") holds NaN at index 1; weights must be finite',
    );
    t[1]!.data[1] = 0;
    t[0]!.data[4] = -Infinity;
    expect(() => decode(encodeFile(meta, t))).toThrow(/tensor 0 \("dense\/kernel"\) holds -Infinity at index 4/);
  });
});
