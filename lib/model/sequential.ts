// Sequential: a stack of layers trained by the native engine (lib/engine/contract.ts). Weights and
// optimizer state live natively from the first compile/predict/getWeights on; fit runs whole epochs
// in native code and returns a Keras History.
import type { NativeNetwork, OptimizerState } from '../engine/contract.js';
import type { Layer, LayerConfig } from '../layers/layer.js';
import { layerFromConfig } from '../layers/index.js';
import { Matrix, describe } from '../matrix.js';
import { native } from '../native.js';
import type { Optimizer } from '../optimizers.js';
import type { TrainingModel, TrainingState } from '../callbacks/callback.js';
import type { History } from '../callbacks/history.js';
import {
  compileSpec,
  lossConfig,
  resolveCompile,
  type CompileArgs,
  type CompileConfig,
  type Compiled,
} from './compile.js';
import { isTable, type TableInput } from '../data/table.js';
import { toInputs, type Inputs, type Targets } from './data.js';
import { runEvaluate, type EvaluateOptions } from './evaluate.js';
import { withData } from './fit-data.js';
import { runFit, type FitOptions } from './fit.js';
import { isDataset, runFitDataset, type Dataset, type FitDatasetOptions } from './fit-dataset.js';
import { summaryTable } from './summary.js';
import { asValue, classesOf, toWeight, type WeightInfo, type WeightValue } from './weights.js';
import { Preprocessor } from '../data/preprocessor.js';
import { checkAttachable, type Preprocessing } from '../data/preprocessing.js';
import { chainLayer, checkBuilt, keepWeights, weightNames, weightRange, weightShapes } from './layer-stack.js';
import { checkFinite, nonFiniteError } from '../finite.js';
import { encodeModel, formatByName, saveModel, type FormatName } from '../io/formats.js';
import { checkMetadata, type Metadata } from '../io/metadata.js';

export type { EvaluateOptions };

/** Keras-style model config: `Sequential.fromConfig(model.getConfig())` rebuilds the architecture. */
export interface SequentialConfig {
  name: string;
  layers: LayerConfig[];
}

export class Sequential implements TrainingModel {
  readonly name: string;
  private readonly stack: Layer[] = [];
  private net: NativeNetwork | null = null;
  private compiled: Compiled | null = null;
  private compileArgs: CompileArgs | null = null;
  private stopFlag = false;
  /** @internal True while fit() runs. */
  fitting = false;
  /** The History of the last fit (Keras's `model.history`). */
  history: History | null = null;
  /** Epochs trained so far: the initialEpoch that resumes training (saved in model files). */
  epochsTrained = 0;
  /** @internal Shuffle/dropout seed of the last fit; a fit with initialEpoch > 0 continues with it. */
  trainingSeed: number | null = null;
  /** @internal Set by a callback's onTrainBegin (BackupAndRestore): the epoch this fit starts at instead. */
  resumeEpoch: number | null = null;
  private scaler: Preprocessing | null = null;
  private smallOut: Float32Array | null = null; // predict's output buffer for small outputs
  private notes: Metadata = {};

  constructor(layers: Layer[] = [], options: { name?: string } = {}) {
    this.name = options.name ?? 'sequential';
    for (const l of layers) this.add(l);
  }

  static fromConfig(config: SequentialConfig): Sequential {
    if (!config || !Array.isArray(config.layers))
      throw new TypeError(`Sequential.fromConfig: expected { name, layers: [...] }, got ${describe(config)}`);
    return new Sequential(config.layers.map(layerFromConfig), { name: config.name });
  }

  /** Architecture as Keras-style `{ className, config }` per layer (weights not included). */
  getConfig(): SequentialConfig {
    return { name: this.name, layers: this.stack.map((l) => l.getConfig()) };
  }

  /** The compile settings (null before compile), for persistence. */
  getCompileConfig(): CompileConfig | null {
    const c = this.compiled;
    if (!c) return null;
    const metrics = c.metrics.map((m) =>
      m.object ? { className: m.object.constructor.name, config: m.object.getConfig() } : m.name,
    );
    return { loss: lossConfig(c), metrics, optimizer: c.optimizer.getConfig() };
  }

  /**
   * Attaches fitted preprocessing: a scaler, or a Preprocessor (imputation, one-hot encoding, scaling
   * of raw rows with text and missing cells). predict, predictAsync, evaluate and fit pass raw inputs
   * through it, and save() stores it, so a loaded model takes raw inputs. null detaches it.
   */
  setPreprocessing(pre: Preprocessing | null): void {
    // fit transformed its rows with the preprocessing it started with: the weights go with that one.
    if (this.fitting)
      throw new Error('setPreprocessing: the model is training; attach preprocessing before or after fit');
    if (pre !== null) checkAttachable(pre, this.inputDim, 'setPreprocessing');
    this.scaler = pre;
  }

