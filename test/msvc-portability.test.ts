// The native sources as MSVC sees them (the fallback build on Windows), checked without MSVC. Each
// file's own #if/#elif/#else blocks are resolved for MSVC on x64 and on arm64 (_MSC_VER, _WIN32,
// _M_X64 or _M_ARM64 defined; __GNUC__, __clang__, __x86_64__, __linux__, __APPLE__... not), then:
// - that view must hold no GCC-only construct (builtins, attributes, generic vectors, inline asm,
//   C/POSIX calls MSVC lacks), each listed below with its portable path;
// - the x64 view of every translation unit must pass MinGW-w64's g++ -fsyntax-only -pedantic-errors
//   (VLAs, designated initializers, statement expressions, __int128, case ranges, typos in the MSVC
//   branches), with Windows' own headers (intrin.h's __cpuidex, malloc.h's _aligned_malloc).
// What this cannot catch: MSVC's own compile errors (its template and constexpr quirks, GCC vector
// operators on __m256 values), link errors, LLP64 overflows at run time; the release workflow's
// Windows job builds with MSVC (.github/workflows/prebuilds.yml).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCommand, root } from './helpers/prebuilt.js';

const MSVC_X64 = new Set(['_MSC_VER', '_WIN32', '_WIN64', '_M_X64', '_M_AMD64']);
const MSVC_ARM64 = new Set(['_MSC_VER', '_WIN32', '_WIN64', '_M_ARM64']);

/** The lines a compiler defining exactly `defined` compiles; the others blanked (line numbers kept). */
function preprocessorView(text: string, defined: Set<string>, file = '<text>'): string[] {
  const out: string[] = [];
  // One frame per open #if: is its parent active, has a branch been taken, is this branch active.
  const stack: { parent: boolean; taken: boolean; on: boolean }[] = [];
  const active = () => (stack.length ? stack[stack.length - 1]!.on : true);
  const evaluate = (expr: string, line: number): boolean => {
    const js = expr
      .replace(/\/\/.*$|\/\*.*?\*\//g, '')
      .replace(/defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)/g, (_, a, b) => String(defined.has(a ?? b)));
    if (!/^[\s()!&|truefals]*$/.test(js)) throw new Error(`${file}:${line}: cannot evaluate #if ${expr}`);
    return Function(`return (${js});`)() as boolean;
  };
  text.split('\n').forEach((line, i) => {
    const d = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/.exec(line);
    if (!d) return out.push(active() ? line : '');
    const [, kw, rest] = d;
    const arg = rest!.trim();
    if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
      const parent = active();
      const v =
        kw === 'if' ? evaluate(arg, i + 1) : kw === 'ifdef' ? defined.has(arg) : !defined.has(arg.split(/\s/)[0]!);
      stack.push({ parent, taken: v, on: parent && v });
    } else {
      const top = stack[stack.length - 1];
      if (!top) throw new Error(`${file}:${i + 1}: #${kw} without #if`);
      if (kw === 'endif') stack.pop();
      else {
        const v = !top.taken && (kw === 'else' || evaluate(arg, i + 1));
        top.on = top.parent && v;
        top.taken ||= v;
      }
    }
    out.push('');
  });
  if (stack.length) throw new Error(`${file}: unterminated #if`);
  return out;
}

/** Comments and the contents of string and character literals blanked. */
function codeOnly(lines: string[]): string[] {
  let inBlock = false;
  return lines.map((line) => {
    let s = '';
    for (let i = 0; i < line.length; i++) {
      if (inBlock) {
        if (line.startsWith('*/', i)) {
          inBlock = false;
          i++;
        }
        continue;
      }
      if (line.startsWith('//', i)) break;
      if (line.startsWith('/*', i)) {
        inBlock = true;
        i++;
        continue;
      }
      const q = line[i];
      if (q === '"' || q === "'") {
        let j = i + 1;
        while (j < line.length && line[j] !== q) j += line[j] === '\\' ? 2 : 1;
        s += `${q}${q}`;
        i = j;
        continue;
      }
      s += line[i];
    }
    return s;
  });
}

