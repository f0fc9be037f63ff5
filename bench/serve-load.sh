#!/usr/bin/env bash
# Load benchmark of `livegate serve`: POST /v1/evaluate beside GET /healthz
# (the ceiling: routing, the edge middleware and HTTP alone) on the same
# server, with wrk against 127.0.0.1 only. Bounded: DURATION seconds a run.
#
#   bench/serve-load.sh            # DURATION=15 CONNECTIONS=32 THREADS=1
#
# The server and wrk share this machine's cores; the per-token rate limit is
# on, set high enough not to refuse, so its cost is in the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
PORT=${PORT:-18181}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

# LIVEGATE_BIN measures another build (such as one with another allocator).
if [ -z "${LIVEGATE_BIN:-}" ]; then
  cargo build --release --quiet -p livegate
fi
BIN="${LIVEGATE_BIN:-${CARGO_TARGET_DIR:-target}/release/livegate}"
DATA=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$DATA"' EXIT

"$BIN" admin create-tenant bench --data-dir "$DATA" >/dev/null
TOKEN=$("$BIN" admin create-token --tenant bench --role viewer --data-dir "$DATA" 2>/dev/null)
"$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$DATA" --log-level warn \
  --rate-limit 10000000 --rate-burst 10000000 >/dev/null &
SERVER=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

LUA="$DATA/evaluate.lua"
cat >"$LUA" <<LUAEOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
local f = io.open("$PWD/examples/ecommerce-needs-documents.json")
wrk.body = f:read("*a")
f:close()
LUAEOF

# One run: prints "requests/s p50 p99 non2xx".
run() {
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@")
  echo "$out" >&2
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "$rps $p50 $p99 ${bad:-0}"
}

# Warm up both routes briefly, then measure.
wrk -t1 -c4 -d2s "http://127.0.0.1:$PORT/healthz" >/dev/null
wrk -t1 -c4 -d2s -s "$LUA" "http://127.0.0.1:$PORT/v1/evaluate" >/dev/null
read -r h_rps h_p50 h_p99 h_bad < <(run "http://127.0.0.1:$PORT/healthz")
read -r e_rps e_p50 e_p99 e_bad < <(run -s "$LUA" "http://127.0.0.1:$PORT/v1/evaluate")

echo
echo "| route | requests/s | p50 | p99 | non-2xx | throughput ratio to healthz |"
echo "|---|---|---|---|---|---|"
echo "| \`GET /healthz\` (ceiling) | $h_rps | $h_p50 | $h_p99 | $h_bad | 1.00 |"
ratio=$(awk -v a="$e_rps" -v b="$h_rps" 'BEGIN {printf "%.2f", a / b}')
echo "| \`POST /v1/evaluate\` | $e_rps | $e_p50 | $e_p99 | $e_bad | $ratio |"
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s; $(nproc) cores; $(date -u +%F)"
