#!/usr/bin/env node
// The `myelin` command: finds the subcommand, parses its options, and turns any failure into one line
// on stderr and a non-zero exit code. Commands load lazily, so `myelin --help` does not start the engine.
import { readFileSync } from 'node:fs';
import type { Command } from './command.js';
import { parseCommandArgs } from './args.js';
import { UsageError, errorLine, exitCode } from './errors.js';
import { commandHelp, mainHelp } from './help.js';
import { createOutput } from './output.js';

/** Every subcommand, in the order --help lists them; add a command by adding its file here. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  demo: {
    summary: 'the course walkthrough on built-in data: perceptron, its limit, a deeper network',
    load: async () => (await import('./commands/demo.js')).demo,
  },
  train: {
    summary: 'train a network on a CSV file and save it',
    load: async () => (await import('./commands/train.js')).train,
  },
  predict: {
    summary: 'predict with a saved model on a CSV file',
    load: async () => (await import('./commands/predict.js')).predict,
  },
  evaluate: {
    summary: 'score a saved model on a labelled CSV file',
    load: async () => (await import('./commands/evaluate.js')).evaluate,
  },
  summary: {
    summary: 'print a saved model: layers, shapes, parameters, training setup',
    load: async () => (await import('./commands/summary.js')).summary,
  },
  export: {
    summary: 'convert a saved model to ONNX, Keras (.keras, .h5) or a myelin file',
    load: async () => (await import('./commands/export.js')).exportCommand,
  },
  explain: {
    summary: "which features drive a saved model's predictions: SHAP values, summary plots",
    load: async () => (await import('./commands/explain.js')).explain,
  },
};

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const list = Object.entries(COMMANDS).map(([n, c]) => ({ name: n, summary: c.summary }));
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${mainHelp(list, packageVersion())}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const wantsJson = rest.includes('--json');
  try {
    const entry = COMMANDS[name];
    if (!entry) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    const cmd = await entry.load();
    const args = parseCommandArgs(cmd, rest);
    if (args.values.help) {
      process.stdout.write(`${commandHelp(cmd)}\n`);
      return 0;
    }
    await cmd.run(args, createOutput(Boolean(args.values.json), Boolean(args.values.quiet)));
    return 0;
  } catch (e) {
    if (process.env.MYELIN_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    const line = errorLine(e);
    if (wantsJson)
      process.stdout.write(`${JSON.stringify({ error: line.replace(/^myelin[^:]*: /, ''), exitCode: exitCode(e) })}\n`);
    process.stderr.write(`${line}\n`);
    return exitCode(e);
  }
}

// `myelin predict … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${errorLine(e)}\n`);
    process.exitCode = 1;
  },
);
