// The house rule "no source file over 400 lines in lib/ or native/": small files named for what they hold.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const MAX_LINES = 400;

/** Tracked and new (not ignored) files under the folders, as git sees them. */
function sourceFiles(...dirs: string[]): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...dirs], {
    cwd: root,
    encoding: 'utf8',
  });
  return [...new Set(out.split('\n').filter((f) => /\.(ts|js|mjs|cc|h|inc)$/.test(f)))];
}

function lineCount(text: string): number {
  return text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function tooLong(files: string[]): string[] {
  return files
    .map((f) => ({ f, n: lineCount(readFileSync(resolve(root, f), 'utf8')) }))
    .filter(({ n }) => n > MAX_LINES)
    .map(({ f, n }) => `${f}: ${n} lines`);
}

describe('source file size', () => {
  it('counts lines as wc -l does', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('a\n')).toBe(1);
    expect(lineCount('a\nb')).toBe(2);
    expect(lineCount(`${'x\n'.repeat(MAX_LINES + 1)}`)).toBe(MAX_LINES + 1);
  });

  it(`no file in lib/ or native/ is over ${MAX_LINES} lines`, () => {
    const files = sourceFiles('lib', 'native');
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('lib/model/sequential.ts');
    expect(tooLong(files)).toEqual([]);
  });
});
