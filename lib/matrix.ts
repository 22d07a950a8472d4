// The library's 2-D float32 type: row-major data in a Float32Array, passed to native without copies.

export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;

  /** Wraps `data` (no copy) or allocates zeros. `data.length` must be rows * cols. */
  constructor(rows: number, cols: number, data?: Float32Array) {
    checkDim(rows, 'rows');
    checkDim(cols, 'cols');
    if (data === undefined) data = new Float32Array(rows * cols);
    else if (!(data instanceof Float32Array))
      throw new TypeError(`Matrix data must be a Float32Array, got ${describe(data)}`);
    else if (data.length !== rows * cols)
      throw new RangeError(`Matrix data has ${data.length} elements; a ${rows}x${cols} matrix needs ${rows * cols}`);
    this.rows = rows;
    this.cols = cols;
    this.data = data;
    // The shape is checked against data once, here: frozen, it cannot drift from data.length later.
    Object.freeze(this);
  }

  /** Copies a rectangular array of finite-or-not numbers; ragged rows or non-numbers are errors. */
  static from(values: ArrayLike<ArrayLike<number>>, name = 'values'): Matrix {
    if (values === null || typeof values !== 'object' || typeof values.length !== 'number')
      throw new TypeError(`${name} must be an array of rows, got ${describe(values)}`);
    const rows = values.length;
    const cols = rows > 0 ? (attached(values[0], `${name}[0]`)?.length ?? 0) : 0;
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = attached(values[i], `${name}[${i}]`);
      if (row === null || typeof row !== 'object' || typeof row.length !== 'number')
        throw new TypeError(`${name}[${i}] must be an array of numbers, got ${describe(row)}`);
      if (row.length !== cols)
        throw new RangeError(
          `${name}[${i}] has ${row.length} values but row 0 has ${cols} (rows must all be the same length)`,
        );
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        if (typeof v !== 'number') throw new TypeError(`${name}[${i}][${j}] must be a number, got ${describe(v)}`);
        data[i * cols + j] = v;
      }
    }
    return new Matrix(rows, cols, data);
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  get(i: number, j: number): number {
    this.checkIndex(i, j);
    return this.data[i * this.cols + j]!;
  }

  set(i: number, j: number, value: number): void {
    this.checkIndex(i, j);
    this.data[i * this.cols + j] = value;
  }

  /** Row i as a view (no copy). */
  row(i: number): Float32Array {
    this.checkIndex(i, 0);
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** Rows [start, end) as a Matrix sharing this one's memory. */
  sliceRows(start: number, end: number): Matrix {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.rows || start > end)
      throw new RangeError(`sliceRows(${start}, ${end}) is outside 0..${this.rows}`);
    return new Matrix(end - start, this.cols, this.data.subarray(start * this.cols, end * this.cols));
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  toArray(): number[][] {
    const out: number[][] = new Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols));
    return out;
  }

  toString(): string {
    return `Matrix(${this.rows}x${this.cols})`;
  }

  private checkIndex(i: number, j: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.rows || !Number.isInteger(j) || j < 0 || j >= this.cols)
      throw new RangeError(`index (${i}, ${j}) is outside a ${this.rows}x${this.cols} matrix`);
  }
}

/**
 * `m` unless its array no longer holds its rows x cols values: an ArrayBuffer transferred (postMessage,
 * structuredClone) or shrunk after the Matrix was made leaves an empty or shorter view behind.
 */
export function intact(m: Matrix, what: string): Matrix {
  if (m.data.length !== m.rows * m.cols)
    throw new RangeError(
      `${what}: its Float32Array now holds ${m.data.length} values, not the ${m.rows}x${m.cols} = ${m.rows * m.cols} ` +
        `it had (its ArrayBuffer was transferred to another thread, detached or shrunk)`,
    );
  return m;
}

/**
 * `v` unless it is a typed array whose ArrayBuffer was transferred (postMessage, structuredClone) or detached:
 * it then reads as empty, and was taken for 0 rows or values ('y has 0 rows but x has 4').
 */
export function attached<T>(v: T, what: string): T {
  if (ArrayBuffer.isView(v) && v.byteLength === 0 && isDetached(v.buffer))
    throw new TypeError(
      `${what}: its ${v.constructor.name}'s ArrayBuffer was transferred to another thread or detached, so it ` +
        'holds nothing now; pass a copy (slice()) of it',
    );
  return v;
}

function isDetached(b: ArrayBufferLike): boolean {
  if (b.byteLength !== 0 || (typeof SharedArrayBuffer !== 'undefined' && b instanceof SharedArrayBuffer)) return false;
  try {
    new Uint8Array(b);
    return false;
  } catch {
    return true;
  }
}

function checkDim(n: number, name: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Matrix ${name} must be a non-negative integer, got ${n}`);
}

/** Short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}
