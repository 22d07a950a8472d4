// Optimizers with Keras's names, defaults and update formulas (keras/src/optimizers). The updates
// run natively; these objects carry the hyperparameters and forward learning-rate changes to the
// engine of the model they are compiled into.
import type { OptimizerSpec } from './engine/contract.js';
import { checkField } from './engine/fields.js';
import { OPTIMIZERS, OPTIMIZER_DEFAULTS as DEFAULTS, type OptimizerName } from './engine/ids.js';
import { SPEC_FIELDS } from './engine/specs.js';
import { checkKeys, resolveName } from './names.js';

// Defaults and ranges are the engine contract's (native/contract.json), as the engine's fields name them.
const FIELDS = SPEC_FIELDS.OptimizerSpec;

interface Common {
  learningRate?: number;
  /** Clip each weight array's gradient to this L2 norm (Keras clipnorm); 0 or undefined = off. */
  clipnorm?: number;
  /** Clip each gradient element to [-clipvalue, clipvalue]; 0 or undefined = off. */
  clipvalue?: number;
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
export interface RMSpropOptions extends Common {
  rho?: number;
  epsilon?: number;
}
export interface AdagradOptions extends Common {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/** Serialized optimizer: `{ className: 'SGD', config: { learningRate: 0.1, momentum: 0.9, ... } }`. */
export interface OptimizerConfig {
  className: string;
  config: Record<string, number | boolean>;
}

export abstract class Optimizer {
  abstract readonly className: string;
  private lr: number;
  readonly clipnorm: number;
  readonly clipvalue: number;
  /** The engine whose learning rate follows this optimizer's (set by Sequential.compile). */
  private engine: { setLearningRate(lr: number): void } | null = null;

  protected constructor(opts: Common, kind: OptimizerName, extra: readonly string[]) {
    checkKeys(opts, ['learningRate', 'clipnorm', 'clipvalue', ...extra], new.target.name);
    const who = this.constructorName();
    this.lr = checkField(opts.learningRate ?? DEFAULTS[kind].learningRate, FIELDS.learningRate, who, 'learningRate');
    this.clipnorm = checkField(opts.clipnorm ?? FIELDS.clipNorm.default, FIELDS.clipNorm, who, 'clipnorm');
    this.clipvalue = checkField(opts.clipvalue ?? FIELDS.clipValue.default, FIELDS.clipValue, who, 'clipvalue');
  }

  get learningRate(): number {
    return this.lr;
  }

  /** Takes effect from the next batch, also between epochs of a running fit (ReduceLROnPlateau). */
  set learningRate(lr: number) {
    this.lr = checkField(lr, FIELDS.learningRate, this.constructorName(), 'learningRate');
    this.engine?.setLearningRate(this.lr);
  }

  /** Keras-style config with camelCase keys; Optimizer.fromConfig rebuilds the optimizer. */
  getConfig(): OptimizerConfig {
    const config: Record<string, number | boolean> = { learningRate: this.lr, ...this.hyper() };
    if (this.clipnorm) config['clipnorm'] = this.clipnorm;
    if (this.clipvalue) config['clipvalue'] = this.clipvalue;
    return { className: this.className, config };
  }

  static fromConfig(cfg: OptimizerConfig): Optimizer {
    const make = resolveName(cfg?.className, FACTORIES, 'Optimizer.fromConfig: className', OPTIMIZERS);
    return make(cfg.config ?? {});
  }

  /** @internal The spec the engine compiles. */
  toSpec(): OptimizerSpec {
    return {
      kind: OPTIMIZERS.indexOf(this.kind()),
      learningRate: this.lr,
      momentum: 0,
      nesterov: false,
      beta1: 0,
      beta2: 0,
      rho: 0,
      initialAccumulator: 0,
      epsilon: 0,
      clipNorm: this.clipnorm,
      clipValue: this.clipvalue,
      ...this.specFields(),
    };
  }

  /** @internal Called by Sequential.compile; an optimizer drives one model at a time. */
  attach(engine: { setLearningRate(lr: number): void } | null): void {
    this.engine = engine;
  }

  protected abstract kind(): OptimizerName;
  protected abstract hyper(): Record<string, number | boolean>;
  /** The engine's fields for hyper(); they share names unless a subclass says otherwise. */
  protected specFields(): Partial<OptimizerSpec> {
    return this.hyper() as Partial<OptimizerSpec>;
  }
  private constructorName(): string {
    return this.constructor.name;
  }
}

/** `new SGD(0.1, 0.9)`, `new SGD(0.1, 0.9, { nesterov: true })` or `new SGD({ learningRate, momentum, nesterov })`. */
export class SGD extends Optimizer {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(learningRate?: number | SGDOptions, momentum?: number, options: SGDOptions = {}) {
    const o = typeof learningRate === 'object' ? learningRate : { ...options, learningRate, momentum: momentum ?? options.momentum };
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

/** Keras defaults (OPTIMIZER_DEFAULTS.adam): learningRate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
export class Adam extends Optimizer {
  readonly className = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(learningRate?: number | AdamOptions, options: AdamOptions = {}) {
    const o = typeof learningRate === 'object' ? learningRate : { ...options, learningRate };
    super(o, 'adam', ['beta1', 'beta2', 'epsilon']);
    this.beta1 = checkField(o.beta1 ?? DEFAULTS.adam.beta1, FIELDS.beta1, 'Adam', 'beta1');
    this.beta2 = checkField(o.beta2 ?? DEFAULTS.adam.beta2, FIELDS.beta2, 'Adam', 'beta2');
    this.epsilon = checkField(o.epsilon ?? DEFAULTS.adam.epsilon, FIELDS.epsilon, 'Adam', 'epsilon');
  }
  protected kind(): OptimizerName {
    return 'adam';
  }
  protected hyper() {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** Keras defaults (OPTIMIZER_DEFAULTS.rmsprop): learningRate 0.001, rho 0.9, epsilon 1e-7 (no momentum, not centered). */
export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly epsilon: number;
  constructor(learningRate?: number | RMSpropOptions, options: RMSpropOptions = {}) {
    const o = typeof learningRate === 'object' ? learningRate : { ...options, learningRate };
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

/** Keras defaults (OPTIMIZER_DEFAULTS.adagrad): learningRate 0.001, initialAccumulatorValue 0.1, epsilon 1e-7. */
export class Adagrad extends Optimizer {
  readonly className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  constructor(learningRate?: number | AdagradOptions, options: AdagradOptions = {}) {
    const o = typeof learningRate === 'object' ? learningRate : { ...options, learningRate };
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
};

/** An Optimizer instance, or a name ('sgd', 'adam', 'rmsprop', 'adagrad'; any case) with Keras's defaults. */
export type OptimizerIdentifier = Optimizer | string;

export function resolveOptimizer(id: OptimizerIdentifier): Optimizer {
  if (id instanceof Optimizer) return id;
  const make = resolveName(typeof id === 'string' ? id.toLowerCase() : id, FACTORIES, 'compile: optimizer', OPTIMIZERS);
  return make({});
}
