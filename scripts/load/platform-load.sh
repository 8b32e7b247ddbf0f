#!/usr/bin/env bash
# The platform under load (docs/benchmarks.md, "Platform load"): closed-loop clients at fixed concurrency levels send
# held-out task questions through the gateway (ChatLoad, plain JSON, so that `auto` escalates as it does for clients),
# and each service's memory is read while they run: peak resident set (VmRSS from /proc/PID/status, PIDs from the run
# folder) and, after each level, the JVM heap in use (actuator: jvm.memory.used, area=heap).
#   ./rr up                                   # a running stack; ports and run folder as ./rr's (RR_* variables)
#   bash scripts/load/platform-load.sh [concurrency=1,4,8] [requests-per-level=32] [model=auto] [out-dir=run/load]
# Environment: RR_GATEWAY_PORT, RR_{CLASSIFIER,FAST_PATH,REASONING_PATH}_PORT, RR_RUN_DIR, RR_API_KEY (default: the run
# folder's dev-api-key), JAVA_HOME (a JDK 25; default /usr/lib/jvm/temurin-25-jdk-amd64), LOAD_MAX_TOKENS (512),
# LOAD_WARMUP (4 requests per level, not counted), LOAD_SEED (11: the held-out set's seed; the report uses 7).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
RUN_DIR="${RR_RUN_DIR:-$ROOT/run}"
LEVELS="${1:-1,4,8}"
REQUESTS="${2:-32}"
MODEL="${3:-auto}"
OUT="${4:-$RUN_DIR/load}"
KEY="${RR_API_KEY:-$(cat "$RUN_DIR/dev-api-key")}"
GW="http://127.0.0.1:${RR_GATEWAY_PORT:-8080}"
declare -A PORTS=([gateway]="${RR_GATEWAY_PORT:-8080}" [classifier]="${RR_CLASSIFIER_PORT:-8081}"
                  [fast-path]="${RR_FAST_PATH_PORT:-8082}" [reasoning-path]="${RR_REASONING_PATH_PORT:-8083}")
SERVICES=(gateway classifier fast-path reasoning-path kafka)
mkdir -p "$OUT"

pid_of() { # service -> pid from the run folder
  local f="$RUN_DIR/pids/$1.pid"; [[ "$1" == kafka ]] && f="$RUN_DIR/kafka/broker.pid"
  [[ -f "$f" ]] && cat "$f"
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
heap_bytes() { # service -> heap in use (bytes) from the actuator, or empty
  curl -fsS --max-time 5 "http://127.0.0.1:${PORTS[$1]}/actuator/metrics/jvm.memory.used?tag=area:heap" 2>/dev/null \
    | /usr/bin/python3 -c 'import json,sys; print(int(json.load(sys.stdin)["measurements"][0]["value"]))' 2>/dev/null || echo -
}

for s in "${SERVICES[@]}"; do
  pid="$(pid_of "$s" || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || { echo "platform-load: $s is not running (no live PID in $RUN_DIR); ./rr up first" >&2; exit 2; }
done

# the prompts: held-out questions (every kind and level), one per line
"$ROOT/rr" train heldout --seed "${LOAD_SEED:-11}" --per-cell 2 --out "$OUT/heldout.jsonl" >/dev/null
/usr/bin/python3 -c 'import json,sys; [print(json.loads(l)["question"]) for l in open(sys.argv[1]) if l.strip()]' \
  "$OUT/heldout.jsonl" > "$OUT/prompts.txt"

{
  echo "# platform-load $(date -u +%FT%TZ): levels $LEVELS, $REQUESTS requests per level, model $MODEL, max_tokens ${LOAD_MAX_TOKENS:-512}"
  echo "# nproc $(nproc); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/summary.txt"

IFS=, read -r -a levels <<< "$LEVELS"
for c in "${levels[@]}"; do
  peak="$OUT/rss-peak-c$c.txt"; : > "$peak"
  load="$OUT/loadavg-c$c.txt"; : > "$load"
  (  # sample RSS every second while the level runs
    declare -A max=()
    while true; do
      for s in "${SERVICES[@]}"; do
        v="$(rss_kib "$(pid_of "$s" || true)")"; (( v > ${max[$s]:-0} )) && max[$s]=$v
      done
      for s in "${SERVICES[@]}"; do echo "$s ${max[$s]:-0}"; done > "$peak.tmp" && mv "$peak.tmp" "$peak"
      cut -d' ' -f1 /proc/loadavg >> "$load"
      sleep 1
    done
  ) &
  sampler=$!
  "$JAVA" "$ROOT/scripts/load/ChatLoad.java" --url "$GW" --api-key "$KEY" --model "$MODEL" --no-stream \
    --max-tokens "${LOAD_MAX_TOKENS:-512}" --temperature 0 --warmup "${LOAD_WARMUP:-4}" --concurrency "$c" \
    --requests "$REQUESTS" --prompts "$OUT/prompts.txt" --json "$OUT/chatload-c$c.json" | tee -a "$OUT/summary.txt"
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  for s in gateway classifier fast-path reasoning-path; do heap_bytes "$s"; done | paste -sd' ' > "$OUT/heap-c$c.txt"
done

# one Markdown table: throughput, latency, errors, and each service's peak RSS / heap in use after the level
/usr/bin/python3 - "$OUT" "$LEVELS" <<'PY' | tee "$OUT/table.md"
import json, sys
out, levels = sys.argv[1], sys.argv[2].split(",")
svcs = ["gateway", "classifier", "fast-path", "reasoning-path", "kafka"]
print("| concurrency | requests | errors | req/s | completion tok/s | p50 s | p99 s | load avg (1 min) | "
      + " | ".join(f"{s} RSS MiB" + ("" if s == "kafka" else " (heap)") for s in svcs) + " |")
print("|---" * (8 + len(svcs)) + "|")
for c in levels:
    j = json.load(open(f"{out}/chatload-c{c}.json"))["levels"][0]
    rss = dict(l.split() for l in open(f"{out}/rss-peak-c{c}.txt") if l.strip())
    heap = open(f"{out}/heap-c{c}.txt").read().split()
    loads = [float(x) for x in open(f"{out}/loadavg-c{c}.txt").read().split()]
    cells = []
    for i, s in enumerate(svcs):
        r = f"{int(rss.get(s, 0)) / 1024:.0f}"
        if s != "kafka":
            r += f" ({int(heap[i]) / 2**20:.0f})" if i < len(heap) and heap[i].isdigit() else " (–)"
        cells.append(r)
    reqs, ok = j["requests"], j["ok"]
    print(f"| {c} | {reqs} | {reqs - ok} ({100 * (reqs - ok) / reqs:.0f} %) | {ok / j['seconds']:.2f} | {j['tokens_per_second']:.1f} | "
          f"{j['latency_ms']['p50'] / 1000:.2f} | {j['latency_ms']['p99'] / 1000:.2f} | "
          f"{min(loads):.1f}–{max(loads):.1f} | " + " | ".join(cells) + " |")
PY
echo "platform-load: files in $OUT"
