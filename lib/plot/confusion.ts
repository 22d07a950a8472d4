// plotConfusionMatrix: a heatmap with the count in each cell; rows are true classes, columns predicted
// (sklearn's orientation, as confusionMatrix returns it).
import { document, el, text, textWidth } from './svg.js';
import { writePicture, type PlotFileOptions } from './output.js';

export interface PlotConfusionMatrixOptions extends PlotFileOptions {
  /** Class names, one per row/column (default 0, 1, …). */
  labels?: string[];
  title?: string;
}

/** White → dark blue; t in [0, 1]. */
function blue(t: number): string {
  const a = [247, 251, 255];
  const b = [8, 48, 107];
  const c = a.map((v, i) => Math.round(v + (b[i]! - v) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export function plotConfusionMatrix(
  matrix: ArrayLike<ArrayLike<number>>,
  options: PlotConfusionMatrixOptions = {},
): string {
  const k = matrix?.length;
  if (typeof k !== 'number' || k === 0)
    throw new TypeError('plotConfusionMatrix needs a non-empty square matrix (number[][])');
  for (let i = 0; i < k; i++) {
    const row = matrix[i];
    if (!row || row.length !== k)
      throw new RangeError(
        `plotConfusionMatrix: row ${i} has ${row?.length ?? 0} entries; a ${k}x${k} matrix needs ${k}`,
      );
    for (let j = 0; j < k; j++)
      if (!(Number(row[j]) >= 0))
        throw new RangeError(
          `plotConfusionMatrix: entry [${i}][${j}] is ${row[j]}; counts must be non-negative numbers`,
        );
  }
  const labels = options.labels ?? Array.from({ length: k }, (_, i) => String(i));
  if (labels.length !== k) throw new RangeError(`plotConfusionMatrix: ${labels.length} labels for a ${k}x${k} matrix`);

  const cell = Math.max(30, Math.min(80, Math.floor(480 / k)));
  const longest = Math.max(...labels.map((l) => textWidth(l, 12)));
  const rotate = longest > cell - 8; // column labels that would collide are turned 45°
  const left = 40 + longest + 14;
  const top = options.title ? 46 : 16;
  const gridW = cell * k;
  const bottomLabels = rotate ? longest * 0.71 + 14 : 24;
  const legendW = 96;
  // A long title widens the picture rather than running off its edges (bold text is ~10 % wider).
  const width = Math.max(left + gridW + legendW, options.title ? textWidth(options.title, 15) * 1.1 + 32 : 0);
  const height = top + gridW + bottomLabels + 34;

  const body: string[] = [];
  if (options.title) body.push(text(width / 2, 28, options.title, { anchor: 'middle', size: 15, weight: 'bold' }));
  for (let i = 0; i < k; i++) {
    const row = matrix[i]!;
    let total = 0;
    for (let j = 0; j < k; j++) total += Number(row[j]);
    for (let j = 0; j < k; j++) {
      const v = Number(row[j]);
      // Shade by the share of the true class's row, so small classes read as clearly as large ones.
      const t = total > 0 ? v / total : 0;
      const x = left + j * cell;
      const y = top + i * cell;
      body.push(
        el('rect', {
          x,
          y,
          width: cell,
          height: cell,
          fill: blue(t),
          stroke: '#ffffff',
          class: 'cell',
          'data-row': i,
          'data-col': j,
        }),
      );
      const size = Math.max(10, Math.min(18, cell / 3.2));
      const label = Number.isInteger(v) ? String(v) : v.toFixed(2);
      const fill = t > 0.5 ? '#ffffff' : '#222';
      if (cell >= 50 && total > 0) {
        body.push(
          text(x + cell / 2, y + cell / 2 - 6, label, {
            anchor: 'middle',
            baseline: 'middle',
            size,
            weight: i === j ? 'bold' : 'normal',
            fill,
          }),
        );
        body.push(
          text(x + cell / 2, y + cell / 2 + size * 0.75, `${Math.round(t * 100)}%`, {
            anchor: 'middle',
            baseline: 'middle',
            size: 10,
            fill,
          }),
        );
      } else body.push(text(x + cell / 2, y + cell / 2, label, { anchor: 'middle', baseline: 'middle', size, fill }));
    }
  }
  for (let i = 0; i < k; i++) {
    body.push(text(left - 8, top + i * cell + cell / 2, labels[i]!, { anchor: 'end', baseline: 'middle', size: 12 }));
    const cx = left + i * cell + cell / 2;
    const ly = top + gridW + 8;
    body.push(
      rotate
        ? text(cx, ly + 4, labels[i]!, { anchor: 'end', size: 12, rotate: -45 })
        : text(cx, ly, labels[i]!, { anchor: 'middle', baseline: 'hanging', size: 12 }),
    );
  }
  body.push(
    text(left + gridW / 2, top + gridW + bottomLabels + 22, 'Predicted label', {
      anchor: 'middle',
      size: 13,
      weight: 'bold',
    }),
  );
  body.push(text(16, top + gridW / 2, 'True label', { anchor: 'middle', size: 13, weight: 'bold', rotate: -90 }));
  // Colour key: share of the true class's row.
  const kx = left + gridW + 20;
  const kh = Math.min(gridW, 200);
  for (let s = 0; s < 20; s++)
    body.push(el('rect', { x: kx, y: top + (kh * s) / 20, width: 14, height: kh / 20 + 0.5, fill: blue(1 - s / 19) }));
  body.push(el('rect', { x: kx, y: top, width: 14, height: kh, fill: 'none', stroke: '#888' }));
  body.push(text(kx + 18, top, '100%', { baseline: 'hanging', size: 10 }));
  body.push(text(kx + 18, top + kh, '0%', { size: 10 }));
  body.push(text(kx + 18, top + kh / 2, 'of row', { baseline: 'middle', size: 10, fill: '#555' }));
  const svg = document(width, height, body, options.title ?? 'Confusion matrix');
  return writePicture(svg, options);
}
