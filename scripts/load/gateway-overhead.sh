#!/usr/bin/env bash
# The gateway's overhead over calling the fast path directly (docs/benchmarks.md), with ChatLoad's overhead mode:
# the same routine prompt sent straight to the fast path, through the gateway as model "fast" (gateway only) and as
# model "auto" (gateway + classifier; escalation off so that the fast path answers), plain JSON, max_tokens 1.
#   ./rr up                                   # a running stack; the ports default to ./rr's
#   bash scripts/load/gateway-overhead.sh [concurrency=1,4] [requests-per-round=100] [rounds=5]
# Environment: RR_GATEWAY_PORT (8080), RR_FAST_PATH_PORT (8082), RR_API_KEY (default: the run folder's dev-api-key), RR_RUN_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
KEY="${RR_API_KEY:-$(cat "${RR_RUN_DIR:-$ROOT/run}/dev-api-key")}"
exec "$JAVA" "$ROOT/scripts/load/ChatLoad.java" --url "http://127.0.0.1:${RR_GATEWAY_PORT:-8080}" \
  --overhead "http://127.0.0.1:${RR_FAST_PATH_PORT:-8082}" --model auto,fast --api-key "$KEY" \
  --extra '"rr":{"escalate":false}' --no-stream --max-tokens 1 --warmup 40 \
  --concurrency "${1:-1,4}" --requests "${2:-100}" --rounds "${3:-5}" --prompt "What is the capital of France?"
