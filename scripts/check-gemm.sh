#!/usr/bin/env bash
# Builds test/native/gemm_check.cc with the GEMM sources (native/sources.json's kernel files, each
# with its ISA flags) and runs its checks: natively, and for arm64 (NEON) with aarch64-linux-gnu-g++
# under qemu-aarch64 when those are installed (scripts/install-system-deps.sh). No Node involved.
# Usage: scripts/check-gemm.sh [check|hash|time ISA THREADS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mode=("${@:-check}")
core=(core/isa.cc core/thread_pool.cc core/cpu_info.cc core/gemm_config.cc core/gemm.cc core/gemm_small.cc core/activations.cc core/vec.cc
      kernels/scalar/gemm_scalar.cc kernels/scalar/vec_scalar.cc)
flags=(-O3 -std=c++17 "-I$root/native" -fno-math-errno -fno-trapping-math -pthread)

build() {  # build CXX DIR [file:flags ...]
  local cxx=$1 dir=$2 objs=()
  shift 2
  mkdir -p "$dir"
  for spec in "${core[@]}" "$@" ../test/native/gemm_check.cc; do
    local f=${spec%%:*} extra=()
    [[ $spec == *:* ]] && read -ra extra <<<"${spec#*:}"
    local o="$dir/$(basename "$f" .cc).o"
    "$cxx" "${flags[@]}" "${extra[@]}" -c "$root/native/$f" -o "$o"
    objs+=("$o")
  done
  "$cxx" -static -pthread -o "$dir/gemm_check" "${objs[@]}"
}

echo "native ($(uname -m)):"
if [ "$(uname -m)" = x86_64 ]; then
  build g++ "$out/x86" kernels/avx2/gemm_avx2.cc:"-mavx2 -mfma" kernels/avx2/vec_avx2.cc:"-mavx2 -mfma" \
    kernels/avx512/gemm_avx512.cc:"-mavx512f -mavx2 -mfma" kernels/avx512/vec_avx512.cc:"-mavx512f -mavx2 -mfma"
else
  build g++ "$out/x86" kernels/neon/gemm_neon.cc kernels/neon/vec_neon.cc
fi
"$out/x86/gemm_check" "${mode[@]}"
cross=$(command -v aarch64-linux-gnu-g++ && command -v qemu-aarch64 || true)
if [ -n "$cross" ] && [ "$(uname -m)" != aarch64 ]; then
  echo "arm64 under qemu:"
  build aarch64-linux-gnu-g++ "$out/arm64" kernels/neon/gemm_neon.cc kernels/neon/vec_neon.cc
  qemu-aarch64 "$out/arm64/gemm_check" "${mode[@]}"
else
  echo "arm64: skipped (aarch64-linux-gnu-g++ or qemu-aarch64 not installed, or already on arm64)"
fi
