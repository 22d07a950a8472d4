// Checks a value a user passes against the range of the spec field it becomes (SPEC_FIELDS, generated
// from native/contract.json): the one place the range is written, with a message naming the argument.
import type { FieldRule } from './specs.js';
import { given } from '../names.js';

/** `who: name must be in [0, 1), got 1.5` unless `v` is a number the field allows. */
export function checkField(v: unknown, rule: FieldRule, who: string, name: string): number {
  if (typeof v !== 'number' || !allows(rule, v)) {
    const bounded = rule.type === 'int' || (rule.min !== undefined && rule.max !== undefined);
    throw new RangeError(`${who}: ${name} must be ${bounded ? '' : 'a finite number '}${rule.want}, got ${given(v)}`);
  }
  return v;
}

function allows(rule: FieldRule, v: number): boolean {
  if (!Number.isFinite(v) || (rule.type === 'int' && !Number.isInteger(v))) return false;
  if (rule.min !== undefined && (rule.minOpen ? !(v > rule.min) : !(v >= rule.min))) return false;
  return rule.max === undefined || (rule.maxOpen ? v < rule.max : v <= rule.max);
}
