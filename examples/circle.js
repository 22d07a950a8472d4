// The course's second exercise: points inside the unit circle against points outside. A perceptron
// cannot separate them (one neuron draws one straight line); two hidden layers can.
// Run: node examples/circle.js
import { Dense, SGD, Sequential, StandardScaler, datasets, plotDecisionBoundary, setSeed } from 'myelin';

const train = datasets.circle(1000, { seed: 1 });
const test = datasets.circle(1000, { seed: 2 });
const scaler = new StandardScaler().fit(train.x);
const [xTrain, xTest] = [scaler.transform(train.x), scaler.transform(test.x)];

async function trainAndScore(name, hidden) {
  setSeed(1);
  const model = new Sequential();
  hidden.forEach((units, i) =>
    model.add(new Dense(units, { ...(i === 0 ? { inputDim: 2 } : {}), activation: 'tanh' })),
  );
  model.add(new Dense(1, { ...(hidden.length === 0 ? { inputDim: 2 } : {}), activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: new SGD(0.1, 0.9), metrics: ['accuracy'] });
  await model.fit(xTrain, train.y, { epochs: 200, batchSize: 32, verbose: 0 });
  const [, accuracy] = await model.evaluate(xTest, test.y);
  console.log(`${name}: accuracy ${(accuracy * 100).toFixed(1)} %`);
  return model;
}

await trainAndScore('perceptron 2-1', []);
const network = await trainAndScore('network 2-16-16-1', [16, 16]);

// The picture: regions where the network says "inside", with the test points on top. The model was
// trained on standardized inputs, so the picture's predictor standardizes the grid first.
const file = process.argv[2];
if (file) {
  plotDecisionBoundary({ predict: (g) => network.predict(scaler.transform(g)) }, test.x, test.y, {
    toFile: file,
    classNames: test.classNames,
  });
  console.log(`decision boundary drawn to ${file}`);
}
