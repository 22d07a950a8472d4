// The data native work reads after the call returned (fit, evaluate, predictAsync), copied: JS must not be able
// to detach or shrink it meanwhile. A model.fit copies once for all its native fit() calls (one per epoch when
// callbacks or the progress bar run between epochs). In steps, the event loop runs between them: the copies'
// fresh pages are touched on another thread, then STEP_BYTES are copied per turn (W3's 188 MB used to block JS
// for 20 ms into reused memory, ~1 s into fresh). The steps also look for NaN/Infinity in x (checkFinite) and
// one-hot class indexes, so the caller's arrays are read once.
import type { FitDataSpec, NativeFitData, NativeNetwork } from '../engine/contract.js';
import { checkFiniteInSteps, nonFiniteError } from '../finite.js';
import { native } from '../native.js';

/** About a millisecond of memcpy. */
const STEP_BYTES = 8 << 20;
const ALL = 0x7fffffff;
/** Large copies are kept this long after use for the next call of a similar size, then freed. */
const KEEP_MS = 5000;
let trim: ReturnType<typeof setTimeout> | null = null;

/** Drops `data`'s copy (once no running call reads it) and frees the pool's idle copies KEEP_MS after the last. */
export function releaseData(data: NativeFitData): void {
  data.release();
  if (trim) trim.refresh();
  else
    trim = setTimeout(() => {
      trim = null;
      native.FitData.trimPool(KEEP_MS / 2);
    }, KEEP_MS).unref();
}

/** What a NaN/Infinity found in x by the copy is reported as: the argument and the row its array starts at. */
export interface XName {
  what: string;
  firstRow?: number;
}

/**
 * `spec` copied for native calls on `net`; the caller releases it when they end. `call` names the API call in
 * errors; `names` (with spec.checkFinite) names x's NaN/Infinity. `inSteps` false copies it before returning,
 * with no JS run in between (a Dataset's chunk may reuse its arrays for the next chunk).
 */
export async function holdData(
  net: NativeNetwork,
  spec: FitDataSpec,
  call: string,
  names: { train: XName; val?: XName } | null = null,
  inSteps = true,
): Promise<NativeFitData> {
  // x on a SharedArrayBuffer is read in place, not copied: checked here, in steps too.
  for (const part of ['train', 'val'] as const) {
    const d = spec[part];
    const name = names?.[part];
    if (spec.checkFinite && d && name && d.x.buffer instanceof SharedArrayBuffer)
      await checkFiniteInSteps(d.x, d.x.length / d.rows, name.what, name.firstRow);
  }
  const data = new native.FitData(net, spec);
  try {
    const touching = inSteps ? data.prepare() : undefined;
    if (touching) await touching;
    while (!data.copy(inSteps ? STEP_BYTES : ALL))
      if (inSteps) await new Promise<void>((resolve) => setImmediate(resolve));
  } catch (e) {
    releaseData(data);
    throw renamed(e, spec, call, names);
  }
  return data;
}

/** fn on `spec` held (see holdData) for one native call; the copy is released when it settles. */
export async function withData<T>(
  net: NativeNetwork,
  spec: FitDataSpec,
  call: string,
  names: { train: XName } | null,
  fn: (data: NativeFitData) => Promise<T>,
): Promise<T> {
  const data = await holdData(net, spec, call, names);
  try {
    return await fn(data);
  } finally {
    releaseData(data);
  }
}

/** The binding's names (data.train.x, data.val.y) as the caller knows them (x, validation y). */
function renamed(e: unknown, spec: FitDataSpec, call: string, names: { train: XName; val?: XName } | null): unknown {
  if (!(e instanceof RangeError)) return e;
  const m = /^data\.(train|val)\.(\w+)/.exec(e.message);
  if (!m) return e;
  const part = m[1] === 'train' ? spec.train : spec.val!;
  const name = names?.[m[1] as 'train' | 'val'];
  const index = (e as RangeError & { index?: number }).index;
  if (index !== undefined && name && m[2] === 'x')
    return nonFiniteError(part.x, part.x.length / part.rows, index, name.what, name.firstRow);
  e.message = `${call}: ${m[1] === 'train' ? '' : 'validation '}${m[2]}${e.message.slice(m[0].length)}`;
  return e;
}
