// One vitest globalSetup at a time per checkout: two `vitest` processes started together both found dist/
// or the prebuilt addons stale and rebuilt them into the same files (tsc, cmake-js in .cache/prebuild),
// each reading the other's half-written output. The lock is a file made with O_EXCL holding its owner's
// pid; a lock whose owner is gone (killed mid-build) is taken over. Uncontended it costs two syscalls.
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';

const pause = new Int32Array(new SharedArrayBuffer(4));

function ownerAlive(lock) {
  let pid;
  try {
    pid = Number(readFileSync(lock, 'utf8'));
  } catch {
    return true; // just made, pid not yet written (or just removed): look again
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Runs `fn` (sync or async) holding `lock`; waits up to `timeoutMs` for another holder to finish. */
export async function withLock(lock, fn, timeoutMs = 30 * 60_000) {
  mkdirSync(dirname(lock), { recursive: true });
  const start = Date.now();
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    if (!ownerAlive(lock)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() - start > timeoutMs)
      throw new Error(`${lock} is still held by another test run after ${timeoutMs / 1000} s; remove it if none runs`);
    if (!announced) console.log(`waiting for another test run's setup (${lock})`);
    announced = true;
    Atomics.wait(pause, 0, 0, 100);
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
