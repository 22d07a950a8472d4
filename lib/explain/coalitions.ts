// Evaluates v(S) = mean over background rows b of f(x with the features in S, b elsewhere) for
// many coalitions S at once: coalitions of one or several explained rows share one predict call of
// up to `maxRows` rows, filled natively.
import { Matrix } from '../matrix.js';
import { native } from '../native.js';

export interface CoalitionSet {
  /** The explained row (features values). */
  x: Float32Array;
  /** count x features, 1 = the feature takes x's value. */
  masks: Uint8Array;
  count: number;
}

/** Rows per predict call: enough to amortize the call, bounded to ~64 MB of inputs. */
export function defaultMaxRows(features: number, bgRows: number): number {
  return Math.max(bgRows, Math.min(1 << 16, Math.floor((16 << 20) / features)));
}

export class CoalitionEvaluator {
  constructor(
    private readonly predict: (x: Matrix) => Matrix,
    private readonly background: Matrix,
    private readonly maxRows = defaultMaxRows(background.cols, background.rows),
  ) {}

  /** For each set, v of each of its coalitions: count x outputs (row-major) in float64. */
  evaluate(sets: readonly CoalitionSet[]): Float64Array[] {
    const B = this.background.rows;
    const D = this.background.cols;
    const perCall = Math.max(1, Math.floor(this.maxRows / B));
    const buf = new Float32Array(
      Math.min(
        perCall,
        sets.reduce((n, s) => n + s.count, 0),
      ) *
        B *
        D,
    );
    const out: Float64Array[] = new Array(sets.length);
    // Segments of the current call: [set index, first coalition, count].
    let segs: [number, number, number][] = [];
    let used = 0;
    const flush = () => {
      if (used === 0) return;
      const p = this.predict(new Matrix(used * B, D, buf.subarray(0, used * B * D)));
      const K = p.cols;
      const v = native.groupMeans(p.data, used, B, K);
      let at = 0;
      for (const [s, first, count] of segs) {
        out[s] ??= new Float64Array(sets[s]!.count * K);
        out[s]!.set(v.subarray(at * K, (at + count) * K), first * K);
        at += count;
      }
      segs = [];
      used = 0;
    };
    sets.forEach((set, s) => {
      for (let first = 0; first < set.count; ) {
        const count = Math.min(set.count - first, perCall - used);
        native.fillCoalitions(
          set.x,
          this.background.data,
          B,
          D,
          set.masks.subarray(first * D, (first + count) * D),
          count,
          buf.subarray(used * B * D),
        );
        segs.push([s, first, count]);
        used += count;
        first += count;
        if (used === perCall) flush();
      }
      if (set.count === 0) out[s] = new Float64Array(0);
    });
    flush();
    return out;
  }
}
