#!/usr/bin/env bash
# Compiles the CUDA kernels to PTX resources for CudaModule. Called by the Maven build (generate-resources);
# also runnable by hand: src/main/cuda/build-ptx.sh OUT_DIR
#   OUT_DIR/rr_kernels_cc90.ptx  compute_90 (H100/H200; JIT-compiled by the driver for sm_90 and later)
#   OUT_DIR/rr_kernels_cc80.ptx  compute_80 (portable: A100, A10/L4/L40 and newer GPUs)
#   OUT_DIR/rr_kernels.properties which nvcc built them, for the backend's log line
# Without nvcc it prints why and exits 0: the jar is then "built without CUDA kernels".
# NVCC=/path/to/nvcc picks a compiler; RR_SKIP_PTX=1 skips the step.
set -euo pipefail
out="${1:?usage: build-ptx.sh OUT_DIR}"
src="$(cd "$(dirname "$0")" && pwd)"
if [[ "${RR_SKIP_PTX:-}" == "1" ]]; then
  echo "[build-ptx] RR_SKIP_PTX=1: not compiling CUDA kernels (the jar will be built without them)"
  exit 0
fi
nvcc="${NVCC:-}"
if [[ -z "$nvcc" ]]; then
  nvcc="$(command -v nvcc || true)"
  [[ -z "$nvcc" && -x /usr/local/cuda/bin/nvcc ]] && nvcc=/usr/local/cuda/bin/nvcc
fi
if [[ -z "$nvcc" || ! -x "$nvcc" ]]; then
  echo "[build-ptx] nvcc not found (set NVCC or put it on PATH): building without CUDA kernels"
  exit 0
fi
mkdir -p "$out"
newest_src="$(find "$src" -maxdepth 1 \( -name '*.cu' -o -name '*.cuh' -o -name 'build-ptx.sh' \) -newer "$out/rr_kernels_cc80.ptx" 2>/dev/null | head -1 || true)"
if [[ -f "$out/rr_kernels_cc90.ptx" && -f "$out/rr_kernels_cc80.ptx" && -f "$out/rr_kernels.properties" && -z "$newest_src" ]]; then
  echo "[build-ptx] PTX up to date in $out"
  exit 0
fi
version="$("$nvcc" --version | grep -o 'release [0-9.]*' | head -1)"
for cc in 90 80; do
  "$nvcc" -ptx -arch="compute_${cc}" -O3 -std=c++17 -o "$out/rr_kernels_cc${cc}.ptx.tmp" "$src/rr_kernels.cu"
  mv "$out/rr_kernels_cc${cc}.ptx.tmp" "$out/rr_kernels_cc${cc}.ptx"
done
# Assemble each PTX once with ptxas, so that a PTX error fails the build here and not in the driver's JIT on a
# GPU machine; also at ISA 8.0, the form CudaModule hands a CUDA 12 driver.
ptxas="$(dirname "$nvcc")/ptxas"
if [[ -x "$ptxas" ]]; then
  check="$(mktemp -d)"
  "$ptxas" -arch=sm_90 -O3 "$out/rr_kernels_cc90.ptx" -o "$check/cc90.cubin"
  "$ptxas" -arch=sm_80 -O3 "$out/rr_kernels_cc80.ptx" -o "$check/cc80.cubin"
  sed 's/^\.version [0-9.]*/.version 8.0/' "$out/rr_kernels_cc90.ptx" > "$check/isa80.ptx"
  "$ptxas" -arch=sm_90 -O3 "$check/isa80.ptx" -o "$check/isa80.cubin"
  rm -rf "$check"
  echo "[build-ptx] ptxas assembled the PTX for sm_90 and sm_80 (and sm_90 at PTX ISA 8.0)"
fi
isa="$(grep -m1 '^\.version' "$out/rr_kernels_cc90.ptx" | awk '{print $2}')"
entries="$(grep -c '^\.visible \.entry' "$out/rr_kernels_cc90.ptx")"
{
  echo "nvcc=$nvcc"
  echo "nvcc.release=${version#release }"
  echo "ptx.isa=$isa"
  echo "entries=$entries"
} > "$out/rr_kernels.properties"
echo "[build-ptx] compiled $entries kernels with nvcc ${version#release } (PTX ISA $isa) into $out"
