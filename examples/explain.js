// The course's last step: which measurements drive the iris network's predictions? SHAP values by
// DeepExplainer (with a summary plot), checked against permutation importance.
// Run: node examples/explain.js [OUT_DIR]
import {
  Adam,
  DeepExplainer,
  Dense,
  Sequential,
  StandardScaler,
  datasets,
  permutationImportance,
  readCsv,
  setSeed,
  summaryPlot,
  trainTestSplit,
} from 'myelin';

setSeed(1);
const { x, y, classNames, featureNames } = await readCsv(datasets.IRIS_PATH, { target: 'species' });
const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.3, seed: 1, stratify: true });

const model = new Sequential();
model.add(new Dense(16, { inputDim: 4, activation: 'relu' }));
model.add(new Dense(3, { activation: 'softmax' }));
model.setPreprocessing(new StandardScaler().fit(xTrain)); // the model standardizes raw rows itself
model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new Adam(0.01), metrics: ['accuracy'] });
await model.fit(xTrain, yTrain, { epochs: 150, batchSize: 16, verbose: 0 });

// Background: the training rows stand for "an average flower"; explain the test rows.
const explainer = new DeepExplainer(model, xTrain);
const shap = explainer.shapValues(xTest); // one Matrix (rows x 4) per species
const meanAbs = (m, j) => m.toArray().reduce((s, row) => s + Math.abs(row[j]), 0) / m.rows;
classNames.forEach((name, k) => {
  const ranked = featureNames.map((f, j) => [f, meanAbs(shap[k], j)]).sort((a, b) => b[1] - a[1]);
  console.log(
    `${name}: expected ${explainer.expectedValue[k].toFixed(3)}; ` +
      ranked.map(([f, v]) => `${f} ${v.toFixed(3)}`).join(', '),
  );
});

// expected value + the row's SHAP values = the model's probability, for every row and species
const p = model.predict(xTest);
let worst = 0;
for (let k = 0; k < 3; k++)
  for (let i = 0; i < xTest.rows; i++) {
    const total = explainer.expectedValue[k] + shap[k].row(i).reduce((a, b) => a + b, 0);
    worst = Math.max(worst, Math.abs(total - p.get(i, k)));
  }
console.log(`largest |expected + sum(SHAP) - prediction|: ${worst.toExponential(1)}`);

const imp = permutationImportance(model, xTest, yTest, { metric: 'accuracy', repeats: 10, seed: 1 });
console.log(
  'permutation importance (accuracy drop): ' +
    featureNames
      .map((f, j) => `${f} ${imp.importancesMean[j].toFixed(3)} ± ${imp.importancesStd[j].toFixed(3)}`)
      .join(', '),
);

const outDir = process.argv[2];
if (outDir) {
  summaryPlot(shap, xTest, { featureNames, outputNames: classNames, output: 2, toFile: `${outDir}/iris-shap.png` });
  console.log(`summary plot written to ${outDir}/iris-shap.png`);
}
