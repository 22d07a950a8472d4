import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { myelin } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('myelin demo', () => {
  it('walks through the course: perceptron succeeds, fails on the circle (and says why), a network succeeds', () => {
    const r = myelin(['demo', '--out', join(dir, 'pictures')], dir);
    expect(r.code).toBe(0);
    const acc = [...r.stdout.matchAll(/Accuracy on 1000 fresh points: ([\d.]+) %/g)].map((m) => Number(m[1]));
    expect(acc).toHaveLength(3);
    expect(acc[0]).toBeGreaterThanOrEqual(97);
    expect(acc[1]).toBeLessThan(75);
    expect(acc[2]).toBeGreaterThanOrEqual(95);
    expect(r.stdout).toMatch(/one straight line/);
    expect(r.stdout.match(/Total params/g)).toHaveLength(3);
    expect(r.stdout.match(/predicted/g)!.length).toBeGreaterThanOrEqual(3); // a confusion matrix per step
    expect(r.stderr).toMatch(/epoch 1500\/1500/);
    expect(r.stdout).toMatch(
      new RegExp(`Pictures are in ${join(dir, 'pictures').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
    const files = readdirSync(join(dir, 'pictures')).sort();
    expect(files).toHaveLength(12);
    for (const step of ['1-perceptron-linear', '2-perceptron-circle', '3-network-circle'])
      for (const kind of ['history', 'boundary', 'confusion', 'model'])
        expect(existsSync(join(dir, 'pictures', `${step}-${kind}.png`))).toBe(true);
  });
});
