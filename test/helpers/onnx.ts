// Tools for the ONNX tests: run a file in onnxruntime-node (the reference runtime), check it with
// Debian's python3-onnx, build small graphs by hand through the same official schema.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { Matrix } from '../../lib/index.js';
import { encodeModelProto, type ModelProto, type NodeProto, type TensorProto } from '../../lib/io/onnx/schema.js';

/** onnxruntime's output for the rows of x (input and output found by position). */
export async function ortPredict(bytes: Uint8Array, x: Matrix): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const shape = [x.rows, x.cols];
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x.data.slice(), shape) });
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** The largest |a - b| / max(1, |b|). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

export const PYTHON = '/usr/bin/python3';
/** Why Debian's onnx cannot be used here, or null when it can. */
export function pythonOnnxMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} is absent`;
  const r = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' });
  return r.status === 0
    ? null
    : `python3-onnx is not installed (scripts/install-system-deps.sh installs it): ${r.stderr.trim().split('\n').pop()}`;
}

/** Runs python code with the file paths as sys.argv[1:]; returns stdout, throws with stderr. */
export function python(code: string, args: string[]): string {
  const r = spawnSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}

export const floats = (name: string, dims: number[], values: number[]): TensorProto => ({
  name,
  dims,
  dataType: 1,
  floatData: values,
});

/** A one-input, one-output float graph: input 'x' [batch, width], output 'y' [batch, outWidth]. */
export function graph(
  width: number,
  outWidth: number,
  node: NodeProto[],
  initializer: TensorProto[],
  options: Partial<ModelProto> = {},
): Uint8Array {
  const io = (name: string, dims: (number | null)[]) => ({
    name,
    type: {
      tensorType: {
        elemType: 1,
        shape: { dim: dims.map((d) => (d === null ? { dimParam: 'batch' } : { dimValue: d })) },
      },
    },
  });
  return encodeModelProto({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'hand', node, initializer, input: [io('x', [null, width])], output: [io('y', [null, outWidth])] },
    ...options,
  });
}
