// Where the CLI writes: results on stdout (a single JSON document with --json), progress and notes on
// stderr, so `myelin … --json | jq` always reads clean JSON.

export interface Output {
  readonly json: boolean;
  /** A human-readable line of results (suppressed with --json). */
  line(text?: string): void;
  /** Progress and notes for the person watching (stderr; suppressed with --json or --quiet). */
  note(text: string): void;
  /** The machine-readable result (printed only with --json). */
  result(value: unknown): void;
  /** True when stderr is a terminal, so a progress bar can redraw in place. */
  readonly tty: boolean;
  readonly stderr: NodeJS.WritableStream;
}

/** Control characters from data (terminal escapes, NUL, bell…) shown as \xNN; line breaks kept. */
export function escapeControls(text: string): string {
  return text.replace(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/g, (c) =>
    c === '\t' ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

export function createOutput(json: boolean, quiet = false): Output {
  return {
    json,
    tty: !json && !quiet && Boolean(process.stderr.isTTY),
    stderr: process.stderr,
    line(text = '') {
      if (!json) process.stdout.write(`${escapeControls(text)}\n`);
    },
    note(text: string) {
      if (!json && !quiet) process.stderr.write(`${escapeControls(text)}\n`);
    },
    result(value: unknown) {
      if (json) process.stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
    },
  };
}

/** Typed arrays and non-finite numbers as JSON can hold them. */
function jsonReplacer(_key: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}
