// Errors the CLI reports as one line: a usage mistake (exit 2, with a pointer to --help) or a failure
// while running (exit 1). Anything else thrown by the library is reported the same way, by its message.
import { escapeControls } from './output.js';

export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** The single line printed for an error (no stack trace; the library's messages already say where). */
export function errorLine(e: unknown): string {
  // Control characters from data are escaped; the library's function names are not the user's business.
  const msg = escapeControls(e instanceof Error ? e.message : String(e)).replace(
    /^(readCsv|loadModel|save|predict|evaluate|fit): /,
    '',
  );
  const first = msg.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  if (e instanceof UsageError)
    return `myelin${e.command ? ` ${e.command}` : ''}: ${first} (see myelin ${e.command ? `${e.command} ` : ''}--help)`;
  return `myelin: ${first}`;
}

export function exitCode(e: unknown): number {
  return e instanceof UsageError ? 2 : 1;
}
