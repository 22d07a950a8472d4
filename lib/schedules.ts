// Learning-rate schedules (Keras 3's keras/src/optimizers/schedules/learning_rate_schedule.py),
// passed as an optimizer's learning rate: `new SGD(new ExponentialDecay({...}), 0.9)`. The engine
// evaluates them natively at every optimizer step (native/core/engine/optimizer.cc) at Keras's step
// count, `iterations` from 0; call(step) here gives the same value to JS (optimizer.learningRate).
import type { ScheduleSpec } from './engine/contract.js';
import { SCHEDULES, type ScheduleName } from './engine/ids.js';
import { SPEC_FIELDS } from './engine/specs.js';
import { describe } from './matrix.js';
import { checkKeys, resolveName } from './names.js';

/** Serialized schedule: `{ className: 'ExponentialDecay', config: { initialLearningRate: 0.1, ... } }`. */
export interface ScheduleConfig {
  className: string;
  config: Record<string, number | boolean | number[] | null>;
}

export abstract class LearningRateSchedule {
  abstract readonly className: string;
  /** The learning rate at optimizer step `step` (Keras's `iterations`, 0 for the first step). */
  abstract call(step: number): number;
  /** Keras-style config with camelCase keys; LearningRateSchedule.fromConfig rebuilds the schedule. */
  abstract getConfig(): ScheduleConfig;
  /** @internal The spec the engine evaluates. */
  abstract toSpec(): ScheduleSpec;

  static fromConfig(cfg: ScheduleConfig): LearningRateSchedule {
    const shown = Object.values(CLASS_NAMES);
    const kind = resolveName(cfg?.className, CLASSES, 'LearningRateSchedule.fromConfig: className', shown);
    return kind(cfg.config ?? {});
  }

  /** @internal The spec of a constant rate (kind 'none'). */
  static none(): ScheduleSpec {
    return spec('none', {});
  }

  protected spec(name: ScheduleName, fields: Partial<ScheduleSpec>): ScheduleSpec {
    return spec(name, fields);
  }
}

export interface ExponentialDecayOptions {
  initialLearningRate: number;
  /** > 0. */
  decaySteps: number;
  decayRate: number;
  /** Decay in whole intervals of decaySteps. Default false. */
  staircase?: boolean;
}

/** The fields, checks and config ExponentialDecay and InverseTimeDecay share; they differ in their formula. */
abstract class DecaySchedule extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  protected constructor(options: ExponentialDecayOptions, who: string, decayRateMin: 'positive' | 'nonNegative') {
    super();
    const o = checkOptions(options, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase'], who);
    this.initialLearningRate = positive(o.initialLearningRate, 'initialLearningRate', who);
    this.decaySteps = positive(o.decaySteps, 'decaySteps', who);
    this.decayRate = (decayRateMin === 'positive' ? positive : nonNegative)(o.decayRate, 'decayRate', who);
    this.staircase = flag(o.staircase, 'staircase', who);
  }
  /** step / decaySteps, whole intervals only with staircase. */
  protected progress(step: number): number {
    const p = step / this.decaySteps;
    return this.staircase ? Math.floor(p) : p;
  }
  getConfig(): ScheduleConfig {
    const { initialLearningRate, decaySteps, decayRate, staircase } = this;
    return { className: this.className, config: { initialLearningRate, decaySteps, decayRate, staircase } };
  }
  protected decaySpec(name: ScheduleName): ScheduleSpec {
    const { initialLearningRate: initial, decaySteps, decayRate, staircase } = this;
    return this.spec(name, { initial, decaySteps, decayRate, staircase });
  }
}

/** initialLearningRate * decayRate ^ (step / decaySteps). */
export class ExponentialDecay extends DecaySchedule {
  readonly className = 'ExponentialDecay';
  constructor(options: ExponentialDecayOptions) {
    super(options, 'ExponentialDecay', 'positive');
  }
  call(step: number): number {
    return this.initialLearningRate * this.decayRate ** this.progress(step);
  }
  toSpec(): ScheduleSpec {
    return this.decaySpec('exponential_decay');
  }
}

