// Tools for damaging model files on purpose: edit the JSON header, reseal the checksum.
import { crc32 } from 'node:zlib';

/** Recomputes the trailing CRC-32 after a deliberate edit, to reach the checks behind it. */
export function reseal(b: Uint8Array): Uint8Array {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(b.length - 4, crc32(b.subarray(0, b.length - 4)), true);
  return b;
}

/** Rewrites the JSON header (any length), keeps the data region, and reseals. */
export function editHeader(b: Uint8Array, edit: (json: string) => string): Uint8Array {
  const len = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(12, true);
  const data = b.subarray(Math.ceil((32 + len) / 64) * 64, b.length - 4);
  const json = Buffer.from(edit(Buffer.from(b.subarray(32, 32 + len)).toString('utf8')), 'utf8');
  const start = Math.ceil((32 + json.length) / 64) * 64;
  const out = new Uint8Array(start + data.length + 4);
  out.set(b.subarray(0, 32));
  new DataView(out.buffer).setUint32(12, json.length, true);
  out.set(json, 32);
  out.set(data, start);
  return reseal(out);
}

/** The JSON header as an object; editJson rewrites it through a function of the object. */
export function readHeader(b: Uint8Array): Record<string, any> {
  const len = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(12, true);
  return JSON.parse(Buffer.from(b.subarray(32, 32 + len)).toString('utf8'));
}

export function editJson(b: Uint8Array, edit: (h: Record<string, any>) => void): Uint8Array {
  return editHeader(b, (j) => {
    const h = JSON.parse(j);
    edit(h);
    return JSON.stringify(h);
  });
}
