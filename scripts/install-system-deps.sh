#!/usr/bin/env bash
# Debian packages the test suite needs beyond Node: cmake and ninja for the prebuilt binaries
# (scripts/prebuilds.mjs), on x64 the cross toolchains and emulators of the prebuilt tests (arm64
# under qemu-user, win32-x64 under wine64: amd64-only packages), Python's onnx and h5py to check
# the files myelin writes, and clang-format for `npm run lint`. Run as root (CI is); idempotent.
# `--bench` adds what bench/ compares against (PyTorch, OpenBLAS, scikit-learn).
set -euo pipefail
pkgs=(binutils cmake ninja-build python3-onnx python3-h5py python3-numpy clang-format)
[ "$(dpkg --print-architecture)" = amd64 ] && pkgs+=(qemu-user g++-aarch64-linux-gnu g++-mingw-w64-x86-64 wine64)
[ "${1:-}" = "--bench" ] && pkgs+=(python3-torch python3-sklearn libopenblas0-pthread)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
