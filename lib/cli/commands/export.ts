// `myelin export MODEL --to OUT`: converts a model file of any format myelin reads into another (the
// format from OUT's extension: .onnx, .keras, .h5, anything else myelin's own), metadata included.
import type { Command } from '../command.js';
import { ArgReader } from '../args.js';
import { UsageError } from '../errors.js';
import { formatForPath } from '../../io/formats.js';
import { loadTrained } from '../model-file.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'convert a saved model to ONNX, Keras (.keras, .h5) or a myelin file',
  positionals: 'MODEL',
  description:
    'Reads MODEL in any format myelin reads (myelin, ONNX, Keras 3 .keras, Keras 2 .h5) and writes it to\n' +
    "the file --to names, in the format of that file's extension (.onnx, .keras, .h5; anything else: myelin's own).",
  options: {
    to: { type: 'string', arg: 'FILE', description: 'the file to write (required)' },
  },
  examples: ['myelin export iris.myelin --to iris.onnx', 'myelin export classifier.keras --to classifier.myelin'],
  async run(args, out) {
    const a = new ArgReader(args, 'export');
    const [file] = a.positionals(['MODEL']);
    const to = a.string('to');
    if (!to) throw new UsageError('--to FILE is required (the file to write, e.g. --to model.onnx)', 'export');
    const t = await loadTrained(file!);
    const format = formatForPath(to);
    await t.model.save(to);
    out.line(`${file} (${t.format.description}) exported to ${to} (${format.description})`);
    if (format.name === 'onnx' && t.model.optimizer)
      out.note(
        'ONNX is inference only: the compile configuration and optimizer state are not in it (docs/model-files.md).',
      );
    if ((format.name === 'keras' || format.name === 'h5') && t.model.preprocessing)
      out.note(
        `Keras does not apply the model's preprocessing (imputation, one-hot encoding, scaling): ${to} keeps it in ` +
          "myelin's key only, and Keras takes preprocessed features; export to .onnx to carry it as graph nodes.",
      );
    out.result({ from: file, fromFormat: t.format.name, to, format: format.name });
  },
};
