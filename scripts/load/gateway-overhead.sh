#!/usr/bin/env bash
# Gateway overhead benchmark (docs/benchmarks.md): runs GatewayOverhead.java against a running stack.
#   ./rr up                                   # or any running stack; the ports below default to ./rr's
#   bash scripts/load/gateway-overhead.sh [concurrency] [requests-per-round] [rounds]
# Environment: RR_GATEWAY_PORT (8080), RR_FAST_PATH_PORT (8082), RR_API_KEY (default: run/dev-api-key), RR_RUN_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
KEY="${RR_API_KEY:-$(cat "${RR_RUN_DIR:-$ROOT/run}/dev-api-key")}"
exec "$JAVA" "$ROOT/scripts/load/GatewayOverhead.java" "http://127.0.0.1:${RR_GATEWAY_PORT:-8080}" \
  "http://127.0.0.1:${RR_FAST_PATH_PORT:-8082}" "$KEY" "${1:-4}" "${2:-200}" "${3:-5}"
