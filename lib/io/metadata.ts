// model.metadata: the user's own notes (feature names, class names, units, a version...), kept by every
// file format. Only plain JSON survives every format unchanged, so that is all it may hold; the size is
// bounded so a file's notes cannot grow without limit (or be forged to exhaust memory on load).
import { describe } from '../matrix.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Metadata = { [key: string]: JsonValue };

/** The largest metadata, as JSON text (UTF-16 code units). */
export const MAX_METADATA_CHARS = 1 << 20;
const MAX_DEPTH = 64;

/**
 * Checks that `value` is a plain object of JSON values (no functions, class instances, NaN,
 * Infinity, undefined, cycles) whose JSON is at most MAX_METADATA_CHARS; returns a deep copy.
 * `where` starts the error message ('metadata', 'save: metadata', 'loadModel: x.onnx: metadata').
 */
export function checkMetadata(value: unknown, where: string): Metadata {
  if (!isPlainObject(value))
    throw new TypeError(`${where} must be a plain object of JSON values, got ${describe(value)}`);
  const open = new Set<object>();
  const visit = (v: unknown, path: string, depth: number): void => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new TypeError(`${where}${path} is ${v}; JSON numbers must be finite`);
      return;
    }
    if (typeof v !== 'object' || !(Array.isArray(v) || isPlainObject(v)))
      throw new TypeError(
        `${where}${path} is ${describe(v)}; only null, booleans, numbers, strings, arrays and plain objects are kept`,
      );
    if (depth > MAX_DEPTH) throw new RangeError(`${where}${path} is nested more than ${MAX_DEPTH} levels deep`);
    if (open.has(v)) throw new TypeError(`${where}${path} refers back to an enclosing object (a cycle)`);
    open.add(v);
    if (Array.isArray(v)) v.forEach((e, i) => visit(e, `${path}[${i}]`, depth + 1));
    else for (const [k, e] of Object.entries(v)) visit(e, `${path}.${k}`, depth + 1);
    open.delete(v);
  };
  visit(value, '', 0);
  const json = JSON.stringify(value);
  if (json.length > MAX_METADATA_CHARS)
    throw new RangeError(`${where} is ${json.length} characters as JSON; the limit is ${MAX_METADATA_CHARS}`);
  return JSON.parse(json) as Metadata;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
