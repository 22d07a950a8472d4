// OpenBLAS as a bench peer: bench/peers.py (numpy on Debian's OpenBLAS) in a child process driven over
// stdin/stdout, so its rounds interleave with myelin's. Debian's OpenBLAS may not recognise a new CPU
// and fall back to slow kernels: openblas() tries OPENBLAS_CORETYPE (if set) and the core types made
// for this CPU, and keeps the fastest on 1024^3, so myelin is measured against OpenBLAS at its best.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
const here = dirname(fileURLToPath(import.meta.url));

/** Whether Debian's python3 with numpy is installed (else the peers are skipped, saying so). */
export function havePython(module = 'numpy') {
  return spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' }).status === 0;
}

/** A peers.py process; ask(request) resolves with its one-line JSON answer. */
export function peer(env) {
  const child = spawn(PYTHON, [join(here, 'peers.py')], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async ask(req) {
      child.stdin.write(`${JSON.stringify(req)}\n`);
      const { value } = await lines.next();
      return JSON.parse(value);
    },
    close: () => child.stdin.end(),
  };
}

/**
 * The fastest OpenBLAS kernels here, `threads` OpenBLAS threads: { blas (a peer), coretype, core, info },
 * after printing one line per core type tried.
 */
export async function openblas(backend, threads = 1) {
  const { cpu } = backend;
  const avx512 = backend.supportedIsas.includes('avx512');
  const forCpu =
    cpu.vendor === 'AuthenticAMD'
      ? ['Zen', ...(avx512 ? ['SkylakeX'] : [])]
      : cpu.vendor === 'GenuineIntel'
        ? [avx512 ? 'SkylakeX' : 'Haswell']
        : [''];
  const candidates = [...new Set([process.env.OPENBLAS_CORETYPE, ...forCpu].filter((c) => c !== undefined))];
  let best = { seconds: Infinity };
  for (const c of candidates) {
    const p = peer({ OPENBLAS_CORETYPE: c, OPENBLAS_NUM_THREADS: '1' });
    const { openblas_core: core } = await p.ask({ op: 'info' });
    const { seconds } = await p.ask({ op: 'sgemm', m: 1024, n: 1024, k: 1024, seconds: 0.2 });
    p.close();
    console.log(
      `- OpenBLAS with OPENBLAS_CORETYPE=${c || '(unset)'} runs its ${core} kernels: ${((2 * 1024 ** 3) / seconds / 1e9).toFixed(0)} GFLOP/s on 1024^3`,
    );
    if (seconds < best.seconds) best = { seconds, coretype: c, core };
  }
  const blas = peer({ OPENBLAS_CORETYPE: best.coretype, OPENBLAS_NUM_THREADS: String(threads) });
  const info = await blas.ask({ op: 'info' });
  return { blas, coretype: best.coretype, core: best.core, info };
}
