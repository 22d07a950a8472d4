// Folders made for checkpoints, backups and pictures: Node's recursive mkdir spins forever under /proc.
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFolder, makeFolderSync } from '../lib/io/folders.js';
import { Dense, ModelCheckpoint, plotHistory, Sequential } from '../lib/index.js';

const procfs = process.platform === 'linux' && existsSync('/proc/self');

describe('makeFolder', () => {
  it('makes missing parents, accepts an existing folder, refuses a file', async () => {
    const d = mkdtempSync(join(tmpdir(), 'myelin-folders-'));
    await makeFolder(join(d, 'a', 'b', 'c'));
    makeFolderSync(join(d, 'x', 'y'));
    expect(statSync(join(d, 'a', 'b', 'c')).isDirectory()).toBe(true);
    expect(statSync(join(d, 'x', 'y')).isDirectory()).toBe(true);
    await makeFolder(join(d, 'a', 'b'));
    writeFileSync(join(d, 'f'), '');
    await expect(makeFolder(join(d, 'f'))).rejects.toThrow(/EEXIST/);
    await expect(makeFolder(join(d, 'f', 'g'))).rejects.toThrow(/ENOTDIR/);
    expect(() => makeFolderSync(join(d, 'f', 'g'))).toThrow(/ENOTDIR/);
  });

  it.skipIf(!procfs)(
    'under /proc: an error, not an endless loop (async and sync)',
    async () => {
      await expect(makeFolder('/proc/myelin-nope/a')).rejects.toThrow(
        "ENOENT: no such file or directory, mkdir '/proc/myelin-nope'",
      );
      expect(() => makeFolderSync('/proc/myelin-nope/a')).toThrow(/ENOENT.*mkdir '\/proc\/myelin-nope'/);
    },
    10_000,
  );

  it.skipIf(!procfs)(
    'ModelCheckpoint and a picture under /proc fail with the path; the model trains on',
    async () => {
      const m = new Sequential([new Dense(1, { inputDim: 2 })]);
      m.compile({ loss: 'mse', optimizer: 'sgd' });
      const x = [
        [0, 1],
        [1, 0],
      ];
      const y = [1, 0];
      const cb = new ModelCheckpoint({ filepath: '/proc/myelin-nope/m{epoch}.myelin' });
      await expect(m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [cb] })).rejects.toThrow(
        "ModelCheckpoint: cannot create the folder of /proc/myelin-nope/m1.myelin: ENOENT: no such file or directory, mkdir '/proc/myelin-nope'",
      );
      const h = await m.fit(x, y, { epochs: 1, verbose: 0 });
      expect(() => plotHistory(h, { toFile: '/proc/myelin-nope/h.svg' })).toThrow(/ENOENT/);
      expect(h.epoch).toEqual([0]);
    },
    10_000,
  );
});
