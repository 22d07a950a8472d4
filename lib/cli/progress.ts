// Training progress for the terminal: a bar redrawn in place on a TTY, one line per epoch otherwise
// (CI logs), nothing with --json. Written to stderr, so results on stdout stay clean.
import type { Output } from './output.js';

type Logs = Record<string, number>;

export interface ProgressOptions {
  epochs: number;
  /** Without a TTY, print every `every`-th epoch (default 1) plus the last one. */
  every?: number;
  /** Indent of each line, to nest under a heading. */
  indent?: string;
}

export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(' · ');
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(4);
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** A fit callback (onTrainBegin / onEpochEnd / onTrainEnd) that reports progress to `out`. */
export function progressCallback(out: Output, o: ProgressOptions) {
  const indent = o.indent ?? '';
  const every = Math.max(1, o.every ?? 1);
  let start = 0;
  let lastDraw = 0;
  let lastLine = '';
  let seen = 0;
  let pending = ''; // the latest epoch's line when it was not printed (stopped early between prints)
  let skipped: { done: number; logs: Logs; elapsed: number } | null = null; // TTY: an epoch not drawn yet
  return {
    onTrainBegin() {
      start = performance.now();
      seen = 0;
    },
    onEpochEnd(epoch: number, logs: Logs = {}) {
      seen++;
      const done = epoch + 1;
      const elapsed = performance.now() - start;
      if (out.json) return;
      if (out.tty) {
        const now = performance.now();
        if (now - lastDraw < 80 && done < o.epochs) {
          skipped = { done, logs, elapsed }; // drawn later, or at the end if training stops here
          return; // redraw at most ~12 times a second
        }
        lastDraw = now;
        draw(done, logs, elapsed);
      } else {
        const line = `${indent}epoch ${done}/${o.epochs} · ${formatLogs(logs)} · ${duration(elapsed)}`;
        if (done % every === 0 || done === o.epochs || done === 1) {
          out.note(line);
          pending = '';
        } else pending = line;
      }
    },
    onTrainEnd() {
      if (out.tty && skipped) draw(skipped.done, skipped.logs, skipped.elapsed); // the epoch training ended on
      if (out.tty && lastLine) out.stderr.write('\n');
      else if (pending) out.note(pending);
      lastLine = '';
      pending = '';
      skipped = null;
    },
  };

  function draw(done: number, logs: Logs, elapsed: number): void {
    skipped = null;
    const width = 24;
    const filled = Math.round((done / o.epochs) * width);
    const eta = done < o.epochs ? ` · ETA ${duration((elapsed / seen) * (o.epochs - done))}` : '';
    const line = `${indent}epoch ${String(done).padStart(String(o.epochs).length)}/${o.epochs} [${'='.repeat(filled)}${filled < width ? '>' : ''}${' '.repeat(Math.max(0, width - filled - 1))}] ${formatLogs(logs)}${eta}`;
    const cols = (out.stderr as NodeJS.WriteStream).columns ?? 120;
    out.stderr.write(`\r${line.slice(0, cols - 1).padEnd(Math.min(cols - 1, lastLine.length))}`);
    lastLine = line.slice(0, cols - 1);
  }
}
