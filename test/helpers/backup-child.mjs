// A training run in its own process for the BackupAndRestore test: argv = backupDir, killAfterEpoch (-1 = none).
// It kills itself (SIGKILL, no cleanup) after that epoch's callbacks; on completion it prints the
// epochs it ran and the final weights as JSON.
import {
  Adam,
  BackupAndRestore,
  CosineDecay,
  Dense,
  Dropout,
  LambdaCallback,
  Sequential,
  setSeed,
} from '../../dist/index.js';

const [dir, killAfter] = [process.argv[2], Number(process.argv[3])];
setSeed(7);
const x = [],
  y = [];
for (let i = 0; i < 40; i++) {
  const a = Math.sin(i),
    b = Math.cos(3 * i);
  x.push([a, b]);
  y.push([a * b > 0 ? 1 : 0]);
}
const model = new Sequential([
  new Dense(8, { inputDim: 2, activation: 'relu' }),
  new Dropout(0.2),
  new Dense(1, { activation: 'sigmoid' }),
]);
const schedule = new CosineDecay({ initialLearningRate: 0.01, decaySteps: 20, warmupTarget: 0.05, warmupSteps: 5 });
model.compile({ loss: 'binary_crossentropy', optimizer: new Adam({ learningRate: schedule }) });
const kill = new LambdaCallback({
  onEpochEnd: (epoch) => {
    if (epoch === killAfter) process.kill(process.pid, 'SIGKILL');
  },
});
const h = await model.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0, callbacks: [new BackupAndRestore(dir), kill] });
const weights = model.getWeights().map((w) => Array.from(w.data ?? w));
console.log(JSON.stringify({ epochs: h.epoch, loss: h.history.loss, weights }));
