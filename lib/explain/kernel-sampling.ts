// Which coalitions Kernel SHAP evaluates, with their Shapley kernel weights. All of them when
// affordable; otherwise whole subset sizes while the budget covers them (smallest and largest
// sizes first, where the kernel puts most weight) and a weighted random sample of the rest, each
// sample paired with its complement (Lundberg & Lee 2017).

export interface Coalitions {
  /** count x m, over the m features being explained. */
  masks: Uint8Array;
  weights: Float64Array;
  count: number;
}

export function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** Shapley kernel weight of one coalition of size s among m features. */
export function shapleyKernel(m: number, s: number): number {
  return (m - 1) / (binomial(m, s) * s * (m - s));
}

/** Every coalition except the empty and the full one, weighted by the Shapley kernel. */
export function allCoalitions(m: number): Coalitions {
  const count = 2 ** m - 2;
  const masks = new Uint8Array(count * m);
  const weights = new Float64Array(count);
  for (let c = 0; c < count; c++) {
    const bits = c + 1;
    let s = 0;
    for (let j = 0; j < m; j++) {
      masks[c * m + j] = (bits >>> j) & 1;
      s += masks[c * m + j]!;
    }
    weights[c] = shapleyKernel(m, s);
  }
  return { masks, weights, count };
}

/** Every subset of {0..m-1} of size s, as index lists. */
function* subsetsOfSize(m: number, s: number): Generator<number[]> {
  const idx = Array.from({ length: s }, (_, i) => i);
  for (;;) {
    yield idx;
    let i = s - 1;
    while (i >= 0 && idx[i] === m - s + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < s; j++) idx[j] = idx[j - 1]! + 1;
  }
}

export function sampledCoalitions(m: number, nSamples: number, random: () => number): Coalitions {
  const masks: Uint8Array[] = [];
  const weights: number[] = [];
  const index = new Map<string, number>();
  const add = (mask: Uint8Array, w: number) => {
    const key = mask.join('');
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, masks.length);
      masks.push(mask);
      weights.push(w);
    } else weights[at]! += w;
  };
  const complement = (mask: Uint8Array) => mask.map((v) => 1 - v);

  // Kernel mass of each size s (paired with m - s), normalized.
  const sizes = Math.ceil((m - 1) / 2);
  const paired = Math.floor((m - 1) / 2);
  const mass = Array.from({ length: sizes }, (_, i) => ((m - 1) / ((i + 1) * (m - i - 1))) * (i < paired ? 2 : 1));
  const total = mass.reduce((a, b) => a + b, 0);
  for (let i = 0; i < sizes; i++) mass[i]! /= total;

  let left = nSamples;
  let massLeft = 1;
  let full = 0;
  for (; full < sizes; full++) {
    const s = full + 1;
    const n = binomial(m, s) * (full < paired ? 2 : 1);
    if (left * (mass[full]! / massLeft) < n - 1e-8) break;
    const w = mass[full]! / n;
    for (const subset of subsetsOfSize(m, s)) {
      const mask = new Uint8Array(m);
      for (const j of subset) mask[j] = 1;
      add(mask, w);
      if (full < paired) add(complement(mask), w);
    }
    left -= n;
    massLeft -= mass[full]!;
  }

  if (full < sizes && left > 0) {
    const restMass = mass.slice(full);
    const restTotal = restMass.reduce((a, b) => a + b, 0);
    const drawn: [Uint8Array, number][] = [];
    let draws = 0;
    const perm = Array.from({ length: m }, (_, i) => i);
    for (let attempt = 0; left > 0 && attempt < 4 * nSamples; attempt++) {
      let u = random() * restTotal;
      let i = 0;
      for (; i < restMass.length - 1; i++) {
        u -= restMass[i]!;
        if (u <= 0) break;
      }
      const s = full + i + 1;
      const mask = new Uint8Array(m);
      for (let j = 0; j < s; j++) {
        const r = j + Math.floor(random() * (m - j));
        [perm[j], perm[r]] = [perm[r]!, perm[j]!];
        mask[perm[j]!] = 1;
      }
      drawn.push([mask, 1]);
      draws++;
      left--;
      if (full + i < paired && left > 0) {
        drawn.push([complement(mask), 1]);
        draws++;
        left--;
      }
    }
    for (const [mask, n] of drawn) add(mask, (n * massLeft) / draws);
  }

  const count = masks.length;
  const flat = new Uint8Array(count * m);
  masks.forEach((mk, c) => flat.set(mk, c * m));
  return { masks: flat, weights: Float64Array.from(weights), count };
}
