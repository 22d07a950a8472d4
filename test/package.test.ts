// The shipped package: `npm run prebuilds` (run by test/helpers/build-prebuilds.ts) + `npm pack` give
// a tarball with every prebuilt this machine makes, which installs into an empty project and loads
// its prebuilt addon with no compiler on PATH; without a usable binary the load error says what was
// looked for and what to do. Packs a copy, so the repository's build/ (used by the other test files)
// is never touched.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCommand } from './helpers/prebuilt.js';

const root = resolve(import.meta.dirname, '..');
const platformDir = `${process.platform}-${process.arch}`;
const libc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime
  ? 'glibc'
  : 'musl';
const work = mkdtempSync(join(tmpdir(), 'myelin-pack-'));
const src = join(work, 'src');
const app = join(work, 'app');
const bin = join(work, 'bin');

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// PATH holding only node, npm and sh: no cc, c++, make or python3, so nothing can be compiled.
function noCompilerEnv(): NodeJS.ProcessEnv {
  mkdirSync(bin, { recursive: true });
  const npmCli = resolve(process.execPath, '../../lib/node_modules/npm/bin/npm-cli.js');
  for (const [name, target] of [
    ['node', process.execPath],
    ['npm', npmCli],
    ['sh', '/bin/sh'],
  ] as const)
    if (!existsSync(join(bin, name))) symlinkSync(target, join(bin, name));
  return {
    ...process.env,
    PATH: bin,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
}

let tarball = '';
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Prebuilt binaries are produced for the platform this runs on; the layout test needs linux-x64's name.
describe.runIf(platformDir === 'linux-x64')('packed tarball', () => {
  beforeAll(() => {
    for (const f of [
      'package.json',
      'binding.gyp',
      'CMakeLists.txt',
      'tsconfig.json',
      'README.md',
      'native',
      'lib',
      'data',
      'prebuilds',
    ])
      if (existsSync(join(root, f))) cpSync(join(root, f), join(src, f), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(src, 'node_modules'));
    run('npm', ['pack', '--pack-destination', work], src);
    tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }));
    run('npm', ['install', tarball], app, noCompilerEnv());
  }, 600_000);

  it('ships the prebuilt addon, compiled JS with types, and the sources for a rebuild', () => {
    const files = run('tar', ['-tzf', tarball], work).split('\n');
    for (const f of [
      `package/prebuilds/linux-x64/myelin.${libc}.node`,
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/binding.gyp',
      'package/native/sources.json',
      'package/native/core/gemm.cc',
    ])
      expect(files).toContain(f);
    // The cross-built ones, where this machine has the compilers (CI always has: .ci/run installs them).
    if (libc === 'glibc' && findCommand('aarch64-linux-gnu-g++'))
      expect(files).toContain('package/prebuilds/linux-arm64/myelin.glibc.node');
    if (libc === 'glibc' && findCommand('x86_64-w64-mingw32-g++-posix'))
      expect(files).toContain('package/prebuilds/win32-x64/myelin.node');
    expect(files.filter((f) => f.startsWith('package/test/') || f.startsWith('package/bench/'))).toEqual([]);
  });

  it('installs into an empty project and loads the prebuilt addon without a compiler', () => {
    const script = `import { backendInfo } from 'myelin';
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      console.log(JSON.stringify({ info: backendInfo(), file: require('node-gyp-build').path('node_modules/myelin') }));`;
    const out = JSON.parse(run('node', ['--input-type=module', '-e', script], app, noCompilerEnv()));
    expect(out.file).toBe(join(app, `node_modules/myelin/prebuilds/linux-x64/myelin.${libc}.node`));
    expect(out.info.supportedIsas).toContain(out.info.isa);
    expect(out.info.version).toBe(
      JSON.parse(run('node', ['-p', 'JSON.stringify(require("./package.json"))'], root)).version,
    );
    expect(existsSync(join(app, 'node_modules/myelin/build'))).toBe(false);
  });

  it('explains a missing binary: platform, arch, places looked in, and the fix', () => {
    rmSync(join(app, 'node_modules/myelin/prebuilds'), { recursive: true });
    let message = '';
    try {
      run('node', ['--input-type=module', '-e', "import('myelin')"], app, noCompilerEnv());
    } catch (err) {
      message = String((err as { stderr?: string }).stderr);
    }
    expect(message).toContain(`platform=${process.platform} arch=${process.arch}`);
    expect(message).toContain('node_modules/myelin/build/Release');
    expect(message).toContain('node_modules/myelin/prebuilds/linux-x64');
    expect(message).toContain('npm rebuild myelin');
  });
});
