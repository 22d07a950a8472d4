// HDF5 (.h5, and .keras's model.weights.h5) works in memory for any user: h5wasm's 'node' build kept its
// "virtual" files at the root of the disk, which only root may write (and which processes shared by name).
import { spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERAS_FIXTURES } from './helpers/keras-fixtures.js';

const ROOT = resolve(import.meta.dirname, '..');
const SCRIPT = `
const { loadModel, Sequential, Dense } = await import(${JSON.stringify(join(ROOT, 'dist', 'index.js'))});
const m = await loadModel(process.argv[1]);
const out = [m.layers.length];
const made = new Sequential([new Dense(2, { inputDim: 3 })]);
for (const format of ['h5', 'keras']) out.push((await loadModel(await made.toBuffer({ format }))).layers.length);
console.log(JSON.stringify(out));
`;

describe('Keras files as a user who may not write to /', () => {
  it('loads a .h5 file and writes and reads back .h5 and .keras', () => {
    const dir = mkdtempSync(join(tmpdir(), 'myelin-users-'));
    chmodSync(dir, 0o755);
    const file = join(dir, 'k.h5');
    copyFileSync(join(KERAS_FIXTURES, 'keras2-binary.h5'), file);
    chmodSync(file, 0o644);
    // As root, run the child as nobody (65534): root may write anywhere and would not see the problem.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT, file], { encoding: 'utf8', ...asUser });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([3, 1, 1]);
  });
});
