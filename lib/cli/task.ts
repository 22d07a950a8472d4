// Deciding what a CSV's target column asks for: classification (text labels, or a few integer values)
// or regression (other numbers), and the class names a saved model will print.
import { categoryOf } from '../data/table.js';
import { UsageError } from './errors.js';

export type Task = 'classification' | 'regression';

export interface PreparedTarget {
  task: Task;
  /** Class indexes for classification, values for regression. */
  y: Int32Array | Float32Array;
  classNames?: string[];
  /** Why this task was chosen, for the person reading the output. */
  reason: string;
}

/** A numeric target with at most this many distinct integer values is taken as class labels. */
export const MAX_AUTO_CLASSES = 10;
export const MAX_CLASSES = 1000;

/**
 * `labels`: the target's distinct values as classes, exactly (readCsv's targetLabels); y is float32, where
 * integers above 2^24 merge, so classes are taken from them when given.
 */
export function prepareTarget(
  y: Int32Array | Float32Array,
  classNames: string[] | undefined,
  target: string,
  requested: Task | 'auto',
  command = 'train',
  labels?: { y: Int32Array; classNames: string[] },
): PreparedTarget {
  if (classNames) {
    if (requested === 'regression')
      throw new UsageError(
        `--task regression needs a numeric target, but column "${target}" holds text (${preview(classNames)})`,
        command,
      );
    if (classNames.length < 2)
      throw new UsageError(
        `column "${target}" has a single class (${classNames[0]}); a classifier needs at least two`,
        command,
      );
    return {
      task: 'classification',
      y,
      classNames,
      reason: `column "${target}" holds text labels: ${preview(classNames)}`,
    };
  }
  const distinct = new Set<number | string>(labels?.classNames);
  let integers = labels ? labels.classNames.every((n) => Number.isInteger(Number(n))) : true;
  if (!labels)
    for (const v of y) {
      if (!Number.isInteger(v)) integers = false;
      if (distinct.size <= MAX_CLASSES) distinct.add(v);
    }
  const auto = integers && distinct.size <= MAX_AUTO_CLASSES;
  if (requested === 'regression' || (requested === 'auto' && !auto)) {
    const reason =
      requested === 'regression'
        ? 'asked for with --task'
        : `column "${target}" holds ${distinct.size > MAX_CLASSES ? 'many' : distinct.size} distinct ${integers ? 'integer ' : ''}numbers (classification is chosen for at most ${MAX_AUTO_CLASSES} integer values)`;
    return { task: 'regression', y: Float32Array.from(y), reason };
  }
  if (distinct.size > MAX_CLASSES)
    throw new UsageError(
      `column "${target}" has more than ${MAX_CLASSES} distinct values: too many to be classes (use --task regression)`,
      command,
    );
  if (distinct.size < 2)
    throw new UsageError(
      `column "${target}" has a single value (${[...distinct][0]}); a classifier needs at least two classes`,
      command,
    );
  let idx: Int32Array;
  let names: string[];
  if (labels) ({ y: idx, classNames: names } = labels);
  else {
    const values = [...(distinct as Set<number>)].sort((a, b) => a - b);
    const index = new Map(values.map((v, i) => [v, i]));
    idx = Int32Array.from(y, (v) => index.get(v)!);
    names = values.map((v) => categoryOf(v));
  }
  const reason =
    requested === 'classification'
      ? `asked for with --task: classes ${preview(names)}`
      : `column "${target}" holds ${names.length} integer values (${preview(names)}); use --task regression to predict them as numbers`;
  return { task: 'classification', y: idx, classNames: names, reason };
}

function preview(names: string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, … (${names.length} classes)`;
}