/** initialLearningRate / (1 + decayRate * step / decaySteps). */
export class InverseTimeDecay extends DecaySchedule {
  readonly className = 'InverseTimeDecay';
  constructor(options: ExponentialDecayOptions) {
    super(options, 'InverseTimeDecay', 'nonNegative');
  }
  call(step: number): number {
    return this.initialLearningRate / (1 + this.decayRate * this.progress(step));
  }
  toSpec(): ScheduleSpec {
    return this.decaySpec('inverse_time_decay');
  }
}

export interface PiecewiseConstantDecayOptions {
  /** Increasing steps; values[i] applies for boundaries[i - 1] < step <= boundaries[i]. */
  boundaries: number[];
  /** One more than boundaries. */
  values: number[];
}

export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: number[];
  readonly values: number[];
  constructor(options: PiecewiseConstantDecayOptions) {
    super();
    const who = 'PiecewiseConstantDecay';
    const o = checkOptions(options, ['boundaries', 'values'], who);
    this.boundaries = numbers(o.boundaries, 'boundaries', who);
    this.values = numbers(o.values, 'values', who);
    this.boundaries.forEach((b, i) => {
      if (i > 0 && !(b > this.boundaries[i - 1]!))
        throw new RangeError(
          `${who}: boundaries must increase, got ${b} after ${this.boundaries[i - 1]} (boundaries[${i}])`,
        );
    });
    this.values.forEach((v, i) => nonNegative(v, `values[${i}]`, who));
    if (this.values.length !== this.boundaries.length + 1)
      throw new RangeError(
        `${who}: values must have one more element than boundaries, got ${this.values.length} values and ` +
          `${this.boundaries.length} boundaries`,
      );
  }
  call(step: number): number {
    let i = 0;
    while (i < this.boundaries.length && step > this.boundaries[i]!) i++;
    return this.values[i]!;
  }
  getConfig(): ScheduleConfig {
    return { className: this.className, config: { boundaries: [...this.boundaries], values: [...this.values] } };
  }
  toSpec(): ScheduleSpec {
    return this.spec('piecewise_constant_decay', { boundaries: this.boundaries, values: this.values });
  }
}

export interface PolynomialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** Default 1e-4. */
  endLearningRate?: number;
  /** Default 1. */
  power?: number;
  /** Restart the decay every decaySteps (with a longer period). Default false. */
  cycle?: boolean;
}

/** (initial - end) * (1 - step / decaySteps) ^ power + end. */
export class PolynomialDecay extends LearningRateSchedule {
  readonly className = 'PolynomialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  constructor(options: PolynomialDecayOptions) {
    super();
    const who = 'PolynomialDecay';
    const o = checkOptions(options, ['initialLearningRate', 'decaySteps', 'endLearningRate', 'power', 'cycle'], who);
    this.initialLearningRate = positive(o.initialLearningRate, 'initialLearningRate', who);
    this.decaySteps = positive(o.decaySteps, 'decaySteps', who);
    this.endLearningRate = nonNegative(o.endLearningRate ?? 1e-4, 'endLearningRate', who);
    this.power = positive(o.power ?? 1, 'power', who);
    this.cycle = flag(o.cycle, 'cycle', who);
  }
  call(step: number): number {
    let ds = this.decaySteps;
    if (this.cycle) ds *= step === 0 ? 1 : Math.ceil(step / this.decaySteps);
    else step = Math.min(step, ds);
    return (this.initialLearningRate - this.endLearningRate) * (1 - step / ds) ** this.power + this.endLearningRate;
  }
  getConfig(): ScheduleConfig {
    const { initialLearningRate, decaySteps, endLearningRate, power, cycle } = this;
    return { className: this.className, config: { initialLearningRate, decaySteps, endLearningRate, power, cycle } };
  }
  toSpec(): ScheduleSpec {
    const { initialLearningRate: initial, decaySteps, endLearningRate: end, power, cycle } = this;
    return this.spec('polynomial_decay', { initial, decaySteps, end, power, cycle });
  }
}

export interface CosineDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** Floor of the decay as a fraction of the rate it decays from. Default 0. */
  alpha?: number;
  /** With warmup: rise linearly from initialLearningRate to warmupTarget over warmupSteps, then decay from it. */
  warmupTarget?: number | null;
  /** Default 0. */
  warmupSteps?: number;
}

