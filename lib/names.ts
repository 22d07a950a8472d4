// Resolves user-given names ('binaryCrossentropy', 'MSE', 'leaky_relu') to canonical snake_case
// identifiers; unknown names throw listing the accepted ones (never a silent default).

import { describe } from './matrix.js';

/** 'binary_crossentropy' → 'binaryCrossentropy'. */
export type CamelCase<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

/** The spellings resolveName accepts for a snake_case name, as a type: snake_case, camelCase, PascalCase and
 *  UPPER_CASE ('binary_crossentropy', 'binaryCrossentropy', 'BinaryCrossentropy', 'BINARY_CROSSENTROPY'). */
export type Spellings<S extends string> = S | CamelCase<S> | Capitalize<CamelCase<S>> | Uppercase<S>;

/** camelCase / PascalCase / UPPER → snake_case lower. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * Looks `name` up in `table` (canonical snake_case keys) after snake-casing it.
 * `what` names the argument in the error ("compile: loss"); `shown` are the names listed as valid.
 */
export function resolveName<T>(
  name: unknown,
  table: Readonly<Record<string, T>>,
  what: string,
  shown?: readonly string[],
): T {
  if (typeof name === 'string') {
    const key = snakeCase(name);
    if (Object.hasOwn(table, key)) return table[key]!;
  }
  const valid = (shown ?? Object.keys(table)).map((n) => `'${n}'`).join(', ');
  if (name === undefined || name === null) throw new Error(`${what} is required; valid names are ${valid}`);
  const got = typeof name === 'string' ? `'${name}'` : String(name);
  throw new Error(`${what}: unknown name ${got}; valid names are ${valid}`);
}

/** A value as an error message shows it: numbers as they are, anything else described ('the string "3"'). */
export function given(v: unknown): string {
  return typeof v === 'number' ? String(v) : describe(v);
}

/** The most epochs fit counts (the engine numbers epochs in 32 bits). */
export const MAX_EPOCHS = 2 ** 31 - 1;

/**
 * An integer option in [min, max] (max: the largest integer a double counts exactly), `fallback` when undefined;
 * otherwise a RangeError naming it and the value given (1e20 passes Number.isInteger but counts nothing).
 */
export function intOption(
  v: unknown,
  fallback: number,
  min: number,
  what: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = v ?? fallback;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min)
    throw new RangeError(`${what} must be an integer >= ${min}, got ${given(v)}`);
  if (n > max) {
    const most = max === Number.MAX_SAFE_INTEGER ? '2^53 - 1, the largest integer counted exactly' : String(max);
    throw new RangeError(`${what} must be an integer from ${min} to ${most}, got ${given(v)}`);
  }
  return n;
}

/** A boolean option, `fallback` when undefined. */
export function boolOption(v: unknown, fallback: boolean, what: string): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`${what} must be true or false, got ${describe(v)}`);
  return v;
}

/** An options argument: an object (undefined for none) of the allowed keys only. */
export function checkOptions(options: unknown, allowed: readonly string[], what: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${what}: options must be an object, got ${describe(options)}`);
  checkKeys(options, allowed, what);
}

/** Throws on option keys that are not in `allowed` (a typo must not silently become a default). */
export function checkKeys(options: object, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(options))
    if (!allowed.includes(key)) {
      const hint =
        key === 'inputShape' || key === 'input_shape' || key === 'input_dim' ? ' (the input width is inputDim: n)' : '';
      throw new TypeError(`${what}: unknown option '${key}'${hint}; valid options are ${allowed.join(', ')}`);
    }
}
