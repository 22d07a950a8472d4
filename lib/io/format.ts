// The myelin model file container (format version 1). Little-endian throughout:
//
//   offset  size  field
//        0     8  magic 89 'M' 'Y' 'E' 'L' 'I' 'N' 0A  (the high byte and the LF catch 7-bit and
//                 text-mode transfers, as PNG's signature does)
//        8     4  u32 format version (1)
//       12     4  u32 header length H (UTF-8 JSON)
//       16     8  u64 data length D
//       24     8  reserved, zero
//       32     H  JSON header: { myelinVersion, …metadata, tensors: [{ name, shape, offset }] }
//                 zero padding to a multiple of 64
//   dataStart  D  float32 tensors, each at a 64-byte aligned offset (from dataStart), zero padded
//   dataStart+D 4 u32 CRC-32 of every byte before it
//
// Every later version keeps the 32 fixed bytes and the closing CRC-32, so a reader tells a newer file (it checks)
// from a damaged one. A reader checks magic, sizes against the real length before it allocates anything and the
// checksum, then the version, then the JSON and the tensor table, then the values (finite).
import { crc32 } from 'node:zlib';

export const MAGIC = Uint8Array.of(0x89, 0x4d, 0x59, 0x45, 0x4c, 0x49, 0x4e, 0x0a);
export const FORMAT_VERSION = 1;
const FIXED = 32;
const ALIGN = 64;
/** Larger headers are not something myelin writes; refuse before decoding. */
const MAX_HEADER_BYTES = 64 << 20;
/** Format versions a later myelin could write; a larger number in that field is damage. */
const MAX_PLAUSIBLE_VERSION = 255;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export interface Tensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface DecodedFile {
  formatVersion: number;
  /** The JSON header without its tensor table. */
  meta: Record<string, unknown>;
  tensors: Tensor[];
}

/** A model file that is not valid; `file` is the path (or "<bytes>") and `problem` the reason. */
export class ModelFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`loadModel: ${file}: ${problem}`);
    this.name = 'ModelFileError';
  }
}

const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

export function encodeFile(meta: Record<string, unknown>, tensors: Tensor[]): Uint8Array {
  const table: { name: string; shape: number[]; offset: number }[] = [];
  let dataLength = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length)
      throw new Error(`tensor ${t.name}: shape [${t.shape}] needs ${n} values, has ${t.data.length}`);
    table.push({ name: t.name, shape: t.shape, offset: dataLength });
    dataLength = align(dataLength + 4 * n);
  }
  const json = new TextEncoder().encode(JSON.stringify({ ...meta, tensors: table }));
  const dataStart = align(FIXED + json.length);
  const out = new Uint8Array(dataStart + dataLength + 4);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  view.setUint32(16, dataLength % 2 ** 32, true);
  view.setUint32(20, Math.floor(dataLength / 2 ** 32), true);
  out.set(json, FIXED);
  tensors.forEach((t, i) => {
    const at = dataStart + table[i]!.offset;
    if (LITTLE_ENDIAN) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    else for (let k = 0; k < t.data.length; k++) view.setFloat32(at + 4 * k, t.data[k]!, true);
  });
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

