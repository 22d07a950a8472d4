// The types of a model file's header fields, checked before anything is built from them, so a forged
// (but checksummed) header is a ModelFileError naming the field, never a TypeError from deep inside.
// Value ranges are checked where each field is read (layer constructors, Optimizer.fromConfig,
// scalerFromConfig), the same checks as for values given in code.
import { describe } from '../matrix.js';

type Fail = (problem: string) => never;
type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array';

function kindOf(v: unknown): Kind | 'null' | 'other' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' ? t : 'other';
}

/** `at` must be one of `kinds` ('?' in front: or absent/null). */
function want(v: unknown, spec: string, at: string, fail: Fail): void {
  const optional = spec.startsWith('?');
  if (optional && (v === undefined || v === null)) return;
  const kinds = spec.replace('?', '').split('|');
  if (!kinds.includes(kindOf(v)))
    fail(`${at} must be ${kinds.join(' or ')}${optional ? ' (or absent)' : ''}, got ${describe(v)}`);
  if (typeof v === 'number' && !Number.isFinite(v)) fail(`${at} must be finite, got ${v}`);
}

// Layer config fields and their kinds; other keys are checked by the layer's own constructor.
const LAYER_FIELDS: Record<string, string> = {
  name: '?string',
  units: '?number',
  inputDim: '?number',
  activation: '?string',
  useBias: '?boolean',
  kernelInitializer: '?string|object',
  biasInitializer: '?string|object',
  kernelRegularizer: '?object',
  rate: '?number',
  seed: '?number',
};

export function checkHeaderTypes(meta: Record<string, unknown>, fail: Fail): void {
  want(meta['myelinVersion'], '?string', 'myelinVersion', fail);
  const model = meta['model'] as Record<string, unknown>;
  want(model, 'object', 'model', fail);
  want(model['name'], '?string', 'model.name', fail);
  want(model['layers'], 'array', 'model.layers', fail);
  (model['layers'] as unknown[]).forEach((layer, i) => {
    const at = `model.layers[${i}]`;
    want(layer, 'object', at, fail);
    const l = layer as Record<string, unknown>;
    want(l['className'], 'string', `${at}.className`, fail);
    want(l['config'], 'object', `${at}.config`, fail);
    const c = l['config'] as Record<string, unknown>;
    for (const [key, spec] of Object.entries(LAYER_FIELDS)) want(c[key], spec, `${at}.config.${key}`, fail);
  });
  const compile = meta['compile'] as Record<string, unknown> | null | undefined;
  want(compile, '?object', 'compile', fail);
  if (compile) {
    want(compile['loss'], 'string|object', 'compile.loss', fail); // a name or a loss object's config
    want(compile['metrics'], '?array', 'compile.metrics', fail);
    ((compile['metrics'] as unknown[] | undefined) ?? []).forEach((m, i) => {
      want(m, 'string|object', `compile.metrics[${i}]`, fail); // a name, or a metric object's config
      if (typeof m !== 'object') return;
      want((m as Record<string, unknown>)['className'], 'string', `compile.metrics[${i}].className`, fail);
      want((m as Record<string, unknown>)['config'], 'object', `compile.metrics[${i}].config`, fail);
    });
    const opt = compile['optimizer'] as Record<string, unknown>;
    want(opt, 'object', 'compile.optimizer', fail);
    want(opt['className'], 'string', 'compile.optimizer.className', fail);
    want(opt['config'], '?object', 'compile.optimizer.config', fail);
    for (const [k, v] of Object.entries((opt['config'] as object | undefined) ?? {}))
      want(v, '?number|boolean|object', `compile.optimizer.config.${k}`, fail); // object: a schedule's config
  }
  want(meta['optimizer'], '?object', 'optimizer', fail);
  want(meta['training'], 'object', 'training', fail);
  const pre = meta['preprocessing'] as Record<string, unknown> | null | undefined;
  want(pre, '?object', 'preprocessing', fail);
  if (pre) {
    want(pre['className'], 'string', 'preprocessing.className', fail);
    want(pre['config'], 'object', 'preprocessing.config', fail);
  }
}
