// Optimizers with Keras's names, defaults and update formulas (keras/src/optimizers). The updates
// run natively; these objects carry the hyperparameters and forward learning-rate changes to the
// engine of the model they are compiled into.
import type { OptimizerSpec } from './engine/contract.js';
import { checkField } from './engine/fields.js';
import { OPTIMIZERS, OPTIMIZER_DEFAULTS as DEFAULTS, type OptimizerName } from './engine/ids.js';
import { SPEC_FIELDS } from './engine/specs.js';
import { describe } from './matrix.js';
import { checkKeys, given, resolveName } from './names.js';
import { LearningRateSchedule, type ScheduleConfig } from './schedules.js';

// Defaults and ranges are the engine contract's (native/contract.json), as the engine's fields name them.
const FIELDS = SPEC_FIELDS.OptimizerSpec;

interface Common {
  /** A number, or a schedule evaluated at every optimizer step (`new ExponentialDecay({...})`). */
  learningRate?: number | LearningRateSchedule;
  /** Decoupled weight decay (Keras): w -= w * weightDecay * learningRate before each update. 0 = off. */
  weightDecay?: number;
  /** Clip each weight array's gradient to this L2 norm (Keras clipnorm); 0 or undefined = off. */
  clipnorm?: number;
  /** Clip each gradient element to [-clipvalue, clipvalue]; 0 or undefined = off. */
  clipvalue?: number;
  /** Clip all gradients together to this global L2 norm (Keras global_clipnorm); 0 or undefined = off. */
  globalClipnorm?: number;
}
export interface SGDOptions extends Common {
  momentum?: number;
  nesterov?: boolean;
}
export interface AdamOptions extends Common {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}
export type AdamWOptions = AdamOptions;
export type NadamOptions = AdamOptions;
export type AdamaxOptions = AdamOptions;
export interface RMSpropOptions extends Common {
  rho?: number;
  epsilon?: number;
}
export interface AdagradOptions extends Common {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/** Serialized optimizer: `{ className: 'SGD', config: { learningRate: 0.1, momentum: 0.9, ... } }`; a schedule's
 *  learningRate is its config. */
export interface OptimizerConfig {
  className: string;
  config: Record<string, number | boolean | ScheduleConfig>;
}

/** The engine an optimizer drives (set by Sequential.compile). */
interface Engine {
  setLearningRate(lr: number): void;
  readonly iterations: number;
}

const NO_SCHEDULE = LearningRateSchedule.none();

const COMMON = ['learningRate', 'weightDecay', 'clipnorm', 'clipvalue', 'globalClipnorm'];

export abstract class Optimizer {
  abstract readonly className: string;
  private lr: number;
  /** The schedule passed as learningRate, or null. */
  readonly schedule: LearningRateSchedule | null;
  readonly weightDecay: number;
  readonly clipnorm: number;
  readonly clipvalue: number;
  readonly globalClipnorm: number;
  private engine: Engine | null = null;

  protected constructor(opts: Common, kind: OptimizerName, extra: readonly string[]) {
    const who = new.target.name;
    checkKeys(opts, [...COMMON, ...extra], who);
    const lr = opts.learningRate ?? DEFAULTS[kind].learningRate;
    this.schedule = lr instanceof LearningRateSchedule ? lr : null;
    this.lr = this.schedule ? this.schedule.call(0) : checkLr(lr, who);
    const d: Partial<Record<string, number | boolean>> = DEFAULTS[kind];
    const wd = opts.weightDecay ?? (d['weightDecay'] as number | undefined) ?? FIELDS.weightDecay.default;
    this.weightDecay = checkField(wd, FIELDS.weightDecay, who, 'weightDecay');
    this.clipnorm = checkField(opts.clipnorm ?? FIELDS.clipNorm.default, FIELDS.clipNorm, who, 'clipnorm');
    this.clipvalue = checkField(opts.clipvalue ?? FIELDS.clipValue.default, FIELDS.clipValue, who, 'clipvalue');
    this.globalClipnorm = checkField(
      opts.globalClipnorm ?? FIELDS.globalClipNorm.default,
      FIELDS.globalClipNorm,
      who,
      'globalClipnorm',
    );
    const clips = (['clipnorm', 'clipvalue', 'globalClipnorm'] as const).filter((k) => this[k] > 0);
    if (clips.length > 1)
      throw new RangeError(
        `${who}: only one of clipnorm, clipvalue and globalClipnorm can be set, got ${clips.map((k) => `${k} ${this[k]}`).join(', ')}`,
      );
  }

  /** The rate of the next step: with a schedule, its value at the optimizer's step count (Keras's iterations). */
  get learningRate(): number {
    return this.schedule ? this.schedule.call(this.engine?.iterations ?? 0) : this.lr;
  }