// What MSVC lacks, and where the portable spelling lives.
const FORBIDDEN: [RegExp, string][] = [
  [/\b__builtin_\w+/, 'a GCC builtin: std::memcpy, INFINITY/NAN, sqrtf... (native/core/portable.h)'],
  [
    /\b__attribute__\b/,
    'a GCC attribute: MYELIN_FORCE_INLINE / MYELIN_SIMD_INLINE, or an #if defined(__GNUC__) branch',
  ],
  [/\bvector_size\b/, 'GCC generic vectors: an MSVC branch (see native/kernels/scalar/gemm_scalar.cc)'],
  [/\b(__asm__|asm)\b/, 'inline asm (MSVC x64 has none): an intrinsic'],
  [/\b(__int128|__typeof__|typeof|__extension__|__label__)\b/, 'a GNU extension'],
  [/\b__PRETTY_FUNCTION__\b/, 'GCC only: __func__'],
  [/\b(std::)?aligned_alloc\s*\(|\bposix_memalign\b|\bmemalign\b/, 'aligned_alloc64 (native/core/portable.h)'],
  [
    /#\s*include\s*<(cpuid\.h|x86intrin\.h|unistd\.h|pthread\.h|sched\.h|dlfcn\.h|alloca\.h|sys\/[\w/]+\.h)>/,
    'a POSIX/GCC header',
  ],
  [
    /\b(ssize_t|pthread_\w+|sysconf|sched_yield|usleep|nanosleep|clock_gettime|gettimeofday|strcasecmp|strncasecmp|strtok_r|localtime_r|gmtime_r|alloca|getrandom)\b/,
    'a POSIX call: the C++ standard library',
  ],
  [
    /\bM_(PI|E|LN2|LN10|LOG2E|SQRT2|SQRT1_2|PI_2|PI_4|1_PI|2_PI|2_SQRTPI)\b/,
    'M_* constants need _USE_MATH_DEFINES on MSVC: a constexpr',
  ],
  [/#\s*pragma\s+GCC\s+(?!unroll\b)/, '#pragma GCC (only `unroll` is allowed: MSVC ignores it, C4068 is off)'],
  [
    /\b(and|or|not|xor|bitand|bitor|compl|and_eq|or_eq|xor_eq|not_eq)\b/,
    'an alternative operator token (MSVC needs /permissive- or <ciso646>)',
  ],
  [
    /(?<!\blong\s+)\blong\b(?!\s+(long|double)\b)/,
    '`long` is 32 bits on Windows (LLP64): ptrdiff_t, int64_t or size_t',
  ],
  [/\{\s*\.\w+\s*=/, 'a designated initializer (C++20 in MSVC)'],
];

/** Each forbidden construct in the MSVC view of `text`, as `file:line: token (fix)`. */
function msvcViolations(text: string, defined: Set<string>, file = '<text>'): string[] {
  const bad: string[] = [];
  codeOnly(preprocessorView(text, defined, file)).forEach((line, i) => {
    for (const [re, fix] of FORBIDDEN) {
      const m = re.exec(line);
      if (m) bad.push(`${file}:${i + 1}: ${m[0].trim()} (${fix})`);
    }
  });
  return bad;
}

function nativeFiles(dir = join(root, 'native')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return nativeFiles(p);
    return /\.(cc|h|inc)$/.test(e.name) ? [p] : [];
  });
}

// glibc_floor.cc is compiled into the Linux glibc prebuilts only (cmake/prebuild.cmake); contract.h
// is generated (its lists are checked in test/contract.test.ts).
const FILES = nativeFiles()
  .map((f) => f.slice(root.length + 1))
  .filter((f) => !f.startsWith('native/compat/'))
  .sort();

describe('the native sources as MSVC sees them', () => {
  it('the preprocessor view and the checks find what they must (self-test)', () => {
    const sample = [
      '#if defined(__GNUC__)',
      'typedef float V __attribute__((vector_size(16)));',
      '#elif defined(_MSC_VER) && defined(_M_X64)',
      'long stride; x = __builtin_memcpy(a, b, 4); // __builtin_trap in a comment',
      '#else',
      'asm("nop");',
      '#endif',
      '#include <cpuid.h>',
      'const char* s = "__attribute__ in a string";',
      'int n = a and b; P p{.x = 1};',
    ].join('\n');
    expect(msvcViolations(sample, MSVC_X64, 's').map((v) => v.split(' (')[0])).toEqual([
      's:4: __builtin_memcpy',
      's:4: long',
      's:8: #include <cpuid.h>',
      's:10: and',
      's:10: {.x =',
    ]);
    expect(msvcViolations(sample, MSVC_ARM64, 's').map((v) => v.split(' (')[0])).toEqual([
      's:6: asm',
      's:8: #include <cpuid.h>',
      's:10: and',
      's:10: {.x =',
    ]);
    expect(() => preprocessorView('#if FOO > 1\n#endif', MSVC_X64, 's')).toThrow(/s:1: cannot evaluate/);
  });

  it.each(FILES)('%s: no GCC-only construct where MSVC compiles it (x64 and arm64)', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect([...new Set([...msvcViolations(text, MSVC_X64, file), ...msvcViolations(text, MSVC_ARM64, file)])]).toEqual(
      [],
    );
  });
});

const mingw = findCommand('x86_64-w64-mingw32-g++-posix', 'x86_64-w64-mingw32-g++');
if (!mingw) console.warn('msvc-portability: syntax check skipped, no MinGW-w64 g++ (Debian: g++-mingw-w64-x86-64)');

describe.skipIf(!mingw)(`the MSVC x64 view compiles${mingw ? '' : ' (skipped: no MinGW-w64 g++)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'myelin-msvc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of FILES) {
    mkdirSync(join(dir, dirname(f)), { recursive: true });
    writeFileSync(join(dir, f), preprocessorView(readFileSync(join(root, f), 'utf8'), MSVC_X64, f).join('\n'));
  }
  const sources = JSON.parse(readFileSync(join(root, 'native/sources.json'), 'utf8')) as Record<string, string[]>;
  const units = ['core', 'binding', 'avx2', 'avx512'].flatMap((g) => sources[g]!);
  const require = createRequire(import.meta.url);
  const includes = [
    '-isystem',
    require('node-api-headers').include_dir as string,
    '-isystem',
    require('node-addon-api').include_dir as string,
    `-I${join(dir, 'native')}`,
  ];
  const flags = ['-fsyntax-only', '-std=c++17', '-pedantic-errors', '-Werror=vla', '-Wno-unknown-pragmas'];
  const defines = ['-DNAPI_VERSION=8', '-DNODE_ADDON_API_DISABLE_DEPRECATED', '-DNAPI_CPP_EXCEPTIONS'];

  const compile = (unit: string) =>
    new Promise<string>((resolve) => {
      const p = spawn(mingw!, [...flags, ...defines, ...includes, join(dir, unit)]);
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('close', (code) => resolve(code === 0 ? '' : err.replaceAll(`${dir}/`, '')));
    });

  it('every translation unit passes g++ -fsyntax-only -pedantic-errors for Windows', async () => {
    const errors: string[] = [];
    const queue = [...units];
    await Promise.all(
      [0, 1].map(async () => {
        for (let u = queue.shift(); u; u = queue.shift()) errors.push(await compile(u));
      }),
    );
    expect(errors.filter(Boolean).join('\n')).toBe('');
  }, 600_000);
});
