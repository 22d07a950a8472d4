// The model API on hand-set weights: summary, predict/predictClasses, losses and metrics with known
// values, weights in and out, configs, initializers and seeding.
import { describe, expect, it } from 'vitest';
import { Dense, Dropout, Matrix, Optimizer, SGD, Sequential, l2, setSeed } from '../lib/index.js';

/** One linear unit y = 2x + 1. */
function line(loss: string, metrics: string[] = [], extra: ConstructorParameters<typeof Dense>[1] = {}): Sequential {
  const m = new Sequential([new Dense(1, { inputDim: 1, ...extra })]);
  m.compile({ loss, optimizer: 'sgd', metrics });
  m.setWeights([[[2]], [1]]);
  return m;
}

describe('Sequential', () => {
  it('summary() prints and returns the Keras 3 table', () => {
    const m = new Sequential();
    m.add(new Dense(20, { inputDim: 10, activation: 'relu' }));
    m.add(new Dropout(0.5));
    m.add(new Dense(4, { activation: 'sigmoid' }));
    const printed: string[] = [];
    const text = m.summary((t) => printed.push(t));
    expect(printed).toEqual([text]);
    expect(text).toBe(
      [
        'Model: "sequential"',
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓',
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃',
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩',
        '│ dense (Dense)                   │ (None, 20)             │           220 │',
        '├─────────────────────────────────┼────────────────────────┼───────────────┤',
        '│ dropout (Dropout)               │ (None, 20)             │             0 │',
        '├─────────────────────────────────┼────────────────────────┼───────────────┤',
        '│ dense_1 (Dense)                 │ (None, 4)              │            84 │',
        '└─────────────────────────────────┴────────────────────────┴───────────────┘',
        ' Total params: 304 (1.19 KB)',
        ' Trainable params: 304 (1.19 KB)',
        ' Non-trainable params: 0 (0.00 B)',
      ].join('\n'),
    );
    expect(m.countParams()).toBe(304);
    expect(m.layers.map((l) => [l.name, l.outputShape, l.countParams()])).toEqual([
      ['dense', [null, 20], 220],
      ['dropout', [null, 20], 0],
      ['dense_1', [null, 4], 84],
    ]);
  });

  it('summary() of an unbuilt model marks its layers unbuilt', () => {
    const m = new Sequential([new Dense(3, { name: 'hidden' })]);
    expect(m.summary(null)).toContain('│ hidden (Dense)                  │ ?                      │   0 (unbuilt) │');
  });

  // Up to 16 outputs predict writes into one buffer and returns a copy: each result is its own array.
  it('small predictions are each their own array, equal to the same rows in a batch', () => {
    const m = new Sequential([new Dense(3, { inputDim: 2 })]);
    m.setWeights([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [0.5, 0, -1],
    ]);
    const a = m.predict([[1, 0]]);
    const b = m.predict([[0, 1]]);
    expect(a.data).not.toBe(b.data);
    expect([Array.from(a.data), Array.from(b.data)]).toEqual([
      [1.5, 2, 2],
      [4.5, 5, 5],
    ]);
    // 18 outputs: a new native array.
    const six = m.predict(new Matrix(6, 2, new Float32Array(12).fill(1)));
    expect(Array.from(six.data)).toEqual(Array(6).fill([5.5, 7, 8]).flat());
  });

  it('predictClasses: > 0.5 for one output, argmax (first of ties) for several', () => {
    const one = line('mse');
    one.setWeights([[[1]], [0]]);
    expect(Array.from(one.predictClasses([[0.4], [0.5], [0.6], [-3]]))).toEqual([0, 0, 1, 0]);
    const three = new Sequential([new Dense(3, { inputDim: 3, useBias: false })]);
    three.setWeights([
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    ]);
    expect(
      Array.from(
        three.predictClasses([
          [0.1, 0.7, 0.2],
          [5, 1, 5],
          [0, 0, 3],
        ]),
      ),
    ).toEqual([1, 0, 2]);
    const p = three.predict(new Matrix(1, 3, Float32Array.of(1, 2, 3)));
    expect(p.shape).toEqual([1, 3]);
    expect(Array.from(p.data)).toEqual([1, 2, 3]);
  });

  it('losses by Keras name and alias give hand-computed values, with L2 penalties included', async () => {
    // y = 2x + 1 at x = 1, 2 gives 3, 5; targets 2, 7: errors 1, -2.
    for (const name of ['mse', 'MSE', 'mean_squared_error', 'meanSquaredError'])
      expect((await line(name).evaluate([[1], [2]], [2, 7]))[0]).toBeCloseTo(2.5, 6);
    expect((await line('mae').evaluate([[1], [2]], [2, 7]))[0]).toBeCloseTo(1.5, 6);
    // Sample weights: sum(w * loss) / rows.
    expect((await line('mse').evaluate([[1], [2]], [2, 7], { sampleWeight: [1, 3] }))[0]).toBeCloseTo(6.5, 5);
    // l2(0.01) on the kernel [[2]] adds 0.01 * 4.
    expect((await line('mse', [], { kernelRegularizer: l2(0.01) }).evaluate([[1], [2]], [2, 7]))[0]).toBeCloseTo(
      2.54,
      5,
    );
    expect((await line('mse', [], { kernelRegularizer: { l1: 0.1 } }).evaluate([[1], [2]], [2, 7]))[0]).toBeCloseTo(
      2.7,
      5,
    );
    // Sigmoid of 0 and of ln 3: p = 0.5, 0.75; BCE = -(ln 0.5 + ln 0.75) / 2 for targets 1, 1.
    const bce = new Sequential([new Dense(1, { inputDim: 1, activation: 'sigmoid' })]);
    bce.compile({ loss: 'binaryCrossentropy', optimizer: 'sgd', metrics: ['accuracy', 'mse'] });
    bce.setWeights([[[Math.log(3)]], [0]]);
    const [l, acc, mse] = await bce.evaluate([[0], [1], [1]], [1, 1, 0]);
    expect(l).toBeCloseTo(-(Math.log(0.5) + Math.log(0.75) + Math.log(0.25)) / 3, 5);
    expect(acc).toBeCloseTo(1 / 3, 6); // 0.5 is not > 0.5
    expect(mse).toBeCloseTo((0.25 + 0.0625 + 0.5625) / 3, 5);
  });

  it("'accuracy' resolves to categorical (one-hot) or sparse (indexes) accuracy from the loss and targets", async () => {
    const x = [
      [3, 0, 0],
      [0, 3, 0],
      [0, 0, 3],
      [3, 0, 0],
    ];
    const classes = [0, 1, 1, 2]; // rows 0 and 1 are right: accuracy 0.5
    const oneHot = classes.map((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0)));
    // softmax(3, 0, 0) = e^3 / (e^3 + 2) for the argmax class.
    const pTop = Math.exp(3) / (Math.exp(3) + 2);
    const pLow = 1 / (Math.exp(3) + 2);
    const cce = (-2 * Math.log(pTop) - 2 * Math.log(pLow)) / 4;
    for (const [loss, y] of [
      ['categorical_crossentropy', oneHot],
      ['categorical_crossentropy', classes],
      ['sparse_categorical_crossentropy', classes],
      ['sparseCategoricalCrossentropy', Int32Array.from(classes)],
    ] as const) {
      const m = new Sequential([new Dense(3, { inputDim: 3, activation: 'softmax', useBias: false })]);
      m.compile({
        loss,
        optimizer: 'adam',
        metrics: ['accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy'],
      });
      m.setWeights([
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
      ]);
      const [l, ...accs] = await m.evaluate(x, y as number[]);
      expect(l).toBeCloseTo(cce, 5);
      expect(accs).toEqual([0.5, 0.5, 0.5]);
    }
  });

  it('getWeights: kernel Matrix (inputDim x units) then bias, Keras order; setWeights takes the same or arrays', () => {
    const m = new Sequential([new Dense(3, { inputDim: 2 }), new Dense(1, { useBias: false })]);
    const w = m.getWeights();
    expect(w).toHaveLength(3);
    expect(w[0]).toBeInstanceOf(Matrix);
    expect((w[0] as Matrix).shape).toEqual([2, 3]);
    expect(w[1]).toBeInstanceOf(Float32Array);
    expect(Array.from(w[1] as Float32Array)).toEqual([0, 0, 0]); // biases start at zero
    expect((w[2] as Matrix).shape).toEqual([3, 1]);
    m.setWeights([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [0.5, 0, -0.5],
      [[1], [1], [1]],
    ]);
    expect(m.predict([[1, 1]]).data[0]).toBeCloseTo(5.5 + 7 + 8.5, 5);
    expect(m.weights.map((v) => [v.name, v.shape])).toEqual([
      ['dense/kernel', [2, 3]],
      ['dense/bias', [3]],
      ['dense_1/kernel', [3, 1]],
    ]);
    const [k, b] = m.layers[0]!.getWeights() as [Matrix, Float32Array];
    expect(k.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    m.layers[1]!.setWeights([new Matrix(3, 1, Float32Array.of(0, 0, 2))]);
    expect(m.predict([[1, 1]]).data[0]).toBeCloseTo(2 * (3 + 6 - 0.5), 5);
    expect(Array.from(b)).toEqual([0.5, 0, -0.5]);
    // A copy: changing it does not change the model.
    k.data[0] = 100;
    expect((m.getWeights()[0] as Matrix).data[0]).toBe(1);
  });

  it('getConfig / fromConfig rebuild the architecture; the compile config is exposed for persistence', () => {
    const m = new Sequential(
      [
        new Dense(8, { inputDim: 4, activation: 'relu', kernelInitializer: 'heNormal', kernelRegularizer: l2(0.001) }),
        new Dropout(0.3, { seed: 5 }),
        new Dense(2, { activation: 'softmax', name: 'out' }),
      ],
      { name: 'clf' },
    );
    m.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD(0.1, 0.9), metrics: ['acc'] });
    const cfg = m.getConfig();
    expect(cfg.layers[0]).toEqual({
      className: 'Dense',
      config: {
        name: 'dense',
        units: 8,
        activation: 'relu',
        useBias: true,
        kernelInitializer: { className: 'HeNormal', config: {} },
        biasInitializer: { className: 'Zeros', config: {} },
        kernelRegularizer: { l1: 0, l2: 0.001 },
        inputDim: 4,
      },
    });
    expect(cfg.layers[1]).toEqual({
      className: 'Dropout',
      config: { name: 'dropout', rate: 0.3, seed: 5, inputDim: 8 },
    });
    const back = Sequential.fromConfig(JSON.parse(JSON.stringify(cfg)));
    expect(back.getConfig()).toEqual(cfg);
    expect(back.summary(null)).toBe(m.summary(null));
    const cc = m.getCompileConfig()!;
    expect(cc).toEqual({
      loss: 'categorical_crossentropy',
      metrics: ['acc'],
      optimizer: { className: 'SGD', config: { learningRate: 0.1, momentum: 0.9, nesterov: false } },
    });
    back.compile({ loss: cc.loss, metrics: cc.metrics, optimizer: Optimizer.fromConfig(cc.optimizer) });
    expect(back.getCompileConfig()).toEqual(cc);
  });

  it('initializers: glorot_uniform within ±sqrt(6 / (in + out)), seeded ones repeat, setSeed repeats', () => {
    setSeed(11);
    const m = new Sequential([new Dense(50, { inputDim: 100 })]);
    const k = (m.getWeights()[0] as Matrix).data;
    const limit = Math.sqrt(6 / 150);
    expect(Math.max(...k)).toBeLessThanOrEqual(limit);
    expect(Math.min(...k)).toBeGreaterThanOrEqual(-limit);
    const variance = k.reduce((s, v) => s + v * v, 0) / k.length;
    expect(variance).toBeCloseTo((limit * limit) / 3, 3); // uniform: limit² / 3
    setSeed(11);
    expect((new Sequential([new Dense(50, { inputDim: 100 })]).getWeights()[0] as Matrix).data).toEqual(k);
    const seeded = () =>
      (
        new Sequential([
          new Dense(4, {
            inputDim: 3,
            kernelInitializer: { className: 'RandomNormal', config: { stddev: 1, seed: 3 } },
          }),
        ]).getWeights()[0] as Matrix
      ).data;
    expect(seeded()).toEqual(seeded());
    const he = new Sequential([
      new Dense(200, { inputDim: 50, kernelInitializer: 'he_normal', biasInitializer: 'ones' }),
    ]).getWeights();
    const hk = (he[0] as Matrix).data;
    const sd = Math.sqrt(hk.reduce((s, v) => s + v * v, 0) / hk.length);
    expect(sd).toBeGreaterThan(Math.sqrt(2 / 50) * 0.9);
    expect(sd).toBeLessThan(Math.sqrt(2 / 50) * 1.1);
    expect(Array.from(he[1] as Float32Array).every((v) => v === 1)).toBe(true);
  });

  it('layers added after compile keep the trained weights and the compile', async () => {
    const m = new Sequential([new Dense(2, { inputDim: 2 })]);
    m.compile({ loss: 'mse', optimizer: 'sgd' });
    m.setWeights([
      [
        [1, 2],
        [3, 4],
      ],
      [0, 0],
    ]);
    m.add(new Dense(1, { kernelInitializer: 'ones' }));
    expect((m.getWeights()[0] as Matrix).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(m.predict([[1, 1]]).data[0]).toBeCloseTo(10, 5);
    expect((await m.evaluate([[1, 1]], [10]))[0]).toBeCloseTo(0, 6);
  });
});