  get preprocessing(): Preprocessing | null {
    return this.scaler;
  }

  /** @internal True while the engine runs an epoch (between epochs, in callbacks, it is false). */
  get engineBusy(): boolean {
    return this.net?.training ?? false;
  }

  /** @internal How errors name the rows `what` once through the model: raw rows are named as transformed. */
  inputName(what: string): string {
    return this.scaler instanceof Preprocessor ? `${what} (after preprocessing)` : what;
  }

  /**
   * @internal x checked (see toInputs), then through the attached preprocessing: the network's input rows.
   * `finite` false leaves the NaN/Infinity check to the caller.
   */
  networkInputs(x: unknown, what: string, checkValues: boolean, finite = checkValues): Matrix {
    if (this.scaler instanceof Preprocessor) {
      // Raw rows (text, missing cells): checked once transformed.
      const m = this.scaler.transform(x as TableInput, what);
      if (checkValues && m.rows === 0) throw new RangeError(`${what} is empty (0 rows); it needs at least one row`);
      if (finite) checkFinite(m.data, m.cols, this.inputName(what));
      return m;
    }
    // A readCsv table of numbers is its Matrix.
    const numbers = isTable(x) && !x.categories?.some((c) => c) ? x.x : x;
    const m = toInputs(numbers, this.inputDim!, what, checkValues, finite);
    return this.scaler ? this.scaler.transform(m) : m;
  }

  /**
   * Your own notes about the model (feature names, class names, units, a version...): a plain object of
   * JSON values, at most 1 MiB as JSON, kept by save() in every format and restored by loadModel.
   * Set it whole (checked then; a copy is kept) or change it in place (checked at save).
   */
  get metadata(): Metadata {
    return this.notes;
  }
  set metadata(value: Metadata) {
    this.notes = checkMetadata(value, 'metadata');
  }

  /**
   * Writes the model to `path`, atomically (a temporary file renamed over it), in the format its
   * extension names: .onnx (ONNX, inference only), .keras (Keras 3), .h5 (Keras 2), anything else
   * myelin's own file (architecture, weights, compile configuration with optimizer state, training
   * position, preprocessing, metadata). `{ format }` overrides the extension. See loadModel.
   */
  async save(path: string, options: { format?: FormatName } = {}): Promise<void> {
    await saveModel(this, path, options);
  }

  /**
   * The bytes save() would write (default format 'myelin'), for databases and object stores;
   * loadModel(bytes) reads them. Synchronous for 'myelin' and 'onnx'; a promise for 'keras' and 'h5'.
   */
  toBuffer(options?: { format?: 'myelin' | 'onnx' }): Uint8Array;
  toBuffer(options: { format: 'keras' | 'h5' }): Promise<Uint8Array>;
  toBuffer(options: { format?: FormatName }): Uint8Array | Promise<Uint8Array>;
  toBuffer(options: { format?: FormatName } = {}): Uint8Array | Promise<Uint8Array> {
    const format = formatByName(options?.format ?? 'myelin', 'toBuffer');
    try {
      return encodeModel(this, format, 'toBuffer');
    } catch (e) {
      if (format.asyncEncode) return Promise.reject(e);
      throw e;
    }
  }

  add(layer: Layer): void {
    chainLayer(this.stack, layer, this.fitting);
    // The engine's shape changes: rebuild it with the current weights (and compile again, if compiled).
    const old = this.net ? this.net.getWeights() : null;
    this.stack.push(layer);
    layer.owner = this;
    if (old) {
      keepWeights(this.stack.slice(0, -1), old);
      this.net = null;
      if (this.compileArgs) this.compile(this.compileArgs); // 'accuracy' may resolve differently now
    }
  }

  /** The layers, in order (a copy of the list). */
  get layers(): Layer[] {
    return [...this.stack];
  }

  /** Input width (the first layer's inputDim), or null. */
  get inputDim(): number | null {
    return this.stack[0]?.inputDim ?? null;
  }

  /** Output width of the last layer, or null while unbuilt. */
  get outputDim(): number | null {
    return this.stack[this.stack.length - 1]?.outputShape?.[1] ?? null;
  }

  get built(): boolean {
    return this.stack.length > 0 && this.stack[0]!.built;
  }