  /** Takes effect from the next batch, also between epochs of a running fit (ReduceLROnPlateau). */
  set learningRate(lr: number) {
    if (this.schedule)
      throw new TypeError(
        `${this.constructor.name}: the learning rate is a ${this.schedule.className} schedule, so it cannot be set; ` +
          'compile with a number as learningRate to change it during training',
      );
    this.lr = checkLr(lr, this.constructor.name);
    this.engine?.setLearningRate(this.lr);
  }

  /** Keras-style config with camelCase keys; Optimizer.fromConfig rebuilds the optimizer. */
  getConfig(): OptimizerConfig {
    const config: OptimizerConfig['config'] = { learningRate: this.schedule?.getConfig() ?? this.lr, ...this.hyper() };
    for (const k of ['weightDecay', 'clipnorm', 'clipvalue', 'globalClipnorm'] as const)
      if (this[k]) config[k] = this[k];
    return { className: this.className, config };
  }

  static fromConfig(cfg: OptimizerConfig): Optimizer {
    // Class names snake-case to the ids, but for 'AdamW' ('adam_w').
    const table = { ...FACTORIES, adam_w: FACTORIES.adamw };
    const make = resolveName(cfg?.className, table, 'Optimizer.fromConfig: className', OPTIMIZERS);
    const config: Record<string, unknown> = { ...(cfg.config ?? {}) };
    const lr = config['learningRate'];
    if (lr !== null && typeof lr === 'object')
      config['learningRate'] = LearningRateSchedule.fromConfig(lr as ScheduleConfig);
    return make(config);
  }

  /** @internal The spec the engine compiles. */
  toSpec(): OptimizerSpec {
    return {
      kind: OPTIMIZERS.indexOf(this.kind()),
      learningRate: this.schedule ? 1 : this.lr,
      momentum: 0,
      nesterov: false,
      beta1: 0,
      beta2: 0,
      rho: 0,
      initialAccumulator: 0,
      epsilon: 0,
      clipNorm: this.clipnorm,
      clipValue: this.clipvalue,
      globalClipNorm: this.globalClipnorm,
      weightDecay: this.weightDecay,
      schedule: this.schedule?.toSpec() ?? NO_SCHEDULE,
      ...this.specFields(),
    };
  }

  /** @internal Called by Sequential.compile; an optimizer drives one model at a time. */
  attach(engine: Engine | null): void {
    this.engine = engine;
  }

