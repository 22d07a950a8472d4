// `myelin demo`: the course walkthrough on built-in data. A perceptron learns the straight boundary
// x + y = 100; the same perceptron fails on a circle (one neuron draws one straight line); a network
// with hidden layers succeeds. Each step prints its summary, progress, accuracy and confusion matrix,
// and draws its pictures.
import type { ActivationIdentifier } from '../../activations.js';
import { resolve, join } from 'node:path';
import {
  Dense,
  SGD,
  Sequential,
  StandardScaler,
  confusionMatrix,
  formatConfusionMatrix,
  plotConfusionMatrix,
  plotDecisionBoundary,
  plotHistory,
  plotModel,
  setSeed,
  datasets,
  type Matrix,
} from '../../index.js';
import type { Command } from '../command.js';
import { ArgReader } from '../args.js';
import type { Output } from '../output.js';
import { pictureFormat } from '../pictures.js';
import { progressCallback } from '../progress.js';

interface Step {
  key: string;
  title: string;
  data: datasets.Dataset;
  fresh: datasets.Dataset;
  hidden: number[];
  activation: ActivationIdentifier;
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  note: (accuracy: number) => string[];
}

interface StepResult {
  key: string;
  title: string;
  accuracy: number;
  confusionMatrix: number[][];
  epochs: number;
  pictures: string[];
}

export const demo: Command = {
  name: 'demo',
  summary: 'the course walkthrough on built-in data: perceptron, its limit, a deeper network',
  positionals: '',
  description:
    'Three models, each trained in a few seconds at most:\n' +
    '  1. a perceptron (one sigmoid neuron) learns the line x + y = 100 between two classes of points;\n' +
    '  2. the same perceptron fails on points inside/outside a circle, because one neuron draws one straight line;\n' +
    '  3. a network with two hidden layers of 16 tanh neurons learns the circle.\n' +
    'Each prints its summary, training progress, accuracy on fresh points and confusion matrix, and draws\n' +
    'its training history, decision boundary, confusion matrix and architecture into the output folder.',
  options: {
    out: { type: 'string', arg: 'DIR', description: 'folder for the pictures', default: './myelin-demo' },
    format: {
      type: 'string',
      arg: 'png|svg',
      description: 'picture format',
      default: 'png, or svg where PNG rendering is unavailable',
    },
    seed: { type: 'string', arg: 'N', description: 'seed for data and training', default: '1' },
  },
  examples: ['myelin demo', 'myelin demo --out /tmp/pictures --format svg'],
  async run(args, out) {
    const a = new ArgReader(args, 'demo');
    a.positionals([]);
    const dir = resolve(a.string('out') ?? 'myelin-demo');
    const format = pictureFormat(a.choice('format', ['png', 'svg'] as const));
    const seed = a.number('seed', { integer: true, min: 0 }) ?? 1;

    const steps: Step[] = [
      {
        key: '1-perceptron-linear',
        title: 'A perceptron on the line x + y = 100',
        data: datasets.linear(250, { seed }),
        fresh: datasets.linear(1000, { seed: seed + 1000 }),
        hidden: [],
        activation: 'sigmoid',
        epochs: 1500,
        batchSize: 250,
        lr: 0.1,
        momentum: 0.9,
        note: (acc) => [
          acc >= 0.95
            ? 'The single neuron separates the classes: its boundary w₁·x + w₂·y + b = 0 is a straight line, and so is x + y = 100.'
            : 'The perceptron should have found the line x + y = 100; try another --seed.',
        ],
      },
      {
        key: '2-perceptron-circle',
        title: 'The same perceptron on a circle',
        data: datasets.circle(1000, { seed }),
        fresh: datasets.circle(1000, { seed: seed + 1000 }),
        hidden: [],
        activation: 'sigmoid',
        epochs: 300,
        batchSize: 32,
        lr: 0.1,
        momentum: 0.9,
        note: (acc) => [
          `It fails (${pct(acc)}, about what "always outside" scores): a single neuron computes sigmoid(w₁·x + w₂·y + b),`,
          'so it can only split the plane with one straight line. No straight line puts the inside of a circle on one side',
          'and the outside on the other; that takes a curved boundary, which hidden layers provide.',
        ],
      },
      {
        key: '3-network-circle',
        title: 'A network with hidden layers on the circle',
        data: datasets.circle(1000, { seed }),
        fresh: datasets.circle(1000, { seed: seed + 1000 }),
        hidden: [16, 16],
        activation: 'tanh',
        epochs: 300,
        batchSize: 32,
        lr: 0.1,
        momentum: 0.9,
        note: (acc) => [
          acc >= 0.9
            ? 'Two hidden layers of 16 tanh neurons bend the boundary into a closed curve around the inside points.'
            : 'The network should have learnt the circle; try another --seed.',
        ],
      },
    ];

    const results: StepResult[] = [];
    for (const [i, step] of steps.entries()) results.push(await runStep(step, i, dir, format, seed, out));

    out.line('');
    out.line(`Pictures are in ${dir}`);
    out.result({ outDir: dir, steps: results });
  },
};

