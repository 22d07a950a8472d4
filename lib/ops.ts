// Public matrix products on the native GEMM. Inputs go to native without copies.
import { Matrix, describe, intact } from './matrix.js';
import { native } from './native.js';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

function prepare(a: Matrix, b: Matrix, opts: MatmulOptions) {
  if (!(a instanceof Matrix)) throw new TypeError(`matmul: a must be a Matrix, got ${describe(a)}`);
  if (!(b instanceof Matrix)) throw new TypeError(`matmul: b must be a Matrix, got ${describe(b)}`);
  intact(a, 'matmul: a');
  intact(b, 'matmul: b');
  const ta = opts.transposeA ?? false;
  const tb = opts.transposeB ?? false;
  const m = ta ? a.cols : a.rows;
  const k = ta ? a.rows : a.cols;
  const kb = tb ? b.cols : b.rows;
  const n = tb ? b.rows : b.cols;
  if (k !== kb)
    throw new RangeError(
      `matmul: inner dimensions differ: op(a) is ${m}x${k}${ta ? ' (a transposed)' : ''}, ` +
        `op(b) is ${kb}x${n}${tb ? ' (b transposed)' : ''}`,
    );
  const out = new Matrix(m, n);
  const args = [
    ta,
    tb,
    m,
    n,
    k,
    1,
    a.data,
    Math.max(a.cols, 1),
    b.data,
    Math.max(b.cols, 1),
    0,
    out.data,
    Math.max(n, 1),
    null,
    0,
  ] as const;
  return { out, args };
}

/** op(a) · op(b), synchronously. Use matmulAsync for large products in a service. */
export function matmul(a: Matrix, b: Matrix, opts: MatmulOptions = {}): Matrix {
  const { out, args } = prepare(a, b, opts);
  native.gemm(...args);
  return out;
}

/** op(a) · op(b) on a worker thread; the event loop keeps running. */
export async function matmulAsync(a: Matrix, b: Matrix, opts: MatmulOptions = {}): Promise<Matrix> {
  const { out, args } = prepare(a, b, opts);
  await native.gemmAsync(...args);
  return out;
}