  protected abstract kind(): OptimizerName;
  protected abstract hyper(): Record<string, number | boolean>;
  /** The engine's fields for hyper(); they share names unless a subclass says otherwise. */
  protected specFields(): Partial<OptimizerSpec> {
    return this.hyper() as Partial<OptimizerSpec>;
  }
}

/** The options object of a constructor called as (options) or (learningRate, ..., options). */
function optionsOf<T extends Common>(first: number | LearningRateSchedule | T | undefined, options: T): T {
  if (first !== null && typeof first === 'object' && !(first instanceof LearningRateSchedule)) return first;
  if (options === null || typeof options !== 'object')
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  return first === undefined ? options : { ...options, learningRate: first };
}

/** `new SGD(0.1, 0.9)`, `new SGD(0.1, 0.9, { nesterov: true })` or `new SGD({ learningRate, momentum, nesterov })`. */
export class SGD extends Optimizer {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(learningRate?: number | LearningRateSchedule | SGDOptions, momentum?: number, options: SGDOptions = {}) {
    let o = optionsOf(learningRate, options);
    if (o === options || o.learningRate === learningRate) o = { ...o, momentum: momentum ?? o.momentum };
    super(o, 'sgd', ['momentum', 'nesterov']);
    this.momentum = checkField(o.momentum ?? DEFAULTS.sgd.momentum, FIELDS.momentum, 'SGD', 'momentum');
    this.nesterov = o.nesterov ?? DEFAULTS.sgd.nesterov;
  }
  protected kind(): OptimizerName {
    return 'sgd';
  }
  protected hyper() {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}

/** Adam and its variants: Keras defaults learningRate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
abstract class AdamFamily extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  protected constructor(
    learningRate: number | LearningRateSchedule | AdamOptions | undefined,
    options: AdamOptions,
    kind: 'adam' | 'adamw' | 'nadam' | 'adamax',
  ) {
    const o = optionsOf(learningRate, options);
    super(o, kind, ['beta1', 'beta2', 'epsilon']);
    const who = this.constructor.name,
      d = DEFAULTS[kind];
    this.beta1 = checkField(o.beta1 ?? d.beta1, FIELDS.beta1, who, 'beta1');
    this.beta2 = checkField(o.beta2 ?? d.beta2, FIELDS.beta2, who, 'beta2');
    this.epsilon = checkField(o.epsilon ?? d.epsilon, FIELDS.epsilon, who, 'epsilon');
  }
  protected hyper() {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

export class Adam extends AdamFamily {
  readonly className = 'Adam';
  constructor(learningRate?: number | LearningRateSchedule | AdamOptions, options: AdamOptions = {}) {
    super(learningRate, options, 'adam');
  }
  protected kind(): OptimizerName {
    return 'adam';
  }
}

/** Adam with decoupled weight decay (Keras 3's AdamW): weightDecay defaults to 0.004. */
export class AdamW extends AdamFamily {
  readonly className = 'AdamW';
  constructor(learningRate?: number | LearningRateSchedule | AdamWOptions, options: AdamWOptions = {}) {
    super(learningRate, options, 'adamw');
  }
  protected kind(): OptimizerName {
    return 'adamw';
  }
}

/** Adam with Nesterov momentum (Keras 3's Nadam, with its 0.96 momentum-decay schedule). */
export class Nadam extends AdamFamily {
  readonly className = 'Nadam';
  constructor(learningRate?: number | LearningRateSchedule | NadamOptions, options: NadamOptions = {}) {
    super(learningRate, options, 'nadam');
  }
  protected kind(): OptimizerName {
    return 'nadam';
  }
}

/** Adam on the infinity norm (Keras 3's Adamax): u = max(beta2 u, |g|). */
export class Adamax extends AdamFamily {
  readonly className = 'Adamax';
  constructor(learningRate?: number | LearningRateSchedule | AdamaxOptions, options: AdamaxOptions = {}) {
    super(learningRate, options, 'adamax');
  }
  protected kind(): OptimizerName {
    return 'adamax';
  }
}

/** Keras defaults: learningRate 0.001, rho 0.9, epsilon 1e-7 (no momentum, not centered). */
export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly epsilon: number;
  constructor(learningRate?: number | LearningRateSchedule | RMSpropOptions, options: RMSpropOptions = {}) {
    const o = optionsOf(learningRate, options);
    super(o, 'rmsprop', ['rho', 'epsilon']);
    this.rho = checkField(o.rho ?? DEFAULTS.rmsprop.rho, FIELDS.rho, 'RMSprop', 'rho');
    this.epsilon = checkField(o.epsilon ?? DEFAULTS.rmsprop.epsilon, FIELDS.epsilon, 'RMSprop', 'epsilon');
  }
  protected kind(): OptimizerName {
    return 'rmsprop';
  }
  protected hyper() {
    return { rho: this.rho, epsilon: this.epsilon };
  }
}

/** Keras defaults: learningRate 0.001, initialAccumulatorValue 0.1, epsilon 1e-7. */
export class Adagrad extends Optimizer {
  readonly className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  constructor(learningRate?: number | LearningRateSchedule | AdagradOptions, options: AdagradOptions = {}) {
    const o = optionsOf(learningRate, options);
    super(o, 'adagrad', ['initialAccumulatorValue', 'epsilon']);
    const acc = o.initialAccumulatorValue ?? DEFAULTS.adagrad.initialAccumulator;
    this.initialAccumulatorValue = checkField(acc, FIELDS.initialAccumulator, 'Adagrad', 'initialAccumulatorValue');
    this.epsilon = checkField(o.epsilon ?? DEFAULTS.adagrad.epsilon, FIELDS.epsilon, 'Adagrad', 'epsilon');
  }
  protected kind(): OptimizerName {
    return 'adagrad';
  }
  protected hyper() {
    return { initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
  protected override specFields() {
    return { initialAccumulator: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

const FACTORIES: Record<OptimizerName, (config: Record<string, unknown>) => Optimizer> = {
  sgd: (c) => new SGD(c as SGDOptions),
  adam: (c) => new Adam(c as AdamOptions),
  rmsprop: (c) => new RMSprop(c as RMSpropOptions),
  adagrad: (c) => new Adagrad(c as AdagradOptions),
  adamw: (c) => new AdamW(c as AdamWOptions),
  nadam: (c) => new Nadam(c as NadamOptions),
  adamax: (c) => new Adamax(c as AdamaxOptions),
};

/** An Optimizer instance, or a name ('sgd', 'adam', 'adamw', 'nadam', 'adamax', 'rmsprop', 'adagrad'; any case)
 *  with Keras's defaults. */
export type OptimizerIdentifier =
  | Optimizer
  | OptimizerName
  | Uppercase<OptimizerName>
  | Capitalize<OptimizerName>
  | 'RMSprop'
  | 'AdamW';

export function resolveOptimizer(id: OptimizerIdentifier): Optimizer {
  if (id instanceof Optimizer) return id;
  const make = resolveName(typeof id === 'string' ? id.toLowerCase() : id, FACTORIES, 'compile: optimizer', OPTIMIZERS);
  return make({});
}

function checkLr(lr: unknown, who: string): number {
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0)
    throw new RangeError(
      `${who}: learningRate must be a finite number > 0 or a LearningRateSchedule, got ${given(lr)}`,
    );
  return lr;
}
