// Atomic file replacement: write a temporary file in the target's folder, fsync it, rename it over
// the target, fsync the folder. A crash or error at any point leaves the old file or the new one.
import { randomBytes } from 'node:crypto';
import {
  type Stats,
  closeSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { type FileHandle, open, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { statSafe } from './folders.js';

/** Tests only: fault injection between chunks, and the chunk size. */
export const atomicWriteTestHooks: {
  chunkBytes: number;
  afterChunk: ((bytesWritten: number, tempPath: string) => void | Promise<void>) | null;
} = { chunkBytes: 4 << 20, afterChunk: null };

export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const file = await openAtomic(path);
  try {
    const step = atomicWriteTestHooks.chunkBytes;
    for (let off = 0; off < data.length; ) {
      const end = Math.min(off + step, data.length);
      await file.write(data.subarray(off, end));
      off = end;
      await atomicWriteTestHooks.afterChunk?.(off, file.temp);
    }
  } catch (e) {
    await file.abort();
    throw new Error(`cannot write ${path}: ${(e as Error).message} (the previous file, if any, is unchanged)`, {
      cause: e,
    });
  }
  await file.commit();
}

/** writeFileAtomic for synchronous callers (pictures): the same temporary file, fsync and rename. */
export function writeFileAtomicSync(path: string, data: Uint8Array | string): void {
  // Through a symlink, replace the file it points to, not the link (as openAtomic).
  const target = realpathSafe(resolve(path));
  const existing = statSafe(target);
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  if (checkFileTarget(path, existing) === 'stream') {
    try {
      writeFileSync(target, bytes);
    } catch (e) {
      throw new Error(`cannot write ${path}: ${(e as Error).message}`, { cause: e });
    }
    return;
  }
  const temp = tempPath(target);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off, off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
    syncDirSync(dirname(target));
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // not created, or already renamed
    }
    throw new Error(`cannot write ${path}: ${(e as Error).message} (the previous file, if any, is unchanged)`, {
      cause: e,
    });
  }
}

// Same folder, so rename stays on one file system; a dot name so it is not mistaken for a model.
function tempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

// A folder, or a path ending in a separator (resolve() would drop it and write 'x.keras/' as x.keras), is no file.
// A character device or a FIFO (/dev/null, /dev/stdout, a named pipe) is written in place: renaming a file over
// it would replace the device itself (as root, /dev/full became a regular file). Other special files are refused.
function checkFileTarget(path: string, existing: Stats | null): 'file' | 'stream' {
  if (existing?.isDirectory() || /[\\/]$/.test(path))
    throw new Error(`cannot write ${path}: it is a folder; give a file name`);
  if (!existing || existing.isFile()) return 'file';
  if (existing.isCharacterDevice() || existing.isFIFO()) return 'stream';
  throw new Error(`cannot write ${path}: it is ${existing.isSocket() ? 'a socket' : 'a block device'}, not a file`);
}

function realpathSafe(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function syncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort, as syncDir
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A file written in pieces (output streamed as it is computed) that appears whole or not at all. */
export interface AtomicFile {
  /** The temporary file being written. */
  readonly temp: string;
  write(data: Uint8Array | string): Promise<void>;
  /** fsyncs the temporary file, renames it over the target and fsyncs the folder. */
  commit(): Promise<void>;
  /** Removes the temporary file: the previous file, if any, is unchanged. */
  abort(): Promise<void>;
}

/** Starts writing `path` atomically: nothing is visible at `path` until commit(). */
export async function openAtomic(path: string): Promise<AtomicFile> {
  // Through a symlink, replace the file it points to, not the link.
  const target = await realpath(resolve(path)).catch(() => resolve(path));
  const dir = dirname(target);
  const temp = tempPath(target);
  const existing = await stat(target).catch(() => null);
  if (checkFileTarget(path, existing) === 'stream') return openStream(path, target);
  // Replacing a file keeps its permissions (a 0600 model stays private).
  const mode = existing ? existing.mode & 0o7777 : 0o666;
  let fh: FileHandle;
  try {
    fh = await open(temp, 'wx', mode);
  } catch (e) {
    throw new Error(`cannot write ${path}: cannot create a temporary file in ${dir}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  inFlight.add(temp);
  let position = 0;
  const abort = async () => {
    await fh.close().catch(() => {});
    await unlink(temp).catch(() => {});
    inFlight.delete(temp);
  };
  return {
    temp,
    async write(data) {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let off = 0; off < bytes.length; ) {
        const { bytesWritten } = await fh.write(bytes, off, bytes.length - off, position);
        off += bytesWritten;
        position += bytesWritten;
      }
    },
    async commit() {
      try {
        await fh.sync();
        await fh.close();
        await rename(temp, target);
      } catch (e) {
        await abort();
        throw new Error(`cannot write ${path}: ${(e as Error).message} (the previous file, if any, is unchanged)`, {
          cause: e,
        });
      }
      inFlight.delete(temp);
      await syncDir(dir);
      await removeStaleTemps(dir, basename(target));
    },
    abort,
  };
}

/** A device or pipe, written as it comes: there is no file to keep whole (see checkFileTarget). */
async function openStream(path: string, target: string): Promise<AtomicFile> {
  const fh = await open(target, 'w').catch((e: Error) => {
    throw new Error(`cannot write ${path}: ${e.message}`, { cause: e });
  });
  return {
    temp: target,
    async write(data) {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let off = 0; off < bytes.length; ) off += (await fh.write(bytes, off, bytes.length - off)).bytesWritten;
    },
    commit: () => fh.close(),
    abort: () => fh.close().catch(() => {}),
  };
}

/** Temporary files this process is writing now. */
const inFlight = new Set<string>();
/** A temp file whose writer may be alive is removed only when it has not been written for this long. */
const STALE_MS = 24 * 3600 * 1000;

/**
 * Temporary files of earlier saves to the same target that were killed mid-write (our own name pattern
 * only: `.<name>.<pid>.<8 hex>.tmp`). One is removed when its writer is provably gone: its pid is not
 * a running process, or it is this process and not writing it now. A pid that runs (perhaps reused,
 * perhaps another container's) may be a concurrent save: its file is removed only when unmodified for
 * STALE_MS. Best effort: a file that cannot be listed or removed is left.
 */
async function removeStaleTemps(dir: string, base: string): Promise<void> {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^\\.${escaped}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1] ?? NaN);
    if (!Number.isSafeInteger(pid)) continue;
    const file = join(dir, name);
    if (inFlight.has(file)) continue;
    const dead = pid === process.pid || !processRuns(pid);
    const old = await stat(file).then(
      (s) => Date.now() - s.mtimeMs > STALE_MS,
      () => false,
    );
    if (dead || old) await unlink(file).catch(() => {});
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // runs, as another user
  }
}

/** Makes the rename durable. Not possible on every platform (Windows cannot open folders): ignore. */
async function syncDir(dir: string): Promise<void> {
  let dh: FileHandle | undefined;
  try {
    dh = await open(dir, 'r');
    await dh.sync();
  } catch {
    // best effort
  } finally {
    await dh?.close().catch(() => {});
  }
}
