// A Sequential's list of layers: unique names, each layer built on the previous one's output, and where
// each layer's weight arrays sit in the engine's flat weight list.
import { Layer } from '../layers/layer.js';
import { describe } from '../matrix.js';

/** Checks `layer` can join `stack` (not while `fitting`), names it uniquely ('dense', 'dense_1', ...) and builds it if it can. */
export function chainLayer(stack: readonly Layer[], layer: Layer, fitting: boolean): void {
  if (!(layer instanceof Layer))
    throw new TypeError(`add: expected a layer (Dense, Dropout, BatchNormalization...), got ${describe(layer)}`);
  if (fitting) throw new Error('add: the model is training; add layers before fit');
  if (stack.includes(layer) || layer.owner) throw new Error(`add: layer '${layer.name}' is already in a model`);
  const stem = layer.defaultName();
  const taken = new Set(stack.map((l) => l.name));
  let free = stem;
  for (let i = 1; taken.has(free); i++) free = `${stem}_${i}`;
  layer.assignName(free); // ignored when the layer was given a name
  if (taken.has(layer.name))
    throw new Error(`add: a layer named '${layer.name}' is already in the model; names must be unique`);
  const prev = stack[stack.length - 1];
  if (prev) {
    if (prev.built) layer.build(prev.outputDim(prev.inputDim!));
    else if (layer.inputDim !== null)
      throw new Error(`add: layer '${layer.name}' has inputDim, but only the first layer may set it`);
  } else if (layer.inputDim !== null) layer.build(layer.inputDim);
}

/** Hands the engine's current weights back to the layers as their initial weights (before a rebuild). */
export function keepWeights(stack: readonly Layer[], flat: Float32Array[]): void {
  let k = 0;
  for (const l of stack) {
    const n = l.weightShapes().length;
    l.initial = flat.slice(k, k + n);
    k += n;
  }
}

/** Shapes of all weight arrays, in the engine's (and Keras's) order. */
export function weightShapes(stack: readonly Layer[]): number[][] {
  return stack.flatMap((l) => l.weightShapes());
}

/** Keras's weight names: 'dense/kernel', 'dense/bias', ... */
export function weightNames(stack: readonly Layer[]): string[] {
  return stack.flatMap((l) => l.weightNames().map((w) => `${l.name}/${w}`));
}

/** [start, end) of `layer`'s arrays in the flat weight list. */
export function weightRange(stack: readonly Layer[], layer: Layer, modelName: string): [number, number] {
  let start = 0;
  for (const l of stack) {
    const n = l.weightShapes().length;
    if (l === layer) return [start, start + n];
    start += n;
  }
  throw new Error(`layer '${layer.name}' is not in model '${modelName}'`);
}

/** The error for a model that cannot run yet (no layers, or no input width), or nothing. */
export function checkBuilt(stack: readonly Layer[], what: string): void {
  if (stack.length === 0) throw new Error(`${what}: the model has no layers; add some with model.add(new Dense(...))`);
  if (!stack[0]!.built)
    throw new Error(
      `${what}: the model's input width is unknown; give the first layer inputDim, e.g. new Dense(${
        (stack[0] as { units?: number }).units ?? 8
      }, { inputDim: 4 })`,
    );
}