export function decodeFile(bytes: Uint8Array, file: string): DecodedFile {
  const fail = (problem: string): never => {
    throw new ModelFileError(file, problem);
  };
  if (bytes.length < FIXED + 4)
    fail(
      `${bytes.length} bytes is too short for a myelin model file (at least ${FIXED + 4}); the file is truncated or not a model`,
    );
  for (let i = 0; i < MAGIC.length; i++)
    if (bytes[i] !== MAGIC[i]) fail('not a myelin model file (wrong magic bytes at the start)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  const frame = checkFrame(bytes, view);
  const { headerLength, dataLength, dataStart } = frame;
  const header = frame.problem === null ? parseHeader(bytes.subarray(FIXED, FIXED + headerLength)) : null;
  if (version !== FORMAT_VERSION) fail(versionProblem(version, frame.problem ?? header?.problem ?? null));
  if (frame.problem !== null) fail(frame.problem);
  if (header?.problem) fail(header.problem);
  const { tensors: table, ...meta } = header!.json!;
  if (!Array.isArray(table)) fail('the JSON header has no tensor table ("tensors" array)');

  const tensors: Tensor[] = [];
  const names = new Set<string>();
  let end = 0; // tensors are laid out in order without overlap
  (table as unknown[]).forEach((entry, i) => {
    const e = entry as { name?: unknown; shape?: unknown; offset?: unknown };
    const name = typeof e?.name === 'string' ? e.name : fail(`tensor ${i} has no name`);
    const what = `tensor ${i} (${JSON.stringify(name)})`;
    if (names.has(name)) fail(`${what} appears twice`);
    names.add(name);
    if (!Array.isArray(e.shape) || e.shape.length > 8 || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(`${what} has an invalid shape ${JSON.stringify(e.shape)}`);
    const shape = e.shape as number[];
    let count = 1;
    for (const d of shape) {
      count *= d;
      if (count * 4 > dataLength) fail(`${what} of shape [${shape}] needs more bytes than the ${dataLength} of data`);
    }
    const offset = e.offset;
    if (!Number.isSafeInteger(offset) || (offset as number) % ALIGN !== 0 || (offset as number) < end)
      fail(
        `${what} has an invalid offset ${JSON.stringify(offset)} (must be a multiple of ${ALIGN}, after the previous tensor)`,
      );
    const off = offset as number;
    if (off + count * 4 > dataLength)
      fail(`${what} at offset ${off} with ${count * 4} bytes runs past the ${dataLength} bytes of data`);
    end = off + count * 4;
    const data = new Float32Array(count);
    const at = dataStart + off;
    if (LITTLE_ENDIAN) new Uint8Array(data.buffer).set(bytes.subarray(at, at + count * 4));
    else for (let k = 0; k < count; k++) data[k] = view.getFloat32(at + 4 * k, true);
    for (let k = 0; k < count; k++)
      if (!Number.isFinite(data[k]!)) fail(`${what} holds ${data[k]} at index ${k}; weights must be finite`);
    tensors.push({ name, shape, data });
  });
  if (align(end) !== dataLength)
    fail(`the data region has ${dataLength} bytes but the tensor table accounts for ${align(end)}`);
  return { formatVersion: version, meta, tensors };
}

interface Frame {
  /** What is wrong with the fixed header's lengths or the checksum, or null. */
  problem: string | null;
  headerLength: number;
  dataLength: number;
  dataStart: number;
}

/** The fixed header's lengths against the file's size, then the CRC-32: the same in every format version. */
function checkFrame(bytes: Uint8Array, view: DataView): Frame {
  const headerLength = view.getUint32(12, true);
  const dataLength = view.getUint32(16, true) + view.getUint32(20, true) * 2 ** 32;
  const dataStart = align(FIXED + headerLength);
  const frame = (problem: string | null): Frame => ({ problem, headerLength, dataLength, dataStart });
  if (view.getUint32(24, true) !== 0 || view.getUint32(28, true) !== 0)
    return frame('reserved header bytes are not zero (corrupted)');
  if (headerLength > MAX_HEADER_BYTES)
    return frame(`declared header length ${headerLength} bytes is absurd (limit ${MAX_HEADER_BYTES}); corrupted`);
  const expected = dataStart + dataLength + 4;
  if (dataLength % 4 !== 0) return frame(`declared data length ${dataLength} is not a multiple of 4; corrupted`);
  if (expected > bytes.length)
    return frame(
      `the file is ${bytes.length} bytes but its header declares ${expected} ` +
        `(${headerLength} of JSON, ${dataLength} of data): truncated`,
    );
  if (expected < bytes.length)
    return frame(
      `the file is ${bytes.length} bytes but its header declares ${expected}: trailing bytes or corrupted lengths`,
    );
  const stored = view.getUint32(expected - 4, true);
  const actual = crc32(bytes.subarray(0, expected - 4));
  if (stored !== actual)
    return frame(`checksum mismatch (stored CRC-32 ${hex(stored)}, computed ${hex(actual)}): the file is corrupted`);
  return frame(null);
}

/** The JSON header as an object, or what is wrong with it. */
function parseHeader(bytes: Uint8Array): { json?: Record<string, unknown>; problem?: string } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    return { problem: `the JSON header is malformed: ${(e as Error).message}` };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return { problem: 'the JSON header is not an object' };
  return { json: json as Record<string, unknown> };
}

/**
 * A version other than 1: newer only if the rest checks (every version keeps this fixed header, the closing
 * CRC-32 and a JSON object as header) and the number is one a later myelin could write; otherwise the bytes
 * after the signature are damaged.
 */
function versionProblem(version: number, frame: string | null): string {
  if (frame === null && version > FORMAT_VERSION && version <= MAX_PLAUSIBLE_VERSION)
    return (
      `format version ${version} is not supported (this myelin reads version ${FORMAT_VERSION}; ` +
      'the file was written by a newer myelin: update myelin to read it)'
    );
  return (
    `the file is damaged: its format version field reads ${version} (this myelin reads version ${FORMAT_VERSION})` +
    (frame === null ? ', a number no myelin writes' : `, and ${frame}`)
  );
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
