// `myelin summary MODEL`: what a saved model is — its layers, shapes and parameters, how it was
// compiled, and what the CLI stored with it (task, features, classes, preprocessing).
import type { Command } from '../command.js';
import { ArgReader } from '../args.js';
import { loadTrained } from '../model-file.js';

export const summary: Command = {
  name: 'summary',
  summary: 'print a saved model: layers, shapes, parameters, training setup',
  positionals: 'MODEL',
  options: {},
  examples: ['myelin summary iris.myelin', 'myelin summary model.onnx --json'],
  async run(args, out) {
    const a = new ArgReader(args, 'summary');
    const [file] = a.positionals(['MODEL']);
    const t = await loadTrained(file!);
    out.line(t.model.summary(null));
    const lines = describeTrained(t);
    for (const l of lines) out.line(l);
    out.result({
      file: t.path,
      format: t.format.name,
      layers: t.model.layers.map((l) => ({
        name: l.name,
        type: l.className,
        outputShape: l.outputShape,
        params: l.countParams(),
      })),
      params: t.model.countParams(),
      task: t.meta.task,
      target: t.meta.target ?? null,
      features: t.meta.featureNames ?? null,
      classNames: t.meta.classNames ?? null,
      preprocessing: t.preprocessing,
    });
  },
};

function describeTrained(t: Awaited<ReturnType<typeof loadTrained>>): string[] {
  const m = t.meta;
  const lines = [`File: ${t.path} (${t.format.description})`, `Task: ${m.task}${m.target ? ` of "${m.target}"` : ''}`];
  if (m.featureNames) lines.push(`Features (${m.featureNames.length}): ${m.featureNames.join(', ')}`);
  if (m.classNames) lines.push(`Classes (${m.classNames.length}): ${m.classNames.join(', ')}`);
  lines.push(`Preprocessing: ${t.preprocessing ?? 'none (the model takes inputs as they are)'}`);
  if (!m.fromCli) lines.push("(saved without the CLI's notes: features are read by position, classes by index)");
  return lines;
}
