// --help texts, built from the commands' own option tables so they cannot drift from what is parsed.
import type { Command } from './command.js';
import { COMMON_OPTIONS } from './args.js';

export function commandHelp(cmd: Command): string {
  const summary = `${cmd.summary.charAt(0).toUpperCase() + cmd.summary.slice(1)}.`;
  const lines = [`Usage: myelin ${cmd.name}${cmd.positionals ? ` ${cmd.positionals}` : ''} [options]`, '', summary];
  if (cmd.description) lines.push('', cmd.description);
  lines.push('', 'Options:');
  const all = { ...cmd.options, ...COMMON_OPTIONS } as Command['options'];
  const heads = Object.entries(all).map(
    ([name, o]) => `  ${o.short ? `-${o.short}, ` : '    '}--${name}${o.arg ? ` ${o.arg}` : ''}`,
  );
  const width = Math.min(34, Math.max(...heads.map((h) => h.length)) + 2);
  Object.values(all).forEach((o, i) => {
    const head = heads[i]!;
    const text = o.description + (o.default !== undefined ? ` (default: ${o.default})` : '');
    lines.push(head.length + 1 > width ? `${head}\n${' '.repeat(width)}${text}` : head.padEnd(width) + text);
  });
  if (cmd.examples?.length) lines.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

export function mainHelp(commands: Pick<Command, 'name' | 'summary'>[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 4;
  return [
    `myelin ${version}: multi-layer perceptrons for Node.js, native-accelerated`,
    '',
    'Usage: myelin <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show this help',
    '  -v, --version  print the version',
    '',
    "Run 'myelin <command> --help' for a command's options.",
    'Start with: myelin demo',
  ].join('\n');
}
