// examples/explain.js as a user runs it (node, importing 'myelin'): what it prints and the plot it writes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

describe('examples/explain.js', () => {
  it('ranks the petal measurements first, adds up to the predictions and writes the summary plot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'myelin-explain-example-'));
    try {
      const r = spawnSync(process.execPath, [join(ROOT, 'examples', 'explain.js'), dir], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const virginica = /^virginica: expected [\d.]+; (\w+) [\d.]+, (\w+)/m.exec(r.stdout)!;
      expect([virginica[1], virginica[2]].sort()).toEqual(['petal_length', 'petal_width']);
      expect(Number(/sum\(SHAP\) - prediction\|: ([\d.e+-]+)/.exec(r.stdout)![1])).toBeLessThan(1e-4);
      expect(r.stdout).toMatch(/permutation importance \(accuracy drop\): sepal_length [\d.-]+ ± [\d.]+/);
      expect(existsSync(join(dir, 'iris-shap.png'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
