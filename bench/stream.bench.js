// `myelin train --memory` on a generated CSV larger than the budget vs the in-memory path on a file of
// the same rows that fits (the same file up to 256 MB): peak RSS (from /usr/bin/time -v) and training
// throughput. `node bench/stream.bench.js [MB] [--memory 512MB]`; the default 200 MB keeps `npm run
// bench` quick (the issue's check: 5000 --memory 512MB). Files go to the temporary folder and are removed.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');
const args = process.argv.slice(2);
const mb = Number(args[0] && /^\d+$/.test(args[0]) ? args[0] : 200);
const memoryArg = args.indexOf('--memory');
const memory = memoryArg >= 0 ? args[memoryArg + 1] : '64MB';
const epochsArg = args.indexOf('--epochs');
const epochs = epochsArg >= 0 ? Number(args[epochsArg + 1]) : 2;

/**
 * 12 numeric columns, a 3-category text column, 1 % missing cells; y linear in them plus noise. A block
 * of 20000 rows is generated once and written again until the size (gigabytes in seconds, not minutes).
 */
async function generate(file, bytes) {
  const out = createWriteStream(file);
  out.write('x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11,city,y\n');
  let s = 7;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const cities = ['Lyon', 'Nice', 'Paris'];
  const blockRows = 20000;
  let text = '';
  for (let k = 0; k < blockRows; k++) {
    const v = Array.from({ length: 12 }, () => rand() * 2 - 1);
    const c = Math.floor(rand() * 3);
    const y = v.reduce((a, x, j) => a + x * (j - 5.5), 0) + c + (rand() - 0.5) * 0.1;
    text += `${v.map((x) => (rand() < 0.01 ? '' : x.toFixed(4))).join(',')},${cities[c]},${y.toFixed(4)}\n`;
  }
  const block = Buffer.from(text);
  let written = 0;
  let rows = 0;
  while (written < bytes) {
    written += block.length;
    rows += blockRows;
    if (!out.write(block)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return rows;
}

function run(label, file, extra, rows, size) {
  const timeBin = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-v'] : [];
  const cmd = [
    ...timeBin,
    process.execPath,
    bin,
    'train',
    file,
    '--target',
    'y',
    '--epochs',
    String(epochs),
    '--early-stopping',
    '0',
    '--no-refit',
    '--json',
    '-q',
    '-o',
    join(dirname(file), `${label}.myelin`),
    ...extra,
  ];
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${label} failed: ${r.stderr.slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const trainRows = rows * 0.6;
  console.log(
    `| ${label} | ${size} (${rows} rows) | ${rss ? `${(Number(rss[1]) / 1024).toFixed(0)} MB` : 'n/a'} | ${seconds.toFixed(1)} s | ${((trainRows * epochs) / seconds / 1000).toFixed(0)}k rows/s |`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'myelin-stream-'));
try {
  const file = join(dir, 'big.csv');
  const rows = await generate(file, mb * 2 ** 20);
  const small = mb <= 256 ? file : join(dir, 'small.csv');
  const smallRows = small === file ? rows : await generate(small, 256 * 2 ** 20);
  const size = (f) => `${(statSync(f).size / 2 ** 20).toFixed(0)} MB`;
  console.log(`${epochs} epochs (training rows × epochs / wall time, reading included)\n`);
  console.log('| path | file | peak RSS | wall time | throughput |\n|---|---:|---:|---:|---:|');
  run(`streamed (--memory ${memory})`, file, ['--memory', memory], rows, size(file));
  run('in memory', small, [], smallRows, size(small));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
