// Keras compile configurations <-> myelin's compile arguments: the loss, the metrics and the optimizer with
// its hyper-parameters. The names come from myelin's own tables (losses.ts, metrics.ts, optimizers.ts), so
// an optimizer or loss added there maps here as soon as its name matches Keras's. Keras settings myelin does
// not have are accepted only at their neutral value (amsgrad false, weight_decay None...); otherwise refused.
import type { CompileArgs, CompileConfig } from '../../model/compile.js';
import { Loss, resolveLoss, type LossConfig, type LossIdentifier, type LossName } from '../../losses.js';
import type { MetricIdentifier } from '../../metrics.js';
import { Optimizer, type OptimizerConfig } from '../../optimizers.js';
import { isObject, kerasSnakeCase, short, wrap, type Dialect, KerasConfigError } from './layers.js';

type Json = Record<string, unknown>;
const fail = (problem: string): never => {
  throw new KerasConfigError(problem);
};

const camelToSnake = (k: string) => k.replace(/([a-z])([A-Z0-9])/g, '$1_$2').toLowerCase();
const snakeToCamel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const isNone = (v: unknown) => v === null || v === undefined;

/** Keras optimizer settings myelin lacks, and when their value changes nothing. */
const NEUTRAL: Record<string, (v: unknown) => boolean> = {
  name: () => true,
  use_ema: (v) => isNone(v) || v === false,
  ema_momentum: () => true, // used only with use_ema
  ema_overwrite_frequency: () => true,
  loss_scale_factor: isNone,
  gradient_accumulation_steps: isNone,
  jit_compile: () => true, // how Keras runs, not what it computes
  is_legacy_optimizer: () => true,
  decay: (v) => isNone(v) || v === 0,
  amsgrad: (v) => isNone(v) || v === false,
  centered: (v) => isNone(v) || v === false,
  momentum: (v) => isNone(v) || v === 0, // RMSprop's; SGD's is myelin's own setting
};

/** A Keras optimizer ({ class_name, config }) as a myelin Optimizer. */
export function parseOptimizer(v: unknown): Optimizer {
  if (typeof v === 'string') v = { class_name: v, config: {} };
  if (!isObject(v) || typeof v['class_name'] !== 'string')
    return fail(`the optimizer ${short(v)} is not { class_name, config }`);
  const className = (v['class_name'] as string).replace(/^Custom>/, '');
  const where = `optimizer ${className}`;
  const config = isObject(v['config']) ? v['config'] : {};
  let fresh: Optimizer;
  try {
    fresh = Optimizer.fromConfig({ className: className.toLowerCase(), config: {} });
  } catch (e) {
    return fail(`${where} is not one myelin has: ${(e as Error).message.replace(/^.*?valid/, 'valid')}`);
  }
  const own = new Set([...Object.keys(fresh.getConfig().config), ...BASE_KEYS]);
  const mapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const camel = snakeToCamel(key === 'lr' ? 'learning_rate' : key);
    if (own.has(camel)) {
      if (isNone(value)) continue;
      if (isObject(value) && camel !== 'learningRate')
        fail(`${where}: ${key} ${short(value)} is not supported by myelin`);
      mapped[camel] = isObject(value) ? scheduleFromKeras(value) : value;
    } else if (!NEUTRAL[key]?.(value)) fail(`${where}: ${key} ${short(value)} is not supported by myelin`);
  }
  try {
    return Optimizer.fromConfig({ className: fresh.className, config: mapped as OptimizerConfig['config'] });
  } catch (e) {
    return fail(`${where}: ${(e as Error).message}`);
  }
}

/** The settings every Keras optimizer has that myelin's share (base_optimizer.py __init__). */
const BASE_KEYS = ['learningRate', 'weightDecay', 'clipnorm', 'clipvalue', 'globalClipnorm'];

