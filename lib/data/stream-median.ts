// Exact column medians of a table read in passes, in bounded memory: a radix refinement on float32
// keys (the bits of a float reordered so unsigned order is numeric order). Each pass counts the next
// `bits` bits of the keys under every target's known prefix, and moves each target (a column's rank:
// the two middle ones when the count is even) into its bin; after 32 bits the target is a value. With
// at most HIST_BYTES of counts per pass: two passes (16 + 16 bits) up to 64 numeric columns, more beyond.

const HIST_BYTES = 32 * 2 ** 20;

interface Target {
  col: number;
  rank: number;
  prefix: number;
}

/** Feed every batch of a pass to `add`, then call `endPass`; repeat while it returns true. */
export class StreamMedians {
  private readonly cols: number;
  private targets: Target[] | null = null; // null during the first pass: one histogram per column
  private hist: Uint32Array[] = [];
  private known = 0; // bits of every target's key known so far
  private bits = 0;

  constructor(cols: number) {
    this.cols = cols;
    this.bits = passBits(cols, 32);
    this.hist = Array.from({ length: cols }, () => new Uint32Array(2 ** this.bits));
  }

  /** Counts the present (non-NaN) cells of column j of a row-major batch. */
  add(data: Float32Array, cols: number, j: number): void {
    const u = new Uint32Array(data.buffer, data.byteOffset, data.length);
    const low = 32 - this.known - this.bits;
    const mask = 2 ** this.bits - 1;
    if (!this.targets) {
      const h = this.hist[j]!;
      for (let i = j; i < data.length; i += cols) if (data[i] === data[i]) h[keyOf(u[i]!) >>> low]!++;
      return;
    }
    this.targets.forEach((t, k) => {
      if (t.col !== j) return;
      const h = this.hist[k]!;
      for (let i = j; i < data.length; i += cols) {
        if (data[i] !== data[i]) continue;
        const key = keyOf(u[i]!);
        if (key >>> (32 - this.known) === t.prefix) h[(key >>> low) & mask]!++;
      }
    });
  }

  /** Ends a pass: moves each target into its bin. True while another pass is needed. */
  endPass(numeric: (j: number) => boolean): boolean {
    if (!this.targets) {
      this.targets = [];
      for (let j = 0; j < this.cols; j++) {
        if (!numeric(j)) continue;
        const n = this.hist[j]!.reduce((s, c) => s + c, 0);
        if (n === 0) continue;
        for (const rank of new Set([(n - 1) >> 1, n >> 1])) this.targets.push({ col: j, rank, prefix: 0 });
      }
      const first = this.targets.map((t) => this.hist[t.col]!);
      this.hist = first;
    }
    this.targets.forEach((t, k) => {
      const h = this.hist[k]!;
      let bin = 0;
      while (t.rank >= h[bin]!) t.rank -= h[bin++]!;
      t.prefix = (t.prefix * 2 ** this.bits + bin) >>> 0;
    });
    this.known += this.bits;
    if (this.known >= 32) return false;
    this.bits = passBits(this.targets.length, 32 - this.known);
    this.hist = this.targets.map(() => new Uint32Array(2 ** this.bits));
    return true;
  }

  /** Each column's median (NaN for a column with no present cell or not numeric). */
  medians(): Float64Array {
    const sum = new Float64Array(this.cols);
    const count = new Float64Array(this.cols);
    for (const t of this.targets ?? []) {
      sum[t.col]! += floatOfKey(t.prefix);
      count[t.col]!++;
    }
    return sum.map((s, j) => (count[j] ? s / count[j]! : NaN));
  }
}

function passBits(histograms: number, left: number): number {
  const affordable = Math.floor(Math.log2(HIST_BYTES / 4 / Math.max(1, histograms)));
  return Math.max(1, Math.min(16, left, affordable));
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 bits → a key whose unsigned order is the numbers' order (negative: all bits flipped). */
function keyOf(b: number): number {
  return (b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
}

function floatOfKey(key: number): number {
  u32[0] = key & 0x80000000 ? key & 0x7fffffff : ~key >>> 0;
  return f32[0]!;
}
