// Three species of iris from four measurements: a multi-class network with the course's 60/20/20
// split (train / validation / test), early stopping, and the confusion matrix of the test set.
// Run: node examples/iris.js
import {
  Dense,
  EarlyStopping,
  Sequential,
  StandardScaler,
  Adam,
  classificationReport,
  datasets,
  readCsv,
  setSeed,
  trainValTestSplit,
} from 'myelin';

setSeed(1);
// The Iris data ships with myelin; readCsv maps the text column "species" to class indexes.
const { x, y, classNames } = await readCsv(datasets.IRIS_PATH, { target: 'species' });
const split = trainValTestSplit(x, y, { train: 0.6, val: 0.2, test: 0.2, seed: 1, stratify: true });
console.log(`rows: ${split.xTrain.rows} train, ${split.xVal.rows} validation, ${split.xTest.rows} test`);

const scaler = new StandardScaler().fit(split.xTrain);
const model = new Sequential();
model.add(new Dense(16, { inputDim: 4, activation: 'relu' }));
model.add(new Dense(3, { activation: 'softmax' }));
model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new Adam(0.01), metrics: ['accuracy'] });

const history = await model.fit(scaler.transform(split.xTrain), split.yTrain, {
  epochs: 300,
  batchSize: 16,
  validationData: [scaler.transform(split.xVal), split.yVal],
  callbacks: [new EarlyStopping({ monitor: 'val_loss', patience: 30, restoreBestWeights: true })],
  verbose: 0,
});
console.log(
  `trained ${history.epoch.length} epochs; best val_loss ${Math.min(...history.history.val_loss).toFixed(4)}`,
);

const predicted = model.predictClasses(scaler.transform(split.xTest));
const report = classificationReport(split.yTest, predicted, { targetNames: classNames });
console.log(report.toString()); // precision, recall, F1 per species, then the confusion matrix
console.log(`test accuracy ${(report.accuracy * 100).toFixed(1)} %`);
