// ONNX TensorProto → numbers: float32 or float64 weights from raw_data (little-endian) or the typed
// fields, int64 for shapes. Sizes are checked against the bytes really present before allocating.
import { DOUBLE, FLOAT, INT64, type TensorProto } from './schema.js';

export interface Constant {
  dims: number[];
  values: Float64Array;
}

const NAMES: Record<number, string> = {
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  6: 'INT32',
  7: 'INT64',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  16: 'BFLOAT16',
};
export const typeName = (t: number | undefined) => NAMES[t ?? 0] ?? `data type ${t ?? 0}`;

/** The values of a tensor (float32, float64 or int64) as float64; throws a message naming the tensor. */
export function readTensor(t: TensorProto, what: string): Constant {
  const dims = t.dims ?? [];
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`${what} has invalid dims [${dims}]`);
  if (t.dataLocation === 1 || (t.externalData?.length ?? 0) > 0)
    throw new Error(
      `${what} keeps its values in an external file, which myelin does not read; ` +
        'save the model with its weights inside',
    );
  if (t.segment) throw new Error(`${what} is a segment of a larger tensor, which myelin does not read`);
  const type = t.dataType ?? 0;
  const width = type === FLOAT ? 4 : type === DOUBLE || type === INT64 ? 8 : 0;
  if (width === 0)
    throw new Error(`${what} is ${typeName(type)}; myelin reads FLOAT, DOUBLE (weights) and INT64 (shapes)`);
  const raw = t.rawData;
  const typed = type === FLOAT ? t.floatData : type === DOUBLE ? t.doubleData : t.int64Data;
  const held = raw && raw.length > 0 ? raw.length / width : (typed?.length ?? 0);
  let count = 1;
  for (const d of dims) {
    count *= d;
    if (count > held) throw new Error(`${what} has dims [${dims}] but holds only ${held} values`);
  }
  if (count !== held) throw new Error(`${what} has dims [${dims}] (${count} values) but holds ${held}`);
  const values = new Float64Array(count);
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++)
      values[i] =
        type === FLOAT
          ? view.getFloat32(4 * i, true)
          : type === DOUBLE
            ? view.getFloat64(8 * i, true)
            : Number(view.getBigInt64(8 * i, true));
  } else values.set(typed!.map(Number));
  if (type !== INT64) {
    const bad = values.findIndex((v) => !Number.isFinite(v) || Math.abs(v) > 3.4028234663852886e38);
    if (bad >= 0)
      throw new Error(`${what} holds ${values[bad]} at index ${bad}; weights must be finite float32 values`);
  }
  return { dims, values };
}

/** The graph's constants (initializers and Constant nodes), each read on first use and then kept. */
export class Constants {
  private readonly read = new Map<string, () => Constant>();

  private readonly dims = new Map<string, number[]>();

  add(name: string, dims: number[], load: () => Constant): void {
    let value: Constant | null = null;
    this.read.set(name, () => (value ??= load()));
    this.dims.set(name, dims);
  }
  has(name: string): boolean {
    return this.read.has(name);
  }
  shapeOf(name: string): number[] {
    return this.dims.get(name) ?? [];
  }
  names(): IterableIterator<string> {
    return this.read.keys();
  }
  /** True for a constant of one value (a scalar, [1], [1, 1]...), judged from its declared dims. */
  isScalar(name: string): boolean {
    return this.dims.get(name)?.every((d) => d === 1) ?? false;
  }
  get(name: string): Constant | null {
    return this.read.get(name)?.() ?? null;
  }
}
