#!/usr/bin/env bash
# Compiles the kernel sources for the CPU with the host emulation (emu.h) and runs the kernel checks.
# Needs g++ (C++20) and the CUDA headers (CUDA_HOME, default /usr/local/cuda); no GPU, no driver.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cuda="${CUDA_HOME:-/usr/local/cuda}"
out="${1:-/tmp/rr-kernels-emu}"
g++ -std=c++20 -O2 -I"$cuda/include" -include "$here/emu.h" "$here/kernels_emu_test.cpp" -o "$out" -lpthread
"$out" "${@:2}"
