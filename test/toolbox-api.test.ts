// Schedules, optimizers and loss objects through the public API: values against the PyTorch fixture,
// persistence and resumption at the right step, and errors for bad options.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  Adamax,
  BinaryCrossentropy,
  CategoricalCrossentropy,
  CosineDecay,
  Dense,
  ExponentialDecay,
  LearningRateSchedule,
  Nadam,
  Optimizer,
  PiecewiseConstantDecay,
  PolynomialDecay,
  SGD,
  Sequential,
  SparseCategoricalCrossentropy,
  loadModel,
  type ScheduleConfig,
} from '../lib/index.js';
import { X, Y } from './helpers/toolbox-data.js';

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'toolbox.json'), 'utf8')) as {
  schedules: { schedule: ScheduleConfig; rates: number[] }[];
};

function net(seed = 3) {
  const m = new Sequential([
    new Dense(4, {
      inputDim: 3,
      activation: 'tanh',
      kernelInitializer: { className: 'GlorotUniform', config: { seed } },
    }),
    new Dense(2),
  ]);
  return m;
}

describe('learning-rate schedules', () => {
  it.each(fixture.schedules.map((s) => [JSON.stringify(s.schedule.config), s] as const))(
    "%s: call(step) is Keras 3's rate at steps 0..13",
    (_n, s) => {
      const schedule = LearningRateSchedule.fromConfig(s.schedule);
      s.rates.forEach((r, step) => expect(schedule.call(step)).toBeCloseTo(r, 12));
      expect(LearningRateSchedule.fromConfig(schedule.getConfig()).getConfig()).toEqual(schedule.getConfig());
    },
  );

  it('a saved model resumes at the saved step: 2 + 2 epochs equal 4 uninterrupted', async () => {
    const schedule = () =>
      new CosineDecay({ initialLearningRate: 0.01, decaySteps: 5, warmupTarget: 0.1, warmupSteps: 3 });
    const a = net();
    a.compile({ loss: 'mse', optimizer: new SGD(schedule(), 0.9) });
    const b = Sequential.fromConfig(a.getConfig());
    b.setWeights(a.getWeights());
    b.compile({ loss: 'mse', optimizer: new SGD(schedule(), 0.9) });
    await a.fit(X, Y, { epochs: 4, batchSize: 2, shuffle: false, verbose: 0 });
    await b.fit(X, Y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    const c = await loadModel(b.toBuffer());
    expect(c.optimizer!.schedule!.getConfig()).toEqual(schedule().getConfig());
    expect(c.optimizer!.learningRate).toBeCloseTo(schedule().call(6), 12);
    await c.fit(X, Y, { epochs: 4, initialEpoch: c.epochsTrained, batchSize: 2, shuffle: false, verbose: 0 });
    const wa = a.getWeights(),
      wc = c.getWeights();
    wa.forEach((w, i) => expect(Array.from(wc[i]! as Float32Array)).toEqual(Array.from(w as Float32Array)));
    expect(a.optimizer!.learningRate).toBeCloseTo(schedule().call(12), 12);
  });

  it('a scheduled rate cannot be set (as Keras); ReduceLROnPlateau needs a number', () => {
    const opt = new Adam({
      learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 }),
    });
    expect(opt.learningRate).toBe(0.1);
    expect(() => (opt.learningRate = 0.01)).toThrow(
      'Adam: the learning rate is a ExponentialDecay schedule, so it cannot be set',
    );
  });

  it('bad options name the option, the value and the range', () => {
    expect(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 })).toThrow(
      'ExponentialDecay: decaySteps must be a finite number > 0, got number 0',
    );
    expect(() => new PiecewiseConstantDecay({ boundaries: [5, 2], values: [1, 2, 3] })).toThrow(
      'PiecewiseConstantDecay: boundaries must increase, got 2 after 5 (boundaries[1])',
    );
    expect(() => new PiecewiseConstantDecay({ boundaries: [5], values: [1] })).toThrow(
      'values must have one more element than boundaries',
    );
    expect(() => new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 4, power: -1 })).toThrow(
      'PolynomialDecay: power must be a finite number > 0, got number -1',
    );
    expect(() => new CosineDecay({ initialLearningRate: 0.1, decaySteps: 4, alpha: 2 })).toThrow(
      'CosineDecay: alpha must be in [0, 1], got 2',
    );
    expect(() => new CosineDecay({ initialLearningRate: 0.1, decaySteps: 4, warmupSteps: -1 })).toThrow(
      'CosineDecay: warmupSteps must be a finite number >= 0, got number -1',
    );
    expect(
      () =>
        new ExponentialDecay({
          initialLearningRate: 0.1,
          decaySteps: 1,
          decayRate: 0.5,
          stairs: true,
        } as object as never),
    ).toThrow("ExponentialDecay: unknown option 'stairs'");
    expect(() => LearningRateSchedule.fromConfig({ className: 'StepDecay', config: {} })).toThrow(
      "LearningRateSchedule.fromConfig: className: unknown name 'StepDecay'",
    );
  });
});

