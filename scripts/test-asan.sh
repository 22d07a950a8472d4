#!/bin/sh
# npm run test:asan: builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer (cmake-js,
# CMakeLists.txt's MYELIN_SANITIZE) into build-asan/, then runs the test suite against that build
# (lib/native.ts loads MYELIN_ADDON when set). Node itself is not instrumented, so the ASan runtime is
# preloaded. Leak checking is off here (V8 and Node keep memory until exit by design); any ASan or UBSan
# report aborts the process that hit it, which fails its test. The prebuilt and package tests are left out:
# they run other binaries (arm64 under qemu, win32 under wine, the packed tarball), which MYELIN_ADDON and
# the preloaded x86-64 runtime would break. Extra arguments go to vitest.
set -eu
cd "$(dirname "$0")/.."
npx cmake-js compile --out build-asan --config RelWithDebInfo --CDMYELIN_SANITIZE=address,undefined >/dev/null
addon=$(find "$PWD/build-asan" -name myelin.node | head -n 1)
[ -n "$addon" ] || { echo "test:asan: the sanitizer build produced no myelin.node" >&2; exit 1; }
echo "test:asan: running the suite against $addon"
MYELIN_ADDON="$addon" \
LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:${ASAN_OPTIONS:-}" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}" \
  npx vitest run --exclude 'test/prebuilds-*.test.ts' --exclude test/package.test.ts "$@"
