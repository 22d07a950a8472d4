#!/usr/bin/env node
// `npm run prebuilds`: the prebuilt addons this machine can make, in node-gyp-build's layout
// (prebuilds/<platform>-<arch>/myelin[.glibc|.musl].node), each built by cmake-js from CMakeLists.txt
// with MYELIN_PREBUILD=ON (cmake/prebuild.cmake: static C++ runtime, glibc 2.28 floor, stripped).
// On Linux x64 with glibc: linux-x64, plus linux-arm64 and win32-x64 with Debian's cross compilers
// (scripts/install-system-deps.sh installs them). Elsewhere (the release workflow's runners): the host.
//
//   node scripts/prebuilds.mjs [target...]   only these targets, e.g. linux-arm64
//   --if-available                           skip (with a message) targets whose compiler is missing
//   --if-stale                               skip targets whose binary is newer than every source
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

// Cross targets: the CMake toolchain file and the compiler it names.
const CROSS = {
  'linux-arm64': { toolchain: 'cmake/aarch64-linux-gnu.cmake', compiler: 'aarch64-linux-gnu-g++' },
  'win32-x64': { toolchain: 'cmake/x86_64-w64-mingw32.cmake', compiler: 'x86_64-w64-mingw32-g++-posix' },
};

const hostLibc =
  process.platform !== 'linux' ? '' : process.report.getReport().header.glibcVersionRuntime ? 'glibc' : 'musl';
const host = `${process.platform}-${process.arch}`;

/** The file node-gyp-build picks: Linux binaries carry their C library as a tag. */
function outputFile(target, libc) {
  return join(root, 'prebuilds', target, target.startsWith('linux-') ? `myelin.${libc}.node` : 'myelin.node');
}

function newestSource(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newestSource(join(path, f))));
}

function hasCommand(cmd) {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

function build(target) {
  const cross = target === host ? null : CROSS[target];
  const libc = target.startsWith('linux-') ? (cross ? 'glibc' : hostLibc) : '';
  const out = join(root, '.cache/prebuild', target);
  // A build directory copied from another checkout compiles that checkout's sources and keeps its
  // objects (a linux-arm64 binary mixing two versions of engine/spec.h corrupted the heap): start over.
  const cache = join(out, 'CMakeCache.txt');
  const home = existsSync(cache)
    ? /^CMAKE_HOME_DIRECTORY:INTERNAL=(.*)$/m.exec(readFileSync(cache, 'utf8'))?.[1]
    : undefined;
  if (home !== undefined && resolve(home) !== root) {
    console.log(`prebuilds: ${out} was configured for ${home}; removing it`);
    rmSync(out, { recursive: true, force: true });
  }
  const args = [
    'compile',
    '--out',
    out,
    '--arch',
    target.split('-')[1],
    '--parallel',
    String(availableParallelism()),
    '--CDMYELIN_PREBUILD=ON',
    `--CDMYELIN_NODE_API_DEF=${require('node-api-headers').def_paths.node_api_def}`,
  ];
  if (cross) args.push(`--CDCMAKE_TOOLCHAIN_FILE=${join(root, cross.toolchain)}`);
  console.log(`prebuilds: building ${target}${libc ? ` (${libc})` : ''}`);
  execFileSync(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), ...args], { cwd: root, stdio: 'inherit' });
  const built = readdirSync(out, { recursive: true }).find((f) => f.endsWith('myelin.node'));
  if (!built) throw new Error(`prebuilds: cmake-js wrote no myelin.node under ${out}`);
  const dest = outputFile(target, libc);
  mkdirSync(dirname(dest), { recursive: true });
  // Renamed into place: a process that has loaded the previous binary keeps its file intact.
  const temporary = `${dest}.${process.pid}.tmp`;
  copyFileSync(join(out, built), temporary);
  renameSync(temporary, dest);
  console.log(`prebuilds: ${target} -> ${dest} (${(statSync(dest).size / 1024).toFixed(0)} KiB)`);
}

const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const named = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const buildable = host === 'linux-x64' && hostLibc === 'glibc' ? [host, ...Object.keys(CROSS)] : [host];
for (const t of named)
  if (!buildable.includes(t))
    throw new Error(`prebuilds: cannot build ${t} here; this machine builds: ${buildable.join(', ')}`);

const sourcesTime = Math.max(
  ...['native', 'CMakeLists.txt', 'cmake', 'scripts/prebuilds.mjs'].map((p) => newestSource(join(root, p))),
);
for (const target of named.length ? named : buildable) {
  const cross = target === host ? null : CROSS[target];
  if (cross && !hasCommand(cross.compiler)) {
    const why = `${cross.compiler} is not installed (scripts/install-system-deps.sh installs it)`;
    if (!flags.includes('--if-available')) throw new Error(`prebuilds: cannot build ${target}: ${why}`);
    console.log(`prebuilds: skipping ${target}: ${why}`);
    continue;
  }
  const dest = outputFile(target, cross ? 'glibc' : hostLibc);
  if (flags.includes('--if-stale') && existsSync(dest) && statSync(dest).mtimeMs > sourcesTime) continue;
  build(target);
}
