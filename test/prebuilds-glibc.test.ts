// The Linux prebuilt binaries load on glibc 2.28 (Debian 10, RHEL 8, Amazon Linux 2023), the floor
// of Node 20's own binaries, and need no libstdc++: every shipped prebuilds/linux-*/*.glibc.node is
// read with objdump and fails on any GLIBC_ version above 2.28, any GLIBCXX_/CXXABI_ import, a
// library beyond libc, libm, libpthread, libgcc_s and the dynamic loader, or an undefined symbol
// that Node-API does not provide.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCommand, root } from './helpers/prebuilt.js';

const FLOOR = [2, 28];
const LIBS = /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libgcc_s\.so\.1|ld-linux-(x86-64|aarch64)\.so\.[12])$/;

/** What a binary imports that a glibc 2.28 system without libstdc++ lacks, one line each. */
function floorViolations(file: string): string[] {
  const bad: string[] = [];
  for (const line of execFileSync('objdump', ['-T', file], { encoding: 'utf8' }).split('\n')) {
    // An unversioned strong import must come from node (Node-API); anything else is missing code.
    const base = /\*UND\*\s+\S+\s+Base\s+(\S+)$/.exec(line);
    if (base && !/^\S+\s+w\s/.test(line) && !/^(napi|node_api)_/.test(base[1]!)) bad.push(`${base[1]} is undefined`);
    const m = /\*UND\*\s+\S+\s+\(?([A-Z]+)_([\d.]+)\)?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const [, lib, version, symbol] = m;
    const [major, minor] = version!.split('.').map(Number);
    if (lib === 'GLIBCXX' || lib === 'CXXABI') bad.push(`${symbol} needs ${lib}_${version} (libstdc++)`);
    if (lib === 'GLIBC' && (major! > FLOOR[0]! || (major === FLOOR[0] && minor! > FLOOR[1]!)))
      bad.push(`${symbol} needs GLIBC_${version}`);
  }
  for (const m of execFileSync('objdump', ['-p', file], { encoding: 'utf8' }).matchAll(/NEEDED\s+(\S+)/g))
    if (!LIBS.test(m[1]!)) bad.push(`needs ${m[1]}`);
  return bad;
}

const shipped = ['linux-x64', 'linux-arm64']
  .map((dir) => join(root, 'prebuilds', dir))
  .filter(existsSync)
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.glibc.node'))
      .map((f) => join(dir, f)),
  );
const objdump = findCommand('objdump');
const glibcHost =
  process.platform === 'linux' &&
  process.arch === 'x64' &&
  Boolean((process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime);

const skip = process.platform !== 'linux' ? 'not Linux' : !objdump ? 'no objdump, Debian: binutils' : '';
describe.skipIf(skip !== '')(`glibc floor of the Linux prebuilts${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it.runIf(glibcHost)('finds the prebuilt this machine builds', () => {
    expect(shipped.map((f) => f.slice(root.length + 1)).sort()).toEqual(
      expect.arrayContaining(['prebuilds/linux-x64/myelin.glibc.node']),
    );
  });

  it.each(shipped.map((f) => [f.slice(root.length + 1), f]))(
    '%s needs no GLIBC_ above 2.28 and no libstdc++',
    (_, file) => {
      expect(floorViolations(file)).toEqual([]);
    },
  );

  // The check itself: a development build (libstdc++ shared, newest symbol versions) must fail it.
  it.runIf(existsSync(join(root, 'build/Release/myelin.node')))('flags a development build', () => {
    const bad = floorViolations(join(root, 'build/Release/myelin.node'));
    expect(bad.some((b) => b.includes('(libstdc++)'))).toBe(true);
    expect(bad).toContain('needs libstdc++.so.6');
  });
});
