import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  createReadStream,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { atomicWriteTestHooks, writeFileAtomic, writeFileAtomicSync } from '../lib/io/atomic-write.js';

const dir = () => mkdtempSync(join(tmpdir(), 'myelin-atomic-'));
afterEach(() => {
  atomicWriteTestHooks.afterChunk = null;
  atomicWriteTestHooks.chunkBytes = 4 << 20;
});

describe('writeFileAtomic', () => {
  it('creates and replaces a file, leaving no temporary file behind', async () => {
    const d = dir();
    const p = join(d, 'model.myelin');
    await writeFileAtomic(p, Buffer.from('first'));
    await writeFileAtomic(p, Buffer.from('second version'));
    expect(readFileSync(p, 'utf8')).toBe('second version');
    expect(readdirSync(d)).toEqual(['model.myelin']);
  });

  it('keeps the permissions of the file it replaces', async () => {
    const p = join(dir(), 'private.myelin');
    writeFileSync(p, 'x');
    chmodSync(p, 0o600);
    await writeFileAtomic(p, Buffer.from('new'));
    expect(statSync(p).mode & 0o777).toBe(0o600);
  });

  it('writes through a symlink to the file it points to', async () => {
    const d = dir();
    writeFileSync(join(d, 'v1.myelin'), 'old');
    symlinkSync('v1.myelin', join(d, 'current.myelin'));
    await writeFileAtomic(join(d, 'current.myelin'), Buffer.from('new'));
    expect(lstatSync(join(d, 'current.myelin')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'v1.myelin'), 'utf8')).toBe('new');
  });

  it('writeFileAtomicSync (pictures) also writes through a symlink and keeps permissions', () => {
    const d = dir();
    writeFileSync(join(d, 'v1.svg'), 'old');
    chmodSync(join(d, 'v1.svg'), 0o600);
    symlinkSync('v1.svg', join(d, 'current.svg'));
    writeFileAtomicSync(join(d, 'current.svg'), '<svg/>');
    expect(lstatSync(join(d, 'current.svg')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'v1.svg'), 'utf8')).toBe('<svg/>');
    expect(statSync(join(d, 'v1.svg')).mode & 0o777).toBe(0o600);
    expect(readdirSync(d).sort()).toEqual(['current.svg', 'v1.svg']);
  });

  it('a path ending in a separator is a folder, not the file without it', async () => {
    const d = dir();
    const p = join(d, 'x.keras/');
    await expect(writeFileAtomic(p, Buffer.from('x'))).rejects.toThrow(
      `cannot write ${p}: it is a folder; give a file name`,
    );
    expect(() => writeFileAtomicSync(join(d, 'x.svg/'), '<svg/>')).toThrow('it is a folder; give a file name');
    expect(readdirSync(d)).toEqual([]);
  });

  it('a failure half-way leaves the previous file intact and removes the partial temporary file', async () => {
    const d = dir();
    const p = join(d, 'model.myelin');
    writeFileSync(p, 'old model');
    atomicWriteTestHooks.chunkBytes = 16;
    const seen: { bytes: number; tempSize: number }[] = [];
    atomicWriteTestHooks.afterChunk = (bytes, temp) => {
      seen.push({ bytes, tempSize: statSync(temp).size });
      if (bytes >= 32) throw new Error('ENOSPC: no space left on device (injected)');
    };
    await expect(writeFileAtomic(p, new Uint8Array(100).fill(7))).rejects.toThrow(
      /cannot write .*model\.myelin: ENOSPC: no space left on device \(injected\) \(the previous file, if any, is unchanged\)/,
    );
    expect(seen).toEqual([
      { bytes: 16, tempSize: 16 },
      { bytes: 32, tempSize: 32 },
    ]); // it really was half-written
    expect(readFileSync(p, 'utf8')).toBe('old model');
    expect(readdirSync(d)).toEqual(['model.myelin']);
  });

  it('a missing folder is a clear error and creates nothing', async () => {
    const d = dir();
    await expect(writeFileAtomic(join(d, 'no', 'such', 'm.myelin'), Buffer.from('x'))).rejects.toThrow(
      /cannot write .*m\.myelin: cannot create a temporary file in .*such: ENOENT/,
    );
    expect(existsSync(join(d, 'no'))).toBe(false);
  });
});

describe('temporary files of interrupted saves', () => {
  it('are removed on the next save of the same path when their writer is gone or they are a day old', async () => {
    const d = dir();
    const p = join(d, 'model.myelin');
    const { spawnSync } = await import('node:child_process');
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    const livePid = process.ppid; // runs: its save may be under way
    const names = {
      dead: `.model.myelin.${deadPid}.0badc0de.tmp`,
      ours: `.model.myelin.${process.pid}.12345678.tmp`,
      live: `.model.myelin.${livePid}.abcdef01.tmp`,
      liveOld: `.model.myelin.${livePid}.abcdef02.tmp`,
      otherTarget: `.other.myelin.${deadPid}.0badc0de.tmp`,
      notOurPattern: `.model.myelin.tmp`,
    };
    for (const n of Object.values(names)) writeFileSync(join(d, n), 'partial');
    const { utimesSync } = await import('node:fs');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(join(d, names.liveOld), twoDaysAgo, twoDaysAgo);
    await writeFileAtomic(p, Buffer.from('saved'));
    expect(readdirSync(d).sort()).toEqual(['model.myelin', names.live, names.otherTarget, names.notOurPattern].sort());
  });
});

describe('targets that cannot be a file', () => {
  it('a folder is named as such, and left as it was', async () => {
    const d = dir();
    await expect(writeFileAtomic(d, Buffer.from('x'))).rejects.toThrow(
      `cannot write ${d}: it is a folder; give a file name`,
    );
    expect(statSync(d).isDirectory()).toBe(true);
    expect(readdirSync(join(d, '..')).filter((f) => f.startsWith(`.${d.split('/').at(-1)}.`))).toEqual([]);
  });
});

describe('a named pipe or a device is written in place, never replaced by a file', () => {
  // As root, renaming over /dev/full made it a regular file; a FIFO shows the same without touching /dev.
  const fifo = () => {
    const p = join(dir(), 'pipe');
    execFileSync('mkfifo', [p]);
    return p;
  };
  const drain = (p: string) =>
    new Promise<string>((done, fail) => {
      const chunks: Buffer[] = [];
      createReadStream(p)
        .on('data', (c) => chunks.push(c as Buffer))
        .on('end', () => done(Buffer.concat(chunks).toString()))
        .on('error', fail);
    });

  it.skipIf(process.platform === 'win32')(
    'writeFileAtomic and writeFileAtomicSync into a FIFO',
    async () => {
      const p = fifo();
      const read = drain(p);
      await writeFileAtomic(p, Buffer.from('model bytes'));
      expect(await read).toBe('model bytes');
      expect(lstatSync(p).isFIFO()).toBe(true);
      expect(readdirSync(join(p, '..'))).toEqual(['pipe']);
      const again = drain(p);
      await new Promise((r) => setTimeout(r, 20)); // the reader opens first: a FIFO's writer waits for one
      writeFileAtomicSync(p, '<svg/>');
      expect(await again).toBe('<svg/>');
      expect(lstatSync(p).isFIFO()).toBe(true);
    },
    10_000,
  ); // before the fix the reader waited for a writer that never came
});
