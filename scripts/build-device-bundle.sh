#!/usr/bin/env bash
# Builds, here (JDK 25 + Maven Central), everything scripts/gpu-check.sh needs on a GPU machine that has neither a
# JDK nor a network: .device/jdk (a jlink'ed Java 25 runtime), .device/classes and .device/test-classes of
# shared-kernels (with the PTX the build compiled), .device/lib (dependencies + the JUnit console launcher).
# The same classpath runs the CUDA tests and the engine CLI (EngineCli synth + bench --backend cuda: gpu-check.sh's
# last step), so the jlink'ed modules below must cover both. .device/ is git-ignored.
# Usage: scripts/build-device-bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out=.device
rm -rf "$out"
mkdir -p "$out/lib"

echo "[bundle] compiling shared-kernels (main + tests, PTX when nvcc is present) and path-serving"
./mvnw -B -q -pl shared-kernels,path-serving -am test-compile
if [[ ! -f shared-kernels/target/classes/cuda/rr_kernels_cc90.ptx ]]; then
  echo "[bundle] WARNING: no PTX was built (nvcc missing?): the GPU check will report 'built without CUDA kernels'" >&2
fi
cp -r shared-kernels/target/classes "$out/classes"
cp -r shared-kernels/target/test-classes "$out/test-classes"

echo "[bundle] copying dependencies"
./mvnw -B -q -pl shared-kernels dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$PWD/$out/lib" \
  -DexcludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian
# The console launcher of the JUnit release Spring Boot's BOM manages (it bundles Jupiter and the platform).
junit="$(./mvnw -B -q -pl shared-kernels help:evaluate -Dexpression=junit-jupiter.version -DforceStdout)"
./mvnw -B -q -pl shared-kernels dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit" \
  -DoutputDirectory="$PWD/$out/lib"

# Keep the bundle small enough to carry (64 MiB): the kernel jar zipped (PTX compresses ~10x), only JCuda's
# driver library from its natives jar, no byte-buddy (AssertJ needs it only for soft assertions and proxies).
"$JAVA_HOME/bin/jar" --create --file "$out/lib/shared-kernels-device.jar" -C shared-kernels/target/classes .
# path-serving's serving core without Spring (ServingBench: continuous batching, adaptive batch, nvidia-smi energy)
"$JAVA_HOME/bin/jar" --create --file "$out/lib/path-serving-core.jar" -C path-serving/target/classes dev/reasoningrouter/pathserving/bench \
  -C path-serving/target/classes dev/reasoningrouter/pathserving/batching -C path-serving/target/classes dev/reasoningrouter/pathserving/power
rm -rf "$out/classes" "$out"/lib/byte-buddy-*.jar
natives="$(ls "$out"/lib/jcuda-natives-*.jar)"
tmp="$(mktemp -d)"
(cd "$tmp" && "$JAVA_HOME/bin/jar" --extract --file "$OLDPWD/$natives" && find lib -type f ! -name 'libJCudaDriver-*' -delete)
rm "$natives"
"$JAVA_HOME/bin/jar" --create --file "$natives" -C "$tmp" .
rm -rf "$tmp"

echo "[bundle] jlink'ing a Java runtime"
# java.xml for JUnit's XML reports; jdk.unsupported for JCuda/JUnit internals; nothing desktop (EngineCli's
# Jackson and the engine need nothing more: synth + bench --backend cuda were run on exactly this module set).
mods="java.base,java.logging,java.management,java.xml,jdk.unsupported,jdk.incubator.vector"
"$JAVA_HOME/bin/jlink" --add-modules "$mods" --strip-debug --no-header-files --no-man-pages --compress zip-9 --output "$out/jdk"
echo "[bundle] modules: $mods"
du -sh "$out"/* | sed 's/^/[bundle] /'
total_mib=$(( $(du -sk "$out" | cut -f1) / 1024 ))
echo "[bundle] total ${total_mib} MiB in $out"
if (( total_mib > 60 )); then echo "[bundle] WARNING: larger than the 64 MiB a device run can carry" >&2; fi
