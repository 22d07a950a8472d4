// What every subcommand provides; main.ts finds them by name in commands/ (one file per command).
import type { Output } from './output.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in --help, e.g. "N" for `--epochs N`. */
  arg?: string;
  description: string;
  /** Default as shown in --help (the real default is applied by the command). */
  default?: string;
}

export interface Command {
  name: string;
  /** One line for `myelin --help`. */
  summary: string;
  /** Positional arguments as shown in the usage line, e.g. "MODEL DATA.csv". */
  positionals: string;
  /** Paragraphs after the usage line. */
  description?: string;
  options: Record<string, OptionSpec>;
  examples?: string[];
  run(args: ParsedArgs, out: Output): Promise<void>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}
