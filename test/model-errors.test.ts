// Every bad input gets an error that names the argument, what was expected and what was found.
import { describe, expect, it } from 'vitest';
import { Adam, Dense, Dropout, EarlyStopping, Matrix, SGD, Sequential } from '../lib/index.js';

function binary(): Sequential {
  const m = new Sequential([
    new Dense(4, { inputDim: 2, activation: 'relu' }),
    new Dense(1, { activation: 'sigmoid' }),
  ]);
  m.compile({ loss: 'binary_crossentropy', optimizer: new SGD(0.1), metrics: ['accuracy'] });
  return m;
}
const X = [
  [0, 1],
  [1, 0],
  [1, 1],
  [0, 0],
];
const Y = [1, 1, 0, 0];

describe('bad input', () => {
  it('x and y row counts differ', async () => {
    await expect(binary().fit(X, [1, 0, 1], { verbose: 0 })).rejects.toThrow('fit: y has 3 rows but x has 4');
  });

  it('x columns differ from inputDim', async () => {
    await expect(binary().fit([[1, 2, 3]], [1], { verbose: 0 })).rejects.toThrow(
      "fit: x has 3 columns per row, but the model's input is 2 wide",
    );
    expect(() => binary().predict([[1]])).toThrow("predict: x has 1 columns per row, but the model's input is 2 wide");
  });

  it('targets that do not match the last layer or the loss', async () => {
    await expect(
      binary().fit(
        X,
        [
          [1, 0],
          [0, 1],
          [1, 0],
          [0, 1],
        ],
        { verbose: 0 },
      ),
    ).rejects.toThrow(
      "fit: y has 2 columns per row, but the last layer 'dense_1' outputs 1 value per row (loss 'binary_crossentropy')",
    );
    const clf = new Sequential([new Dense(3, { inputDim: 2, activation: 'softmax' })]);
    clf.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'adam' });
    await expect(clf.fit(X, [0, 1, 3, 2], { verbose: 0 })).rejects.toThrow(
      "fit: y[2] is 3, but class indexes must be integers in [0, 2] (the last layer 'dense' outputs 3 values per row)",
    );
    await expect(clf.fit(X, [0, 1, 0.5, 2], { verbose: 0 })).rejects.toThrow(
      /fit: y\[2\] is 0.5, but class indexes must be integers/,
    );
    const reg = new Sequential([new Dense(3, { inputDim: 2 })]);
    reg.compile({ loss: 'mse', optimizer: 'sgd' });
    await expect(reg.fit(X, [0, 1, 2, 0], { verbose: 0 })).rejects.toThrow(
      "fit: y is a 1-D array, but the last layer 'dense' outputs 3 values per row and loss 'mean_squared_error' needs 3 target columns per row",
    );
  });

  it('empty data', async () => {
    await expect(binary().fit([], [], { verbose: 0 })).rejects.toThrow('fit: x is empty (0 rows)');
    await expect(binary().fit(new Matrix(0, 2), [], { verbose: 0 })).rejects.toThrow('fit: x is empty (0 rows)');
    // predict refuses an empty x as fit does (Keras and scikit-learn raise too).
    expect(() => binary().predict(new Matrix(0, 2))).toThrow('predict: x is empty (0 rows)');
    await expect(binary().predictAsync(new Matrix(0, 2))).rejects.toThrow('predictAsync: x is empty (0 rows)');
  });

  it('NaN or Infinity in inputs, named by row and column', async () => {
    await expect(
      binary().fit(
        [
          [0, 1],
          [1, 0],
          [1, NaN],
          [0, 0],
        ],
        Y,
        { verbose: 0 },
      ),
    ).rejects.toThrow('fit: x[2][1] (row 2, column 1) is NaN; inputs must be finite numbers');
    await expect(binary().fit(X, [1, Infinity, 0, 0], { verbose: 0 })).rejects.toThrow(
      'fit: y[1] (row 1, column 0) is Infinity',
    );
    await expect(binary().evaluate(X, [1, 0, -Infinity, 0])).rejects.toThrow(
      'evaluate: y[2] (row 2, column 0) is -Infinity',
    );
    expect(() =>
      binary().predict([
        [0, 1],
        [Infinity, 0],
      ]),
    ).toThrow('predict: x[1][0] (row 1, column 0) is Infinity');
    await expect(binary().predictAsync([[NaN, 1]])).rejects.toThrow('predictAsync: x[0][0] (row 0, column 0) is NaN');
  });

  it('unknown activation, loss, optimizer, metric and initializer names list the valid ones', () => {
    expect(() => new Dense(2, { activation: 'relux' })).toThrow(
      "Dense: activation: unknown name 'relux'; valid names are 'linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'leaky_relu', 'elu', 'gelu', 'swish'",
    );
    const m = new Sequential([new Dense(1, { inputDim: 2 })]);
    expect(() => m.compile({ loss: 'hinje', optimizer: 'sgd' })).toThrow(
      "compile: loss: unknown name 'hinje'; valid names are 'mean_squared_error', 'mean_absolute_error', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'huber', 'log_cosh', 'hinge', 'squared_hinge', 'kl_divergence', 'poisson', 'mean_absolute_percentage_error', 'mean_squared_logarithmic_error', 'mse', 'mae', 'mape', 'msle', 'kld', 'bce'",
    );
    expect(() => m.compile({} as { loss: string })).toThrow(
      "compile: loss is required; valid names are 'mean_squared_error'",
    );
    expect(() => m.compile({ loss: 'mse', optimizer: 'lion' })).toThrow(
      "compile: optimizer: unknown name 'lion'; valid names are 'sgd', 'adam', 'rmsprop', 'adagrad', 'adamw', 'nadam', 'adamax'",
    );
    expect(() => m.compile({ loss: 'mse', optimizer: 'sgd', metrics: ['aucc'] })).toThrow(
      "compile: metrics: unknown name 'aucc'; valid names are 'accuracy', 'acc', 'binary_accuracy'",
    );
    expect(() => new Dense(2, { kernelInitializer: 'xavier' })).toThrow(
      "Dense: kernelInitializer: unknown name 'xavier'; valid names are 'glorot_uniform', 'glorot_normal'",
    );
  });

  it('fit before compile', async () => {
    const m = new Sequential([new Dense(1, { inputDim: 2 })]);
    await expect(m.fit(X, Y, { verbose: 0 })).rejects.toThrow('fit: the model is not compiled; call model.compile(');
    await expect(m.evaluate(X, Y)).rejects.toThrow('evaluate: the model is not compiled');
  });

  it('a model with no layers or without inputDim on its first layer', async () => {
    expect(() => new Sequential().compile({ loss: 'mse' })).toThrow(
      'compile: the model has no layers; add some with model.add(',
    );
    await expect(new Sequential().fit(X, Y)).rejects.toThrow('fit: the model has no layers');
    const noInput = new Sequential([new Dense(4), new Dense(1)]);
    expect(() => noInput.compile({ loss: 'mse' })).toThrow(
      "compile: the model's input width is unknown; give the first layer inputDim, e.g. new Dense(4, { inputDim: 4 })",
    );
    expect(() => noInput.predict(X)).toThrow("predict: the model's input width is unknown");
    expect(() => new Sequential([new Dense(4, { inputDim: 2 }), new Dense(1, { inputDim: 3 })])).toThrow(
      "Dense 'dense_1': inputDim is 3 but the previous layer outputs 4",
    );
  });

  it('learning rate <= 0 and other bad hyperparameters', () => {
    expect(() => new SGD(0)).toThrow('SGD: learningRate must be a finite number > 0 or a LearningRateSchedule, got 0');
    expect(() => new Adam({ learningRate: -1 })).toThrow(
      'Adam: learningRate must be a finite number > 0 or a LearningRateSchedule, got -1',
    );
    expect(() => new SGD(0.1, 1.5)).toThrow('SGD: momentum must be in [0, 1], got 1.5');
    expect(() => {
      new SGD(0.1).learningRate = NaN;
    }).toThrow('SGD: learningRate must be a finite number > 0 or a LearningRateSchedule, got NaN');
    expect(() => new Dense(0)).toThrow('Dense: units must be an integer >= 1, got 0');
    expect(() => new Dropout(1)).toThrow('Dropout: rate must be in [0, 1), got 1');
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(
      'EarlyStopping: patience must be an integer >= 0, got -1',
    );
  });

  it('batchSize < 1, validationSplit outside [0, 1), and other fit options', async () => {
    const m = binary();
    await expect(m.fit(X, Y, { batchSize: 0 })).rejects.toThrow('fit: batchSize must be an integer >= 1, got 0');
    await expect(m.fit(X, Y, { batchSize: 2.5 })).rejects.toThrow('fit: batchSize must be an integer >= 1, got 2.5');
    await expect(m.fit(X, Y, { validationSplit: 1 })).rejects.toThrow('fit: validationSplit must be in [0, 1), got 1');
    await expect(m.fit(X, Y, { validationSplit: -0.1 })).rejects.toThrow(
      'fit: validationSplit must be in [0, 1), got -0.1',
    );
    await expect(m.fit([[0, 1]], [1], { validationSplit: 0.5, verbose: 0 })).rejects.toThrow(
      'fit: validationSplit 0.5 of 1 rows leaves no training rows',
    );
    await expect(m.fit(X, Y, { epochs: -1 })).rejects.toThrow('fit: epochs must be an integer >= 0, got -1');
    await expect(m.fit(X, Y, { verbose: 3 as 0 })).rejects.toThrow('fit: verbose must be 0, 1 or 2, got 3');
    await expect(m.fit(X, Y, { classWeight: { 0: 1, 1: 1 }, sampleWeight: [1, 1, 1, 1] })).rejects.toThrow(
      'fit: pass classWeight or sampleWeight, not both',
    );
    await expect(m.fit(X, Y, { classWeight: { 0: 1 }, verbose: 0 })).rejects.toThrow(
      'fit: classWeight has no weight for class 1 (row 0)',
    );
    await expect(m.fit(X, Y, { sampleWeight: [1, 1], verbose: 0 })).rejects.toThrow(
      'fit: sampleWeight has 2 values but there are 4 rows',
    );
    // A failed fit leaves the model usable.
    expect((await m.fit(X, Y, { epochs: 2, verbose: 0 })).history.loss).toHaveLength(2);
  });

  it('setWeights checks count and shapes', () => {
    const m = binary();
    expect(() => m.setWeights([])).toThrow(
      'setWeights: expected 4 arrays (dense/kernel, dense/bias, dense_1/kernel, dense_1/bias), got 0',
    );
    const [, b0, k1, b1] = m.getWeights();
    expect(() => m.setWeights([new Matrix(4, 2), b0!, k1!, b1!])).toThrow(
      'setWeights: weights[0] (dense/kernel) must be 2x4, got a 4x2 Matrix',
    );
    expect(() => m.setWeights([[[1, 2, 3, 4]], b0!, k1!, b1!])).toThrow(
      'setWeights: weights[0] (dense/kernel) must be 2x4, got 1x4',
    );
    expect(() => m.setWeights([new Matrix(2, 4), [1, 2], k1!, b1!])).toThrow(
      'setWeights: weights[1] (dense/bias) must be 4 values, got 2 values',
    );
    expect(() => m.setWeights([new Matrix(2, 4), b0!, k1!, [NaN]])).toThrow(
      'setWeights: weights[3] (dense_1/bias): value 0 is NaN',
    );
  });

  it('unknown option names are errors, not silent defaults', async () => {
    expect(() => new Dense(2, { activaton: 'relu' } as object)).toThrow(
      "Dense: unknown option 'activaton'; valid options are inputDim, name, activation, useBias",
    );
    expect(() => new Dense(2, { inputShape: [2] } as object)).toThrow(
      "Dense: unknown option 'inputShape' (the input width is inputDim: n)",
    );
    expect(() => new SGD({ lr: 0.1 } as object)).toThrow(
      "SGD: unknown option 'lr'; valid options are learningRate, weightDecay, clipnorm, clipvalue, globalClipnorm, momentum, nesterov",
    );
    expect(() => new EarlyStopping({ paitence: 3 } as object)).toThrow("EarlyStopping: unknown option 'paitence'");
    expect(() => binary().compile({ loss: 'mse', metric: ['acc'] } as { loss: string })).toThrow(
      "compile: unknown option 'metric'",
    );
    await expect(binary().fit(X, Y, { batch_size: 2 } as object)).rejects.toThrow("fit: unknown option 'batch_size'");
  });

  it('layer names must be unique and a layer belongs to one model', () => {
    const d = new Dense(2, { inputDim: 2, name: 'a' });
    const m = new Sequential([d]);
    expect(() => m.add(new Dense(2, { name: 'a' }))).toThrow("add: a layer named 'a' is already in the model");
    expect(() => new Sequential([d])).toThrow("add: layer 'a' is already in a model");
  });
});
