#!/usr/bin/env bash
# GPU check for the CUDA backend, meant for a machine with an NVIDIA GPU and no JDK or network. Runs from the
# bundle scripts/build-device-bundle.sh made (.device/, carried with the working tree):
#   1. the shared-kernels CUDA tests through the JUnit console launcher (the whole kernels.cuda package: every
#      kernel against the Java reference for every weight type, CudaDecoder against a float64 forward, and
#      CudaModelTest: the CUDA model loaded from GGUF/safetensors files against the CPU model on the same file;
#      CudaTokenChoiceTest: next tokens chosen on the device through the generator);
#      they SKIP, with the reason, when no device initialises;
#   2. CudaKernelBench: mat-vec GB/s per weight type over RR_BENCH_GIB (default 4) GiB of random weights, and a
#      synthetic DeepSeek-V2-Lite-shaped decode step at each expert budget (tokens/s, active GB/s vs the peak);
#   3. the engine end to end: EngineCli synth writes a synthetic model (preset RR_ENGINE_PRESET, default 1b:
#      ~1.1 GB in Q8_0) under a temporary directory, then EngineCli bench --backend cuda on it (prefill and
#      decode tokens/s per expert budget through ModelLoader, CudaDeepSeekModel and the generator's step API);
#   4. path-serving's ServingBench on that model with --backend cuda: the serving core (continuous batching,
#      adaptive batch limit, nvidia-smi telemetry) at 1, 8 and 32 concurrent requests, with joules and tokens per
#      joule (skip with RR_SKIP_SERVING_BENCH=1).
# Writes ${OUT:-.device/out}/gpu-check.md (plus tests.log, bench.md, engine-bench.log, junit/ XML). Exit status:
# the tests', or 4 when they passed but the engine bench failed. Skip step 2 with RR_SKIP_BENCH=1, step 3 with
# RR_SKIP_ENGINE_BENCH=1.
set -uo pipefail
cd "$(dirname "$0")/.."
B=.device
OUT="${OUT:-$B/out}"
mkdir -p "$OUT"
JAVA="$B/jdk/bin/java"
if [[ ! -x "$JAVA" ]]; then
  echo "gpu-check: $JAVA is missing: run scripts/build-device-bundle.sh (on a machine with JDK 25) and carry .device/" >&2
  exit 2
fi
CP="$B/test-classes:$(ls "$B"/lib/*.jar | grep -v console-standalone | tr '\n' ':')"
FLAGS=(--enable-preview --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
report="$OUT/gpu-check.md"
{
  echo "# GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo '```'
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.memory --format=csv 2>&1
  else
    echo "nvidia-smi not available"
  fi
  "$JAVA" -version 2>&1 | head -1
  echo '```'
  echo
} > "$report"

echo "== CUDA tests"
"$JAVA" "${FLAGS[@]}" -jar "$B"/lib/junit-platform-console-standalone-*.jar execute \
  --class-path "$CP" --select-package dev.reasoningrouter.engine.kernels.cuda \
  --details=tree --details-theme=ascii --disable-banner --reports-dir "$OUT/junit" > "$OUT/tests.log" 2>&1
rc=$?
cat "$OUT/tests.log"
if [[ $rc -eq 0 ]] && command -v nvidia-smi >/dev/null && grep -q "no CUDA device" "$OUT/tests.log"; then
  echo "gpu-check: nvidia-smi sees a GPU but the CUDA tests were skipped: failing the check" >&2
  rc=3
fi
{
  echo "## Tests (exit status $rc)"
  echo
  echo '```'
  grep -E "tests (successful|failed|aborted|skipped|found)|containers failed" "$OUT/tests.log"
  grep -m1 -E "no CUDA device" "$OUT/tests.log" || true
  grep -E "\[X\]|MethodSource|=> " "$OUT/tests.log" | head -40 || true
  echo '```'
  echo
} >> "$report"

if [[ "${RR_SKIP_BENCH:-}" != "1" ]]; then
  echo "== CudaKernelBench"
  "$JAVA" "${FLAGS[@]}" -cp "$CP" dev.reasoningrouter.engine.kernels.cuda.CudaKernelBench \
    --gib "${RR_BENCH_GIB:-4}" --out "$OUT/bench.md" 2>&1 | tee "$OUT/bench.log"
  brc=${PIPESTATUS[0]}
  if [[ -f "$OUT/bench.md" ]]; then cat "$OUT/bench.md" >> "$report"; else { echo "## Bench (exit status $brc)"; echo; echo '```'; tail -20 "$OUT/bench.log"; echo '```'; } >> "$report"; fi
fi
if [[ "${RR_SKIP_ENGINE_BENCH:-}" != "1" ]]; then
  echo "== EngineCli bench --backend cuda"
  preset="${RR_ENGINE_PRESET:-1b}"
  tmp="$(mktemp -d)"
  model="$tmp/synthetic-$preset-q8_0.gguf"
  {
    t0=$(date +%s)
    "$JAVA" "${FLAGS[@]}" -cp "$CP" dev.reasoningrouter.engine.cli.EngineCli synth --out "$model" --format gguf --type q8_0 \
      --preset "$preset" --seed 1 &&
    echo "synth took $(( $(date +%s) - t0 )) s" &&
    "$JAVA" "${FLAGS[@]}" -cp "$CP" dev.reasoningrouter.engine.cli.EngineCli bench "$model" --backend cuda \
      --prompt-tokens 64 --decode-tokens 32 --repeat 3
  } > "$OUT/engine-bench.log" 2>&1
  erc=$?
  if [[ $erc -eq 0 && "${RR_SKIP_SERVING_BENCH:-}" != "1" ]]; then
    # 4. the path services' serving core on the GPU: continuous batching at 1/8/32 concurrent requests, the adaptive
    #    batch limit with nvidia-smi's power and temperature, and tokens per joule
    echo "== ServingBench --backend cuda"
    "$JAVA" "${FLAGS[@]}" -cp "$CP" dev.reasoningrouter.pathserving.bench.ServingBench "$model" --backend cuda \
      --concurrency 1,8,32 --max-batch 32 --requests 64 --max-tokens 64 > "$OUT/serving-bench.log" 2>&1
    src=$?
    cat "$OUT/serving-bench.log"
    {
      echo "## Serving core on CUDA: ServingBench, synthetic $preset Q8_0 (exit status $src)"
      echo
      echo '```'
      grep -vE "^WARNING|^SLF4J|INFO" "$OUT/serving-bench.log" | tail -12
      echo '```'
      echo
    } >> "$report"
  fi
  rm -rf "$tmp"
  cat "$OUT/engine-bench.log"
  {
    echo "## Engine bench on CUDA: synthetic $preset Q8_0, EngineCli bench --backend cuda (exit status $erc)"
    echo
    echo '```'
    grep -vE "^WARNING|^SLF4J" "$OUT/engine-bench.log" | tail -25
    echo '```'
    echo
  } >> "$report"
  if [[ $rc -eq 0 && $erc -ne 0 ]]; then rc=4; fi
fi
echo
echo "report: $report"
exit $rc