function pct(v: number): string {
  return `${(v * 100).toFixed(1)} %`;
}

async function runStep(
  step: Step,
  index: number,
  dir: string,
  format: 'png' | 'svg',
  seed: number,
  out: Output,
): Promise<StepResult> {
  out.line('');
  out.line(`${index + 1}. ${step.title}`);
  out.line('─'.repeat(step.title.length + 3));
  setSeed(seed);
  // Inputs are standardized with statistics of the training points only (the course does the same).
  const scaler = new StandardScaler().fit(step.data.x);
  const x = scaler.transform(step.data.x);
  const model = new Sequential();
  let inputDim: number | undefined = 2;
  for (const units of step.hidden) {
    model.add(new Dense(units, { inputDim, activation: step.activation }));
    inputDim = undefined;
  }
  model.add(new Dense(1, { inputDim, activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: new SGD(step.lr, step.momentum), metrics: ['accuracy'] });
  if (!out.json) out.line(model.summary(null));
  out.line(
    `Training: ${step.epochs} epochs, batch ${step.batchSize}, SGD(${step.lr}, ${step.momentum}), 20 % of the points held out for validation`,
  );
  const started = performance.now();
  const history = await model.fit(x, step.data.y, {
    epochs: step.epochs,
    batchSize: step.batchSize,
    validationSplit: 0.2,
    verbose: 0,
    callbacks: [progressCallback(out, { epochs: step.epochs, every: Math.ceil(step.epochs / 10), indent: '  ' })],
  });
  const seconds = (performance.now() - started) / 1000;

  const xFresh = scaler.transform(step.fresh.x);
  const predicted = model.predictClasses(xFresh);
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === step.fresh.y[i]) correct++;
  const accuracy = correct / predicted.length;
  const cm = confusionMatrix(step.fresh.y, predicted, { labels: [0, 1] });
  out.line(`Trained in ${seconds.toFixed(2)} s. Accuracy on ${predicted.length} fresh points: ${pct(accuracy)}`);
  out.line('');
  out.line(formatConfusionMatrix(cm, { targetNames: step.fresh.classNames }));
  out.line('');
  for (const l of step.note(accuracy)) out.line(l);

  const file = (name: string) => join(dir, `${step.key}-${name}.${format}`);
  const pictures = [file('history'), file('boundary'), file('confusion'), file('model')];
  plotHistory(history, { toFile: pictures[0], title: step.title });
  // The model sees standardized inputs; the picture shows the original coordinates.
  const raw = { predict: (g: Matrix) => model.predict(scaler.transform(g)) };
  plotDecisionBoundary(raw, step.fresh.x, step.fresh.y, {
    toFile: pictures[1],
    title: `${step.title} (fresh points)`,
    classNames: step.fresh.classNames,
    featureNames: step.fresh.featureNames,
  });
  plotConfusionMatrix(cm, {
    toFile: pictures[2],
    labels: step.fresh.classNames,
    title: `${step.title}: ${pct(accuracy)}`,
  });
  plotModel(model, { toFile: pictures[3], showShapes: true, style: step.hidden.length === 0 ? 'neurons' : 'boxes' });
  return { key: step.key, title: step.title, accuracy, confusionMatrix: cm, epochs: history.epoch.length, pictures };
}
