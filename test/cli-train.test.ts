// train → predict → evaluate → summary, end to end in child processes, on data the CLI has not seen:
// text labels with a constant column, a regression target in the thousands, integer 0/1 labels, iris.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../lib/random.js';
import { ROOT, housesCsv, myelin } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-cli-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (f: string) => join(dir, f);

/** Three Gaussian blobs in 3-D named by colour, a constant column, and quoting in one label. */
function blobsCsv(n: number, seed: number): string {
  const r = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centres: Record<string, number[]> = { red: [0, 0, 0], green: [4, 0, 2], 'blue, dark': [0, 4, -2] };
  const names = Object.keys(centres);
  let s = 'f1,f2,f3,constant,colour\n';
  for (let i = 0; i < n; i++) {
    const c = names[i % 3]!;
    const p = centres[c]!.map((m) => (m + normal()).toFixed(3));
    s += `${p.join(',')},7,${c.includes(',') ? `"${c}"` : c}\n`;
  }
  return s;
}

describe('myelin train / predict / evaluate / summary', () => {
  beforeAll(() => {
    writeFileSync(path('blobs.csv'), blobsCsv(300, 1));
    writeFileSync(path('blobs-new.csv'), blobsCsv(30, 2));
    writeFileSync(path('houses.csv'), housesCsv(400, 3));
    writeFileSync(path('houses-new.csv'), housesCsv(50, 4));
  });

  it('trains a classifier on text labels, reports test scores as JSON, and saves the model', () => {
    const r = myelin(
      [
        'train',
        path('blobs.csv'),
        '--target',
        'colour',
        '--epochs',
        '60',
        '--out',
        path('blobs.myelin'),
        '--plots',
        path('plots'),
        '--json',
      ],
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.task).toBe('classification');
    expect(j.classNames).toEqual(['blue, dark', 'green', 'red']);
    expect(j.rows).toMatchObject({ train: 180, validation: 60, test: 60 });
    expect(j.scores.rows).toBe(60);
    expect(j.scores.accuracy).toBeGreaterThan(0.9);
    expect(j.scores.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(60);
    expect(j.history.loss.length).toBe(j.epochs);
    expect(existsSync(path('blobs.myelin'))).toBe(true);
    expect(j.pictures.map((p: string) => p.replace(/.*[\\/]/, '')).sort()).toEqual([
      'confusion-matrix.png',
      'history.png',
      'model.png',
    ]);
  });

  it('prints progress, the constant-column note and the test report for a person', () => {
    const r = myelin(
      [
        'train',
        path('blobs.csv'),
        '--target',
        'colour',
        '--epochs',
        '5',
        '--early-stopping',
        '0',
        '--out',
        path('blobs5.myelin'),
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Task: classification \(column "colour" holds text labels: blue, dark, green, red\)/);
    expect(r.stdout).toMatch(/Split: 180 training, 60 validation, 60 test rows/);
    expect(r.stdout).toMatch(/Total params/);
    expect(r.stdout).toMatch(/precision\s+recall\s+f1-score\s+support/);
    expect(r.stdout).toMatch(/Model saved to .*blobs5\.myelin/);
    // Not a TTY: one line per epoch.
    expect(
      r.stderr.match(/^ {2}epoch \d+\/5 · loss [\d.]+ · accuracy [\d.]+ · val_loss [\d.]+ · val_accuracy [\d.]+ · /gm),
    ).toHaveLength(5);
    expect(r.stderr).toMatch(/note: "constant" is constant in the training rows/);
  });

  it('predicts labels as the training file named them, with one probability column per class, ignoring the target column', () => {
    const r = myelin(['predict', path('blobs.myelin'), path('blobs-new.csv'), '--out', path('pred.csv')], dir);
    expect(r.code).toBe(0);
    const lines = readFileSync(path('pred.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('prediction,"probability_blue, dark",probability_green,probability_red');
    expect(lines).toHaveLength(31);
    const truth = blobsCsv(30, 2)
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => (l.endsWith('"') ? 'blue, dark' : l.split(',').at(-1)));
    let right = 0;
    lines.slice(1).forEach((l, i) => {
      const label = l.startsWith('"') ? 'blue, dark' : l.split(',')[0];
      const probs = l
        .replace(/^"[^"]*",|^[^,]*,/, '')
        .split(',')
        .map(Number);
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      if (label === truth[i]) right++;
    });
    expect(right).toBeGreaterThanOrEqual(27);
  });

  it('evaluates and summarizes the saved model', () => {
    const e = myelin(['evaluate', path('blobs.myelin'), path('blobs-new.csv'), '--target', 'colour', '--json'], dir);
    expect(e.code).toBe(0);
    const j = JSON.parse(e.stdout);
    expect(j.scores.rows).toBe(30);
    expect(j.scores.accuracy).toBeGreaterThan(0.9);
    const s = myelin(['summary', path('blobs.myelin')], dir);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/Total params: 803 /); // 4·100+100 + 100·3+3
    expect(s.stdout).toMatch(/Classes \(3\): blue, dark, green, red/);
    expect(s.stdout).toMatch(/Features \(4\): f1, f2, f3, constant/);
  });

  it('detects regression, learns a target in the thousands, and predicts in its units', () => {
    const r = myelin(
      ['train', path('houses.csv'), '--target', 'price', '--epochs', '150', '--out', path('houses.myelin'), '--json'],
      dir,
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.task).toBe('regression');
    expect(j.scores.r2).toBeGreaterThan(0.95);
    const p = myelin(['predict', path('houses.myelin'), path('houses-new.csv'), '--json'], dir);
    const preds = JSON.parse(p.stdout).predictions.map((o: { prediction: number }) => o.prediction);
    const truth = housesCsv(50, 4)
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[3]));
    const mae = preds.reduce((s: number, v: number, i: number) => s + Math.abs(v - truth[i]!), 0) / 50;
    expect(mae).toBeLessThan(20000); // prices span ~100k–330k
    const e = myelin(['evaluate', path('houses.myelin'), path('houses-new.csv')], dir);
    expect(e.stdout).toMatch(/MSE [\d.e+]+\s+MAE [\d.e+]+\s+R² 0\.9\d+/);
  });

  it('takes a few integer values as classes, and learns iris', () => {
    const r = myelin(
      ['train', join(ROOT, 'data/iris.csv'), '--target', 'species', '--out', path('iris.myelin'), '--json'],
      dir,
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(j.scores.accuracy).toBeGreaterThanOrEqual(0.85);
    writeFileSync(
      path('binary.csv'),
      'a,b,y\n' +
        Array.from({ length: 60 }, (_, i) => `${i % 10},${(i * 7) % 11},${i % 10 >= 5 ? 1 : 0}`).join('\n') +
        '\n',
    );
    const b = myelin(
      ['train', path('binary.csv'), '--target', 'y', '--epochs', '3', '--out', path('binary.myelin'), '--json'],
      dir,
    );
    expect(JSON.parse(b.stdout)).toMatchObject({ task: 'classification', classNames: ['0', '1'] });
    expect(JSON.parse(b.stdout).reason).toMatch(/2 integer values \(0, 1\); use --task regression/);
  });
});
