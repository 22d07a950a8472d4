// The ONNX protobuf schema (schema/onnx.proto, the official file), loaded by protobufjs on first use:
// loading protobufjs and parsing the schema takes tens of milliseconds that a program which never
// touches ONNX should not pay, and a synchronous require keeps model.toBuffer({ format: 'onnx' }) sync.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Protobuf from 'protobufjs';

/** The decoded shapes of the messages myelin reads (field names as protobufjs spells them). */
export interface TensorProto {
  dims?: number[];
  dataType?: number;
  name?: string;
  floatData?: number[];
  doubleData?: number[];
  int64Data?: number[];
  rawData?: Uint8Array;
  dataLocation?: number;
  externalData?: unknown[];
  segment?: unknown;
}
export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}
export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: AttributeProto[];
}
export interface ValueInfoProto {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: { dimValue?: number; dimParam?: string }[] } } };
}
export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  sparseInitializer?: unknown[];
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
}
export interface ModelProto {
  irVersion?: number;
  opsetImport?: { domain?: string; version?: number }[];
  producerName?: string;
  producerVersion?: string;
  graph?: GraphProto;
  metadataProps?: { key?: string; value?: string }[];
  functions?: unknown[];
}

/** TensorProto.DataType values myelin uses. */
export const FLOAT = 1;
export const DOUBLE = 11;
export const INT64 = 7;
export const STRING = 8;
/** AttributeProto.AttributeType values myelin uses. */
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

let modelType: Protobuf.Type | null = null;

/** onnx.ModelProto, with the schema loaded on the first call. */
export function modelProto(): Protobuf.Type {
  if (!modelType) {
    const protobuf = createRequire(import.meta.url)('protobufjs') as typeof Protobuf;
    // lib/io/onnx/ and dist/io/onnx/ both sit three folders below the package root.
    const root = protobuf.loadSync(fileURLToPath(new URL('../../../schema/onnx.proto', import.meta.url)));
    modelType = root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

/** Bytes → a plain ModelProto object (int64 as numbers; bytes as Uint8Array views into `bytes`). */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  const type = modelProto();
  return type.toObject(type.decode(bytes), { longs: Number, enums: Number, defaults: false }) as ModelProto;
}

export function encodeModelProto(model: ModelProto): Uint8Array {
  const type = modelProto();
  // A plain Uint8Array of its own: protobufjs may hand back a Buffer sharing Node's pool, whose slice() is a view.
  return new Uint8Array(type.encode(type.fromObject(model as Record<string, unknown>)).finish());
}
