#!/usr/bin/env bash
# Runs the Java CUDA tests (CudaKernelsTest, CudaDecoderTest, CudaModelTest, CudaTokenChoiceTest, ...) with no GPU: builds fake_libcuda.cpp as a
# libcuda.so.1 that executes the real kernel sources on the CPU (emu.h), and puts it on LD_LIBRARY_PATH so that
# JCuda's driver binding loads it. Everything above the driver (JCuda, the launchers, CudaDecoder) is the real code.
# Slow (every CUDA thread is a host thread). Usage, from the repository root:
#   shared-kernels/src/test/cuda-emu/run-java-tests.sh [extra Maven args, e.g. -Dtest=CudaDecoderTest]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
cuda="${CUDA_HOME:-/usr/local/cuda}"
lib="$root/shared-kernels/target/cuda-emu"
mkdir -p "$lib"
g++ -std=c++20 -O2 -fPIC -shared -I"$cuda/include" -include "$here/emu.h" "$here/fake_libcuda.cpp" -o "$lib/libcuda.so.1" -lpthread
echo "[cuda-emu] built $lib/libcuda.so.1"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ./mvnw -B -pl shared-kernels -am test \
  -Dtest='CudaKernelsTest,CudaDecoderTest,CudaModelTest,CudaTokenChoiceTest,BackendChoiceTest,KernelBuildTest' -Dsurefire.failIfNoSpecifiedTests=false "$@"
