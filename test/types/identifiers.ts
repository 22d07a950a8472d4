// Compiled by tsc in test/types.test.ts against the published types: names myelin knows type-check in
// every accepted spelling; misspelled names and @internal members are compile-time errors. An
// `@ts-expect-error` line that compiled would itself fail the check ("unused directive").
import {
  Adam,
  BinaryCrossentropy,
  Dense,
  EarlyStopping,
  ModelCheckpoint,
  ReduceLROnPlateau,
  Sequential,
  type CompileArgs,
} from '../../dist/index.js';

const model = new Sequential([
  new Dense(4, { inputDim: 2, activation: 'relu' }),
  new Dense(1, { activation: 'sigmoid' }),
]);
new Dense(2, { activation: 'leakyRelu' });
new Dense(2, { activation: 'silu' });
new Dense(2, { activation: null });
// @ts-expect-error 'tanhh' is not an activation
new Dense(2, { activation: 'tanhh' });

model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy', 'mae'] });
model.compile({ loss: 'binaryCrossentropy', optimizer: 'AdamW', metrics: ['binaryAccuracy'] });
model.compile({ loss: 'MSE', optimizer: 'RMSprop' });
model.compile({ loss: 'kld', optimizer: 'nadam' });
model.compile({ loss: new BinaryCrossentropy({ fromLogits: true }), optimizer: new Adam() });
// @ts-expect-error 'binary_crosentropy' is misspelled
model.compile({ loss: 'binary_crosentropy', optimizer: 'adam' });
// @ts-expect-error 'adamm' is not an optimizer
model.compile({ loss: 'mse', optimizer: 'adamm' });
// @ts-expect-error 'acuracy' is not a metric
model.compile({ loss: 'mse', metrics: ['acuracy'] });
const args: CompileArgs = { loss: 'hinge' };
model.compile(args);

new EarlyStopping({ monitor: 'val_accuracy' });
new ReduceLROnPlateau({ monitor: 'val_loss' });
new ModelCheckpoint({ filepath: 'm.myelin', monitor: 'val_binaryAccuracy' });
// @ts-expect-error 'val_los' is not a History key
new EarlyStopping({ monitor: 'val_los' });

// @internal members are not in the published types.
// @ts-expect-error toSpec is internal
new Adam().toSpec();
// @ts-expect-error fitting is internal
model.fitting;
