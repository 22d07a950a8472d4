// Argument parsing with node:util parseArgs, and checked conversions whose errors name the option.
import { parseArgs } from 'node:util';
import type { Command, OptionSpec, ParsedArgs } from './command.js';
import { UsageError } from './errors.js';

/** Options every command accepts. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'show this help' },
  json: { type: 'boolean', description: 'print the result as one JSON document on stdout (progress goes nowhere)' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress output' },
};

export function parseCommandArgs(cmd: Command, argv: string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries({ ...COMMON_OPTIONS, ...cmd.options }))
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}) };
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true; strict: true; tokens: true }>
  >;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (e) {
    // parseArgs's messages are long and mention internals; keep the part that names the option.
    const msg = (e as Error).message
      .replace(/\. To specify a positional argument.*$/s, '')
      .replace(/^Unknown option '(.*?)'.*$/s, "unknown option '$1'")
      // `--target --epochs 3`: parseArgs calls it "ambiguous" and puts the fix on a line errorLine drops.
      .replace(
        /^Option '(.*?)' argument is ambiguous.*use '(--[^=]+)=-XYZ'.*$/s,
        "$1 needs a value, but the next word is an option; for a value that starts with '-', write $2=VALUE",
      );
    throw new UsageError(msg, cmd.name);
  }
  // A value option given twice is a mistake, not "the last one wins".
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || options[t.name]?.type !== 'string') continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name} is given more than once; give it once`, cmd.name);
    seen.add(t.name);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/** `--lr -0.1` and `-o -`: a value that starts with "-" after an option that takes one is its value. */
function joinNegativeValues(
  argv: string[],
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>,
): string[] {
  const takesValue = (tok: string): string | null => {
    const long = /^--([^=]+)$/.exec(tok);
    if (long) return options[long[1]!]?.type === 'string' ? `--${long[1]}` : null;
    const short = /^-([^-])$/.exec(tok);
    if (!short) return null;
    const entry = Object.entries(options).find(([, o]) => o.short === short[1]);
    return entry && entry[1].type === 'string' ? `--${entry[0]}` : null;
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = takesValue(tok);
    const next = argv[i + 1];
    if (name && next !== undefined && (/^-(\d|\.\d)/.test(next) || next === '-')) {
      out.push(`${name}=${next}`);
      i++;
    } else out.push(tok);
  }
  return out;
}

export class ArgReader {
  constructor(
    private readonly args: ParsedArgs,
    private readonly command: string,
  ) {}

  private fail(message: string): never {
    throw new UsageError(message, this.command);
  }

  string(name: string): string | undefined {
    const v = this.args.values[name];
    return typeof v === 'string' ? v : undefined;
  }

  flag(name: string): boolean {
    return this.args.values[name] === true;
  }

  /** A number option; `check` states the allowed range in the error message. */
  number(
    name: string,
    check?: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean },
  ): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const v = Number(raw);
    const c = check ?? {};
    // An integer above 2^53 - 1 (--epochs 1e20) counts nothing exactly: refused, its bound shown.
    const max = c.max ?? (c.integer && v > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : undefined);
    const range =
      (c.integer ? 'an integer' : 'a number') +
      (c.min !== undefined ? (c.exclusiveMin ? ` > ${c.min}` : ` >= ${c.min}`) : '') +
      (max !== undefined ? `${c.min !== undefined ? ' and' : ''} <= ${max}` : '');
    if (
      raw.trim() === '' ||
      !Number.isFinite(v) ||
      (c.integer && !Number.isInteger(v)) ||
      (c.min !== undefined && (c.exclusiveMin ? v <= c.min : v < c.min)) ||
      (max !== undefined && v > max)
    )
      this.fail(`--${name} must be ${range}, got "${raw}"`);
    return v;
  }

  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!(choices as readonly string[]).includes(raw))
      this.fail(`--${name} must be one of ${choices.join(', ')}; got "${raw}"`);
    return raw as T;
  }

  /** Comma-separated positive integers, e.g. --layers 16,8 (an empty string means none). */
  intList(name: string): number[] | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (raw.trim() === '' || raw.trim() === 'none') return [];
    const parts = raw.split(',').map((s) => s.trim());
    const out = parts.map(Number);
    if (out.some((v, i) => parts[i] === '' || !Number.isInteger(v) || v < 1))
      this.fail(`--${name} must be comma-separated positive integers like 16,8; got "${raw}"`);
    return out;
  }

  /** Comma-separated column names, e.g. --features a,b (blanks trimmed; empty entries are an error). */
  names(name: string): string[] | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const parts = raw.split(',').map((s) => s.trim());
    if (parts.some((p) => p === '')) this.fail(`--${name} must be comma-separated column names like a,b; got "${raw}"`);
    return parts;
  }

  positionals(names: string[]): string[] {
    const p = this.args.positionals;
    if (p.length < names.length) this.fail(`missing ${names.slice(p.length).join(' and ')}`);
    if (p.length > names.length) this.fail(`unexpected argument "${p[names.length]}"`);
    return p;
  }
}