describe('optimizers', () => {
  it("AdamW defaults to Keras 3's weightDecay 0.004; configs round-trip", () => {
    expect(new AdamW().weightDecay).toBe(0.004);
    expect(new Adam().weightDecay).toBe(0);
    for (const o of [
      new AdamW(0.01, { weightDecay: 0.1 }),
      new Nadam({ beta1: 0.8 }),
      new Adamax(0.002),
      new SGD(0.1, 0.9, { globalClipnorm: 1 }),
    ]) {
      const cfg = o.getConfig();
      expect(cfg.className).toBe(o.className);
      expect(Optimizer.fromConfig(cfg).getConfig()).toEqual(cfg);
    }
  });

  it('names resolve in compile: adamw, nadam, adamax', () => {
    for (const name of ['adamw', 'Nadam', 'ADAMAX']) {
      const m = net();
      m.compile({ loss: 'mse', optimizer: name });
      expect(m.optimizer!.className.toLowerCase()).toBe(name.toLowerCase());
    }
  });

  it('bad options name the option, the value and the range', () => {
    expect(() => new SGD({ clipnorm: 1, clipvalue: 0.5 })).toThrow(
      'SGD: only one of clipnorm, clipvalue and globalClipnorm can be set, got clipnorm 1, clipvalue 0.5',
    );
    expect(() => new AdamW({ weightDecay: -0.1 })).toThrow('AdamW: weightDecay must be a finite number >= 0, got -0.1');
    expect(() => new Nadam({ beta2: 1 })).toThrow('Nadam: beta2 must be in [0, 1), got 1');
    expect(() => new Adamax({ globalClipnorm: NaN })).toThrow(
      'Adamax: globalClipnorm must be a finite number >= 0, got NaN',
    );
    expect(() => new Adam({ learningRate: -1 })).toThrow(
      'Adam: learningRate must be a finite number > 0 or a LearningRateSchedule, got -1',
    );
  });
});

describe('loss objects', () => {
  it('options and configs', () => {
    const l = new BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 });
    expect(l.getConfig()).toEqual({
      className: 'BinaryCrossentropy',
      config: { fromLogits: true, labelSmoothing: 0.1 },
    });
    expect(new SparseCategoricalCrossentropy().getConfig()).toEqual({
      className: 'SparseCategoricalCrossentropy',
      config: { fromLogits: false },
    });
    expect(() => new CategoricalCrossentropy({ labelSmoothing: 1.5 })).toThrow(
      'CategoricalCrossentropy: labelSmoothing must be a number in [0, 1], got number 1.5',
    );
    expect(() => new BinaryCrossentropy({ fromLogits: 1 as unknown as boolean })).toThrow(
      'BinaryCrossentropy: fromLogits must be a boolean, got number 1',
    );
    expect(() => new SparseCategoricalCrossentropy({ labelSmoothing: 0.1 } as object)).toThrow(
      "SparseCategoricalCrossentropy: unknown option 'labelSmoothing'",
    );
  });

  it('a model compiled with a loss object saves and loads it', async () => {
    const m = net();
    m.compile({ loss: new CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), optimizer: 'adam' });
    const back = await loadModel(m.toBuffer());
    expect(back.getCompileConfig()!.loss).toEqual({
      className: 'CategoricalCrossentropy',
      config: { fromLogits: true, labelSmoothing: 0.2 },
    });
    const y = [
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
    ];
    expect(await back.evaluate(X, y, { verbose: 0 })).toEqual(await m.evaluate(X, y, { verbose: 0 }));
  });

  it('predictClasses of a one-output model trained from logits thresholds the logit at 0', () => {
    const m = new Sequential([new Dense(1, { inputDim: 1 })]);
    m.setWeights([[[1]], [0.2]]);
    m.compile({ loss: new BinaryCrossentropy({ fromLogits: true }), optimizer: 'sgd' });
    expect(Array.from(m.predictClasses([[-0.5], [-0.1], [0.4]]))).toEqual([0, 1, 1]);
    m.compile({ loss: 'binary_crossentropy', optimizer: 'sgd' });
    expect(Array.from(m.predictClasses([[-0.5], [-0.1], [0.4]]))).toEqual([0, 0, 1]);
  });

  it('the new loss names and aliases resolve', () => {
    for (const loss of [
      'huber',
      'log_cosh',
      'logCosh',
      'hinge',
      'squared_hinge',
      'kld',
      'kl_divergence',
      'poisson',
      'mape',
      'msle',
    ]) {
      const m = net();
      m.compile({ loss, optimizer: 'sgd' });
    }
    expect(() => net().compile({ loss: 'hubber', optimizer: 'sgd' })).toThrow("compile: loss: unknown name 'hubber'");
  });
});
