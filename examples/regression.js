// Regression: learn z = sin(x) + y²/2 from noisy samples, and judge it by MSE and R² on fresh points.
// Run: node examples/regression.js
import { Adam, Dense, Matrix, Sequential, StandardScaler, setSeed } from 'myelin';

function sample(n) {
  const x = new Matrix(n, 2);
  const z = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b] = [Math.random() * 6 - 3, Math.random() * 4 - 2];
    x.set(i, 0, a);
    x.set(i, 1, b);
    z[i] = Math.sin(a) + (b * b) / 2 + (Math.random() - 0.5) * 0.1;
  }
  return { x, z };
}

setSeed(1); // reproducible weights and shuffling (the samples above are not seeded)
const train = sample(2000);
const test = sample(500);
const scaler = new StandardScaler().fit(train.x);

const model = new Sequential();
model.add(new Dense(32, { inputDim: 2, activation: 'tanh' }));
model.add(new Dense(32, { activation: 'tanh' }));
model.add(new Dense(1)); // linear output: any real value
model.compile({ loss: 'mse', optimizer: new Adam(0.01), metrics: ['mae'] });
await model.fit(scaler.transform(train.x), train.z, { epochs: 100, batchSize: 64, validationSplit: 0.2, verbose: 0 });

const predicted = model.predict(scaler.transform(test.x)).data;
let se = 0;
let ss = 0;
const mean = test.z.reduce((s, v) => s + v, 0) / test.z.length;
for (let i = 0; i < test.z.length; i++) {
  se += (test.z[i] - predicted[i]) ** 2;
  ss += (test.z[i] - mean) ** 2;
}
console.log(`test MSE ${(se / test.z.length).toFixed(4)}, R² ${(1 - se / ss).toFixed(4)}`);
