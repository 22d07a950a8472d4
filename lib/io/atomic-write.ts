// Atomic file replacement: write a temporary file in the target's folder, fsync it, rename it over
// the target, fsync the folder. A crash or error at any point leaves the old file or the new one.
import { randomBytes } from 'node:crypto';
import { open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Tests only: fault injection between chunks, and the chunk size. */
export const atomicWriteTestHooks: {
  chunkBytes: number;
  afterChunk: ((bytesWritten: number, tempPath: string) => void | Promise<void>) | null;
} = { chunkBytes: 4 << 20, afterChunk: null };

export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  // Through a symlink, replace the file it points to, not the link.
  const target = await realpath(resolve(path)).catch(() => resolve(path));
  const dir = dirname(target);
  // Same folder, so rename stays on one file system; a dot name so it is not mistaken for a model.
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // Replacing a file keeps its permissions (a 0600 model stays private).
  const mode = await stat(target).then((s) => s.mode & 0o7777, () => 0o666);
  let fh;
  try {
    fh = await open(temp, 'wx', mode);
  } catch (e) {
    throw new Error(`cannot write ${path}: cannot create a temporary file in ${dir}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const step = atomicWriteTestHooks.chunkBytes;
    for (let off = 0; off < data.length; ) {
      const { bytesWritten } = await fh.write(data, off, Math.min(step, data.length - off), off);
      off += bytesWritten;
      await atomicWriteTestHooks.afterChunk?.(off, temp);
    }
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(temp, target);
  } catch (e) {
    await fh?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw new Error(`cannot write ${path}: ${(e as Error).message} (the previous file, if any, is unchanged)`, { cause: e });
  }
  await syncDir(dir);
}

/** Makes the rename durable. Not possible on every platform (Windows cannot open folders): ignore. */
async function syncDir(dir: string): Promise<void> {
  let dh;
  try {
    dh = await open(dir, 'r');
    await dh.sync();
  } catch {
    // best effort
  } finally {
    await dh?.close().catch(() => {});
  }
}
