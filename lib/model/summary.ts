// summary(): Keras 3's table (keras/src/utils/summary_utils.py): layer (type), output shape and
// parameter count per layer, then totals with their float32 size.
import type { Layer } from '../layers/layer.js';

const HEAD = ['Layer (type)', 'Output Shape', 'Param #'];
const MIN = [31, 22, 13];

export function summaryTable(name: string, layers: readonly Layer[]): string {
  const rows = layers.map((l) => [
    `${l.name} (${l.className})`,
    l.outputShape ? `(None, ${l.outputShape[1]})` : '?',
    l.built ? l.countParams().toLocaleString('en-US') : '0 (unbuilt)',
  ]);
  const w = MIN.map((m, i) => Math.max(m, HEAD[i]!.length, ...rows.map((r) => r[i]!.length)));
  const cell = (r: string[], i: number) => (i === 2 ? r[i]!.padStart(w[i]!) : r[i]!.padEnd(w[i]!));
  const line = (l: string, m: string, r: string, fill: string) => l + w.map((n) => fill.repeat(n + 2)).join(m) + r;
  const row = (r: string[], bar: string) => `${bar} ${[0, 1, 2].map((i) => cell(r, i)).join(` ${bar} `)} ${bar}`;
  const total = layers.reduce((n, l) => n + l.countParams(), 0);
  const frozen = layers.reduce((n, l) => n + l.nonTrainableParams(), 0);
  const out = [
    `Model: "${name}"`,
    line('┏', '┳', '┓', '━'),
    row(HEAD, '┃'),
    line('┡', '╇', '┩', '━'),
    ...rows.flatMap((r, i) => (i === 0 ? [row(r, '│')] : [line('├', '┼', '┤', '─'), row(r, '│')])),
    line('└', '┴', '┘', '─'),
    ` Total params: ${count(total)}`,
    ` Trainable params: ${count(total - frozen)}`,
    ` Non-trainable params: ${count(frozen)}`,
  ];
  return out.join('\n');
}

function count(n: number): string {
  return `${n.toLocaleString('en-US')} (${memorySize(n * 4)})`;
}

/** Keras's readable_memory_size: base 1024, two decimals. */
function memorySize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (bytes / 1024 >= 1 && i < units.length - 1) {
    bytes /= 1024;
    i++;
  }
  return `${bytes.toFixed(2)} ${units[i]}`;
}
