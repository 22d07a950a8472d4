// Creating a folder and its missing parents. Node's `mkdir(dir, { recursive: true })` never returns for a path
// under /proc or /sys (their mkdir says ENOENT with the parent present, and Node retries forever, at 100 % of a
// core): this walk tries each folder once, then gives that error.
import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** mkdir -p: `dir` and its missing parents; an existing folder is fine, an existing file is an error. */
export async function makeFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (e) {
    if (code(e) === 'EEXIST' && (await stat(dir).catch(() => null))?.isDirectory()) return;
    if (code(e) !== 'ENOENT' || dirname(dir) === dir) throw e;
    await makeFolder(dirname(dir));
    await mkdir(dir).catch((again: unknown) => {
      if (code(again) !== 'EEXIST') throw again; // made meanwhile by another writer
    });
  }
}

/** makeFolder for synchronous callers (pictures). */
export function makeFolderSync(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    if (code(e) === 'EEXIST' && statSafe(dir)?.isDirectory()) return;
    if (code(e) !== 'ENOENT' || dirname(dir) === dir) throw e;
    makeFolderSync(dirname(dir));
    try {
      mkdirSync(dir);
    } catch (again) {
      if (code(again) !== 'EEXIST') throw again;
    }
  }
}

/** fs.statSync, or null when the path cannot be stat'ed. */
export function statSafe(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
