// The ONNX entry of the format registry (../formats.ts); the reader is imported on first use (see there).
import type { ModelFormat } from '../formats.js';
import { modelToOnnx } from './export.js';

/** An ONNX ModelProto starts with field 1 (ir_version, a small varint): tag 0x08, then 1..127. */
export const isOnnx = (b: Uint8Array) => b.length >= 2 && b[0] === 0x08 && b[1]! >= 1 && b[1]! <= 0x7f;

export const onnxFormat: ModelFormat = {
  name: 'onnx',
  extensions: ['.onnx'],
  description: 'ONNX (.onnx)',
  sniff: isOnnx,
  asyncEncode: false,
  encode: modelToOnnx,
  decode: async (bytes, file) => (await import('./import.js')).onnxToModel(bytes, file),
};