  /** The compiled optimizer (null before compile). Setting its learningRate takes effect in training. */
  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /** History keys of the metrics, as compiled: ['loss', ...metric names]. */
  get metricsNames(): string[] {
    return this.compiled ? ['loss', ...this.compiled.metrics.map((m) => m.name)] : [];
  }

  /** Setting true during fit stops training after the current epoch (Keras's stop_training). */
  get stopTraining(): boolean {
    return this.stopFlag;
  }
  set stopTraining(v: boolean) {
    this.stopFlag = v;
    if (v && this.fitting) this.net?.requestStop();
  }

  countParams(): number {
    return this.stack.reduce((n, l) => n + l.countParams(), 0);
  }

  /** Prints (through `print`, default console.log; null prints nothing) and returns Keras 3's summary table. */
  summary(print: ((text: string) => void) | null = console.log): string {
    const text = summaryTable(this.name, this.stack);
    print?.(text);
    return text;
  }

  compile(args: CompileArgs): void {
    if (this.fitting) throw new Error('compile: the model is training; compile before or after fit');
    checkBuilt(this.stack, 'compile');
    const c = resolveCompile(args, this.outputDim!);
    const net = this.engine('compile');
    net.compile(compileSpec(c));
    this.compiled?.optimizer.attach(null);
    c.optimizer.attach(net);
    this.compiled = c;
    this.compileArgs = { ...args, optimizer: c.optimizer };
  }

  /** Trains on x, y (see FitOptions); resolves to the History. Rejects on bad input or a NaN loss. */
  async fit(x: Inputs, y: Targets, options?: FitOptions): Promise<History>;
  /** Trains on a Dataset (an async iterable of { x, y } chunks, read once per epoch), e.g. csvDataset(...). */
  async fit(dataset: Dataset, options?: FitDatasetOptions): Promise<History>;
  async fit(x: Inputs | Dataset, y?: Targets | FitDatasetOptions, options: FitOptions = {}): Promise<History> {
    if (this.fitting)
      throw new Error('fit: this model is already training; await the running fit() before starting another');
    if (!this.compiled) {
      checkBuilt(this.stack, 'fit');
      throw new Error('fit: the model is not compiled; call model.compile({ loss, optimizer, metrics }) first');
    }
    if (isDataset(x)) return runFitDataset(this, this.engine('fit'), this.compiled, x, (y ?? {}) as FitDatasetOptions);
    return runFit(this, this.engine('fit'), this.compiled, x, y as Targets, options);
  }

  /**
   * [loss, ...metrics] over all rows, in inference mode (no dropout), as compiled. During fit (a callback's
   * check on held-out rows, as in Keras) it evaluates the weights at the end of the last epoch, as predict.
   */
  async evaluate(x: Inputs, y: Targets, options: EvaluateOptions = {}): Promise<number[]> {
    if (!this.compiled) throw new Error('evaluate: the model is not compiled; call model.compile(...) first');
    return runEvaluate(this, this.engine('evaluate'), x, y, options);
  }

  /**
   * Outputs for x, synchronously (rows x units). During fit it reads the weights at the end of the
   * last epoch. NaN/Infinity in x is an error naming its row and column.
   */
  predict(x: Inputs): Matrix {
    const { m, check } = this.predictInput(x, 'predict');
    const n = m.rows * this.outputDim!;
    if (n > 16) return this.predictOutputs(m, this.net!.predict(m.data, m.rows, check), 'predict');
    // Up to 16 floats (64 bytes), V8 keeps a typed array in its heap: a copy of a reused native output there
    // costs no malloc and no ArrayBuffer to sweep, unlike a new native array (about 1 us per single-row call).
    if (this.smallOut?.length !== n) this.smallOut = new Float32Array(n);
    const out = this.net!.predict(m.data, m.rows, check, this.smallOut);
    return this.predictOutputs(m, typeof out === 'number' ? out : out.slice(), 'predict');
  }

  /** predict on a worker thread: the event loop keeps running (large inputs). */
  async predictAsync(x: Inputs): Promise<Matrix> {
    const { m, check } = this.predictInput(x, 'predictAsync');
    const net = this.net!;
    const spec = { train: { x: m.data, rows: m.rows }, inputsOnly: true };
    const out = await withData(net, spec, 'predictAsync', null, (d) => net.predictAsync(d, check));
    return this.predictOutputs(m, out, 'predictAsync');
  }

