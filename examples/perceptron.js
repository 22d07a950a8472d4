// The course's first exercise: a perceptron (one sigmoid neuron) learns which side of the line
// x + y = 100 a point lies on. Run: node examples/perceptron.js
import {
  Dense,
  SGD,
  Sequential,
  StandardScaler,
  confusionMatrix,
  datasets,
  formatConfusionMatrix,
  setSeed,
} from 'myelin';

setSeed(1);
const train = datasets.linear(250, { seed: 1 }); // 250 random points in [0, 100]², label x + y ≥ 100
const test = datasets.linear(1000, { seed: 2 }); // 1,000 fresh points to judge it

// Standardize with the training points' mean and standard deviation (and only theirs).
const scaler = new StandardScaler().fit(train.x);

const model = new Sequential();
model.add(new Dense(1, { inputDim: 2, activation: 'sigmoid' }));
model.compile({ loss: 'binary_crossentropy', optimizer: new SGD(0.1, 0.9), metrics: ['accuracy'] });
model.summary();

// Batch gradient descent: every step sees all 250 points.
const history = await model.fit(scaler.transform(train.x), train.y, { epochs: 1500, batchSize: 250, verbose: 0 });
console.log(`final training loss: ${history.history.loss.at(-1).toFixed(4)}`);

const [loss, accuracy] = await model.evaluate(scaler.transform(test.x), test.y);
console.log(`test loss ${loss.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(1)} %`);

const predicted = model.predictClasses(scaler.transform(test.x));
console.log(formatConfusionMatrix(confusionMatrix(test.y, predicted), { targetNames: test.classNames }));

// The neuron's boundary w₁·x' + w₂·y' + b = 0 is a straight line; in the original units its slope
// should be close to -1 (the line x + y = 100).
const [kernel, bias] = model.getWeights();
const [w1, w2] = [kernel.get(0, 0), kernel.get(1, 0)];
const slope = -(w1 / scaler.std[0]) / (w2 / scaler.std[1]);
console.log(`learnt boundary slope ${slope.toFixed(3)} (bias ${bias[0].toFixed(3)})`);
