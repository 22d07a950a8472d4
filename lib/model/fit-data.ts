// A fit's data, copied once for all the native fit() calls of one model.fit (one per epoch when callbacks or
// the progress bar run between epochs): native code must read memory JS cannot detach or shrink meanwhile.
// In steps, the event loop runs between them: the copies' fresh pages are touched on another thread, then
// STEP_BYTES are copied per turn (W3's 188 MB used to block JS for 20 ms into reused memory, ~1 s into fresh).
import type { DataSpec, NativeFitData, NativeNetwork } from '../engine/contract.js';
import { native } from '../native.js';

/** About a millisecond of memcpy. */
const STEP_BYTES = 8 << 20;
const ALL = 0x7fffffff;

/**
 * The data of a fit of `net`, copied; the caller releases it when the fit ends. `inSteps` false copies it
 * before returning, with no JS run in between (a Dataset's chunk may reuse its arrays for the next chunk).
 */
export async function holdFitData(
  net: NativeNetwork,
  train: DataSpec,
  val: DataSpec | null,
  inSteps = true,
): Promise<NativeFitData> {
  const data = new native.FitData(net, { train, val });
  try {
    if (inSteps) await data.prepare();
    while (!data.copy(inSteps ? STEP_BYTES : ALL))
      if (inSteps) await new Promise<void>((resolve) => setImmediate(resolve));
  } catch (e) {
    data.release();
    // data.train.x → x, data.val.y → validation y: the names fit's caller knows.
    if (e instanceof RangeError)
      e.message = `fit: ${e.message.replace(/^data\.(train|val)\.(\w+)/, (_, part: string, a: string) => (part === 'train' ? a : `validation ${a}`))}`;
    throw e;
  }
  return data;
}