/** A Keras learning-rate schedule ({ class_name, config } in snake_case) as myelin's schedule config. */
function scheduleFromKeras(v: Json): { className: string; config: Record<string, unknown> } {
  const c = isObject(v['config']) ? v['config'] : {};
  const config = Object.fromEntries(
    Object.entries(c)
      .filter(([k]) => k !== 'name')
      .map(([k, x]) => [snakeToCamel(k), x]),
  );
  return { className: String(v['class_name']), config };
}

/** A myelin optimizer config as Keras serializes it (keras/src/optimizers/base_optimizer.py get_config). */
export function kerasOptimizer(opt: OptimizerConfig, dialect: Dialect): Json {
  const own: Json = {};
  for (const [k, v] of Object.entries(opt.config)) if (!BASE_KEYS.includes(k)) own[camelToSnake(k)] = v;
  const lr = opt.config['learningRate'];
  const schedule = (s: { className: string; config: Record<string, unknown> }) => {
    const config = Object.fromEntries(Object.entries(s.config).map(([k, x]) => [camelToSnake(k), x]));
    return wrap('keras.optimizers.schedules', s.className, { ...config, name: s.className }, dialect);
  };
  const base: Json = {
    name: dialect === 'keras3' ? kerasSnakeCase(opt.className) : opt.className,
    learning_rate: typeof lr === 'number' ? lr : schedule(lr as never),
    weight_decay: opt.config['weightDecay'] ?? null,
    clipnorm: opt.config['clipnorm'] ?? null,
    global_clipnorm: opt.config['globalClipnorm'] ?? null,
    clipvalue: opt.config['clipvalue'] ?? null,
    use_ema: false,
    ema_momentum: 0.99,
    ema_overwrite_frequency: null,
  };
  // Keras 3 has two more base settings; Keras 2's jit_compile / is_legacy_optimizer are left out, so that
  // both Keras 2 and Keras 3 accept the legacy file's optimizer (Keras 3 refuses unknown arguments).
  if (dialect === 'keras3') Object.assign(base, { loss_scale_factor: null, gradient_accumulation_steps: null });
  if (dialect === 'keras3') return wrap('keras.optimizers', opt.className, { ...base, ...own }, dialect);
  return { class_name: opt.className, config: { ...base, ...own } };
}

/** A Keras loss: a name, { class_name: 'function', config: name } or a Loss object of a known class. */
function parseLoss(v: unknown): LossIdentifier {
  if (Array.isArray(v) || (isObject(v) && !('class_name' in v)))
    fail(`loss ${short(v)}: one loss per output (a multi-output model) is not supported`);
  let name: unknown = v;
  const options: LossConfig['config'] = {};
  if (isObject(v)) {
    const c = isObject(v['config']) ? v['config'] : {};
    if (v['class_name'] === 'function') name = v['config'];
    else {
      name = typeof v['class_name'] === 'string' ? kerasSnakeCase(v['class_name']) : v['class_name'];
      const neutral: Record<string, (x: unknown) => boolean> = {
        reduction: (x) => isNone(x) || x === 'sum_over_batch_size' || x === 'auto',
        axis: (x) => isNone(x) || x === -1,
        ignore_class: isNone,
        dtype: (x) => isNone(x) || x === 'float32',
        name: () => true,
        fn: () => true,
      };
      for (const [k, x] of Object.entries(c)) {
        if (k === 'from_logits' && typeof x === 'boolean') options.fromLogits = x;
        else if (k === 'label_smoothing' && typeof x === 'number') options.labelSmoothing = x;
        else if (!neutral[k]?.(x)) fail(`loss ${String(v['class_name'])}: ${k} ${short(x)} is not supported by myelin`);
      }
    }
  }
  const where = `loss ${isObject(v) ? String(v['class_name']) : short(v)}`;
  try {
    const resolved = resolveLoss(name);
    if (isObject(v) && v['class_name'] !== 'function')
      try {
        return Loss.fromConfig({ className: String(v['class_name']), config: options });
      } catch (e) {
        if (options.fromLogits || options.labelSmoothing) throw e; // a loss myelin has only by name
      }
    return resolved.name;
  } catch (e) {
    return fail(`${where}: ${(e as Error).message.replace(/^compile: loss: /, '')}`);
  }
}

