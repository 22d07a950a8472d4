// tanh, the course networks' activation, against float64 Math.tanh in units in the last place, on every ISA: the
// vectorized polynomial of native/kernels/common/math_kernels.inc (tanh_) must stay as accurate as float32 libm's
// (PyTorch and Keras use one within a couple of ulp).
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../lib/native.js';

const TANH = 3;
const initial = native.backendInfo().isa;
afterAll(() => native._testing.forceIsa(initial));

const bits = new Float32Array(1);
const word = new Int32Array(bits.buffer);
/** Position of a float32 on the number line, so that neighbours differ by 1 (-0 and +0 both 0). */
function order(x: number): number {
  bits[0] = x;
  const w = word[0]!;
  return w < 0 ? -(w & 0x7fffffff) : w;
}

// A fine sweep of [-12, 12] (both branches, their switch at |z| = 0.625, saturation past 9), and magnitudes from
// 1e-45 (subnormal) to 10 on a log scale, both signs.
const sweep: number[] = [];
for (let i = 0; i <= 240000; i++) sweep.push(-12 + i / 10000);
for (let e = -45; e <= 1; e += 0.002) sweep.push(10 ** e, -(10 ** e));
const z = Float32Array.from(sweep);

describe.each(native.backendInfo().supportedIsas)('tanh on %s', (isa) => {
  it('is within 1 ulp of float64 tanh rounded to float32 over the whole range', () => {
    native._testing.forceIsa(isa);
    const y = new Float32Array(z.length);
    native._testing.kernels.actForward(TANH, z, y);
    let worst = 0;
    let at = 0;
    for (let i = 0; i < z.length; i++) {
      const ulps = Math.abs(order(y[i]!) - order(Math.fround(Math.tanh(z[i]!))));
      if (ulps > worst) [worst, at] = [ulps, z[i]!];
    }
    expect(worst, `worst at z = ${at}`).toBeLessThanOrEqual(1);
  });

  it('keeps the sign of zero, saturates at exactly +-1 and propagates NaN', () => {
    native._testing.forceIsa(isa);
    const y = new Float32Array(6);
    native._testing.kernels.actForward(TANH, Float32Array.from([0, -0, 10, -10, Infinity, NaN]), y);
    expect(Object.is(y[0], 0) && Object.is(y[1], -0)).toBe(true);
    expect(Array.from(y.subarray(2))).toEqual([1, -1, 1, NaN]);
  });
});
