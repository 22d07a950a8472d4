// The verbose output of fit (Keras's ProgbarLogger): 1 = a progress bar with ETA and the running
// loss on a TTY, redrawn from the engine's throttled progress reports, or plain lines elsewhere;
// 2 = one line per epoch.
import { Callback, type Logs } from './callback.js';

export interface Output {
  write(s: string): unknown;
  isTTY?: boolean;
}

const BAR = 20;

export class ProgressLogger extends Callback {
  private epochStart = 0;

  constructor(
    private readonly verbose: 1 | 2,
    private readonly out: Output = process.stdout,
  ) {
    super();
  }

  /** Verbose 1 on a TTY: a bar redrawn from the engine's progress reports. */
  get drawsBar(): boolean {
    return this.verbose === 1 && this.out.isTTY === true;
  }

  override onEpochBegin(epoch: number): void {
    this.epochStart = performance.now();
    if (this.verbose === 1) this.out.write(`Epoch ${epoch + 1}/${this.params.epochs}\n`);
  }

  /** From the engine's onProgress: batch `batch` (1-based count done) of `batches`. */
  progress(batch: number, batches: number, loss: number): void {
    if (!this.drawsBar) return;
    const elapsed = (performance.now() - this.epochStart) / 1000;
    const eta = batch > 0 ? (elapsed / batch) * (batches - batch) : 0;
    this.out.write(`\r${this.head(batch, batches)} ETA: ${eta.toFixed(0)}s - loss: ${fmt(loss)}\x1b[K`);
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const steps = this.params.steps;
    const seconds = (performance.now() - this.epochStart) / 1000;
    const perStep = steps > 0 ? `${fmtTime(seconds / steps)}/step` : '';
    const values = Object.entries(logs)
      .map(([k, v]) => ` - ${k}: ${fmt(v)}`)
      .join('');
    if (this.verbose === 1)
      this.out.write(
        `${this.drawsBar ? '\r' : ''}${this.head(steps, steps)} ${seconds.toFixed(0)}s ${perStep}${values}${this.drawsBar ? '\x1b[K' : ''}\n`,
      );
    else
      this.out.write(
        `Epoch ${epoch + 1}/${this.params.epochs} - ${steps}/${steps} - ${seconds.toFixed(0)}s - ${perStep}${values}\n`,
      );
  }

  private head(batch: number, batches: number): string {
    const done = batches > 0 ? Math.round((BAR * batch) / batches) : BAR;
    const w = String(batches).length;
    return `${String(batch).padStart(w)}/${batches} ${'━'.repeat(done)}${'─'.repeat(BAR - done)}`;
  }
}

/** Keras's format: 4 decimals, or 4-digit scientific for |v| <= 1e-3. */
export function fmt(v: number): string {
  if (Math.abs(v) > 1e-3 || !Number.isFinite(v)) return v.toFixed(4);
  const [m, e] = v.toExponential(4).split('e');
  const n = Number(e);
  return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

function fmtTime(s: number): string {
  if (s >= 1) return `${s.toFixed(0)}s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(0)}ms`;
  return `${(s * 1e6).toFixed(0)}us`;
}