/** Cosine decay over decaySteps to alpha times the rate, after an optional linear warmup (Keras 3). */
export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;
  constructor(options: CosineDecayOptions) {
    super();
    const who = 'CosineDecay';
    const o = checkOptions(options, ['initialLearningRate', 'decaySteps', 'alpha', 'warmupTarget', 'warmupSteps'], who);
    this.initialLearningRate = nonNegative(o.initialLearningRate, 'initialLearningRate', who);
    this.decaySteps = positive(o.decaySteps, 'decaySteps', who);
    this.alpha = nonNegative(o.alpha ?? 0, 'alpha', who);
    if (this.alpha > 1) throw new RangeError(`${who}: alpha must be in [0, 1], got ${this.alpha}`);
    this.warmupTarget =
      o.warmupTarget === undefined || o.warmupTarget === null ? null : positive(o.warmupTarget, 'warmupTarget', who);
    this.warmupSteps = nonNegative(o.warmupSteps ?? 0, 'warmupSteps', who);
    if (this.warmupTarget === null && this.initialLearningRate === 0)
      throw new RangeError(`${who}: initialLearningRate must be > 0 without a warmupTarget, got 0`);
  }
  call(step: number): number {
    const decay = (s: number, from: number) =>
      from * ((1 - this.alpha) * 0.5 * (1 + Math.cos((Math.PI * s) / this.decaySteps)) + this.alpha);
    if (this.warmupTarget === null) return decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps)
      return (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate;
    return decay(s - this.warmupSteps, this.warmupTarget);
  }
  getConfig(): ScheduleConfig {
    const { initialLearningRate, decaySteps, alpha, warmupTarget, warmupSteps } = this;
    return { className: this.className, config: { initialLearningRate, decaySteps, alpha, warmupTarget, warmupSteps } };
  }
  toSpec(): ScheduleSpec {
    const { initialLearningRate: initial, decaySteps, alpha, warmupTarget, warmupSteps } = this;
    const warmup = warmupTarget !== null;
    return this.spec('cosine_decay', {
      initial,
      decaySteps,
      alpha,
      warmup,
      warmupTarget: warmupTarget ?? 0,
      warmupSteps,
    });
  }
}

const CLASS_NAMES: Record<Exclude<ScheduleName, 'none'>, string> = {
  exponential_decay: 'ExponentialDecay',
  piecewise_constant_decay: 'PiecewiseConstantDecay',
  inverse_time_decay: 'InverseTimeDecay',
  polynomial_decay: 'PolynomialDecay',
  cosine_decay: 'CosineDecay',
};

type Config = Record<string, unknown>;
const CLASSES: Record<Exclude<ScheduleName, 'none'>, (c: Config) => LearningRateSchedule> = {
  exponential_decay: (c) => new ExponentialDecay(c as unknown as ExponentialDecayOptions),
  piecewise_constant_decay: (c) => new PiecewiseConstantDecay(c as unknown as PiecewiseConstantDecayOptions),
  inverse_time_decay: (c) => new InverseTimeDecay(c as unknown as ExponentialDecayOptions),
  polynomial_decay: (c) => new PolynomialDecay(c as unknown as PolynomialDecayOptions),
  cosine_decay: (c) => new CosineDecay(c as unknown as CosineDecayOptions),
};

/** A schedule spec: the fields given, the contract's defaults for the others. */
function spec(name: ScheduleName, fields: Partial<ScheduleSpec>): ScheduleSpec {
  const defaults = Object.fromEntries(Object.entries(SPEC_FIELDS.ScheduleSpec).map(([k, f]) => [k, f.default]));
  return { ...(defaults as unknown as ScheduleSpec), ...fields, kind: SCHEDULES.indexOf(name) };
}

function checkOptions<T extends object>(options: T, allowed: string[], who: string): T {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${who}: expected an options object ({ ${allowed.join(', ')} }), got ${describe(options)}`);
  checkKeys(options, allowed, who);
  return options;
}

function positive(v: unknown, name: string, who: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new RangeError(`${who}: ${name} must be a finite number > 0, got ${describe(v)}`);
  return v;
}

function nonNegative(v: unknown, name: string, who: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new RangeError(`${who}: ${name} must be a finite number >= 0, got ${describe(v)}`);
  return v;
}

function flag(v: unknown, name: string, who: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new TypeError(`${who}: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

function numbers(v: unknown, name: string, who: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    throw new TypeError(`${who}: ${name} must be an array of finite numbers, got ${describe(v)}`);
  return [...v];
}