  /** Class per row: argmax of the outputs, or output > 0.5 for a one-unit output (Keras 2's predict_classes). */
  predictClasses(x: Inputs): Int32Array {
    // A loss with fromLogits sees logits: sigmoid(z) > 0.5 where z > 0.
    return classesOf(this.predict(x), this.compiled?.lossSpec.fromLogits ? 0 : 0.5);
  }

  // Rows without preprocessing are checked for NaN/Infinity by the native predict as it reads them (check):
  // one pass over memory instead of two. Preprocessed rows are checked here.
  private predictInput(x: Inputs, what: string): { m: Matrix; check: boolean } {
    this.engine(what);
    const check = !this.scaler;
    return { m: this.networkInputs(x, `${what}: x`, true, !check), check };
  }

  private predictOutputs(m: Matrix, out: Float32Array | number, what: string): Matrix {
    if (typeof out === 'number') throw nonFiniteError(m.data, m.cols, out, `${what}: x`);
    return new Matrix(m.rows, this.outputDim!, out);
  }

  /**
   * All weights, Keras's order (a flat list): per Dense layer its kernel (Matrix inputDim x units),
   * then its bias (Float32Array) unless useBias is false. Copies.
   */
  getWeights(): (Matrix | Float32Array)[] {
    const flat = this.engine('getWeights').getWeights();
    const shapes = weightShapes(this.stack);
    return flat.map((w, i) => asValue(w, shapes[i]!));
  }

  /** Sets all weights from getWeights()-shaped values (also number[][] / number[]); shapes are checked. */
  setWeights(weights: readonly WeightValue[]): void {
    const net = this.engine('setWeights');
    if (net.training) throw new Error('setWeights: the model is training; set weights before or after fit');
    const names = weightNames(this.stack);
    const shapes = weightShapes(this.stack);
    if (!Array.isArray(weights) || weights.length !== shapes.length)
      throw new RangeError(
        `setWeights: expected ${shapes.length} arrays (${names.join(', ')}), got ${Array.isArray(weights) ? weights.length : describe(weights)}`,
      );
    net.setWeights(shapes.map((s, i) => toWeight(weights[i], s, `setWeights: weights[${i}] (${names[i]})`)));
  }

  /** Keras's `model.weights`: name, shape and value (a copy) of each weight array. */
  get weights(): WeightInfo[] {
    const names = weightNames(this.stack);
    return this.getWeights().map((value, i) => ({
      name: names[i]!,
      shape: value instanceof Matrix ? [value.rows, value.cols] : [value.length],
      value,
    }));
  }

  /** Optimizer slots and step count, for persistence (valid after compile). */
  getOptimizerState(): OptimizerState {
    return this.engine('getOptimizerState').getOptimizerState();
  }

  setOptimizerState(state: OptimizerState): void {
    this.engine('setOptimizerState').setOptimizerState(state);
  }

  /** @internal TrainingModel.restoreTraining (BackupAndRestore). */
  restoreTraining(state: TrainingState): void {
    this.setWeights(state.weights);
    this.setOptimizerState(state.optimizer);
    this.epochsTrained = state.epoch;
    this.trainingSeed = state.seed;
    this.resumeEpoch = state.epoch;
  }

  /** @internal Layer.getWeights. */
  layerWeights(layer: Layer): (Matrix | Float32Array)[] {
    const [start, end] = weightRange(this.stack, layer, this.name);
    return this.getWeights().slice(start, end);
  }

  /** @internal Layer.setWeights. */
  setLayerWeights(layer: Layer, values: readonly unknown[]): void {
    const [start, end] = weightRange(this.stack, layer, this.name);
    const all: WeightValue[] = this.getWeights();
    if (!Array.isArray(values) || values.length !== end - start)
      throw new RangeError(
        `setWeights: layer '${layer.name}' has ${end - start} weight arrays, got ${describe(values)}`,
      );
    all.splice(start, end - start, ...(values as WeightValue[]));
    this.setWeights(all);
  }

  /** @internal What fit/evaluate check targets against. */
  targetSpec() {
    const last = this.stack[this.stack.length - 1]!;
    return { units: this.outputDim!, layerName: last.name, loss: this.compiled!.loss };
  }

  /** The native engine, created on first use from the layers and their initial weights. */
  private engine(what: string): NativeNetwork {
    if (this.net) return this.net;
    checkBuilt(this.stack, what);
    const net = new native.Network(this.stack.map((l) => l.toSpec()));
    net.setWeights(this.stack.flatMap((l) => l.initial ?? []));
    for (const l of this.stack) l.initial = null;
    this.net = net;
    return net;
  }
}