/** A myelin loss (name or object config) as Keras serializes it: the name, or the Loss object. */
function kerasLoss(loss: LossName | LossConfig, dialect: Dialect): unknown {
  if (typeof loss === 'string') return loss;
  const config: Json = { name: kerasSnakeCase(loss.className), reduction: 'sum_over_batch_size' };
  config['from_logits'] = loss.config.fromLogits ?? false;
  if (loss.config.labelSmoothing !== undefined) config['label_smoothing'] = loss.config.labelSmoothing;
  return wrap('keras.losses', loss.className, { ...config, axis: -1 }, dialect);
}

/** Keras metrics: names, functions, MeanMetricWrapper (Keras 2) or Metric objects; a nested list per output. */
function parseMetrics(v: unknown): string[] {
  if (isNone(v)) return [];
  if (!Array.isArray(v))
    return fail(`metrics ${short(v)}: metrics per output (a multi-output model) are not supported`);
  const flat = v.length === 1 && Array.isArray(v[0]) ? (v[0] as unknown[]) : v;
  return flat.map((m) => {
    if (typeof m === 'string') return m;
    if (!isObject(m)) return fail(`metric ${short(m)} is not a name or a Keras metric`);
    const c = isObject(m['config']) ? m['config'] : {};
    if (m['class_name'] === 'function' && typeof m['config'] === 'string') return m['config'];
    if (m['class_name'] === 'MeanMetricWrapper' && typeof c['name'] === 'string') return c['name'];
    for (const [k, x] of Object.entries(c))
      if (!(k === 'name' || k === 'dtype' || (k === 'threshold' && x === 0.5)))
        fail(`metric ${String(m['class_name'])}: ${k} ${short(x)} is not supported by myelin`);
    return typeof m['class_name'] === 'string'
      ? kerasSnakeCase(m['class_name'])
      : fail(`metric ${short(m)} has no class_name`);
  });
}

/**
 * Compile arguments from a Keras compile config (`compile_config` of config.json, or the legacy
 * `training_config` with its `optimizer_config`). Execution settings (run_eagerly, steps_per_execution,
 * jit_compile) are how Keras runs, not what it computes: ignored.
 */
export function parseCompile(cfg: Json, optimizer: unknown): CompileArgs & { optimizer: Optimizer } {
  for (const key of ['loss_weights', 'weighted_metrics', 'sample_weight_mode'] as const) {
    const v = cfg[key];
    if (!isNone(v) && !(Array.isArray(v) && v.length === 0))
      fail(`compile ${key} ${short(v)} is not supported by myelin`);
  }
  const metrics = parseMetrics(cfg['metrics']) as MetricIdentifier[];
  return { loss: parseLoss(cfg['loss']), metrics, optimizer: parseOptimizer(optimizer) };
}

/** Keras 3's compile_config (keras/src/trainers/trainer.py compile, SerializableDict). */
export function kerasCompileConfig(c: CompileConfig): Json {
  return {
    optimizer: kerasOptimizer(c.optimizer, 'keras3'),
    loss: kerasLoss(c.loss, 'keras3'),
    loss_weights: null,
    metrics: c.metrics,
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/** Keras 2's training_config (keras/saving/legacy/saving_utils.py model_metadata). */
export function kerasTrainingConfig(c: CompileConfig): Json {
  return {
    loss: kerasLoss(c.loss, 'keras2'),
    metrics: c.metrics.length ? c.metrics : null,
    weighted_metrics: null,
    loss_weights: null,
    optimizer_config: kerasOptimizer(c.optimizer, 'keras2'),
  };
}
