#!/usr/bin/env bash
# The API against its own OpenAPI document: schemathesis (from PyPI) runs
# every check it has against a live livegate on a fresh embedded database,
# and fails on a server error, an undocumented status code, a rejected
# schema-valid request or an accepted schema-invalid one.
#
#   e2e/api/run.sh                      # the debug build
#   LIVEGATE_BIN=target/release/livegate EXAMPLES=200 e2e/api/run.sh
#
# Bounded: EXAMPLES cases per operation and phase (default 25), a fixed
# SEED so a failure replays, and at most LIMIT seconds (default 600).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(realpath "${LIVEGATE_BIN:-$here/../../target/debug/livegate}")"
examples="${EXAMPLES:-25}"
seed="${SEED:-20261204}"
limit="${LIMIT:-600}"

dir="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

"$bin" admin create-tenant acme --data-dir "$dir/data" >/dev/null
token="$("$bin" admin create-token --tenant acme --role admin --data-dir "$dir/data" 2>/dev/null | head -n1)"

# Rate limits off: schemathesis sends thousands of requests, bad tokens
# among them on purpose.
LIVEGATE_RATE_LIMIT=0 LIVEGATE_AUTH_FAILURE_BURST=0 "$bin" serve --data-dir "$dir/data" --listen 127.0.0.1:0 \
  >"$dir/serve.out" 2>"$dir/serve.log" &
pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^listening on //p' "$dir/serve.out")"
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "livegate did not start:" >&2
  cat "$dir/serve.log" >&2
  exit 1
fi

# One applicant with a document, so reads of existing ids are tried too.
app="$(curl -fsS -X POST "$url/v1/applicants" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' \
  -d '{"appid":"wx00000000000000a1","subject":{"type":"enterprise","name":"示例科技有限公司"}}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
curl -fsS -o /dev/null -X POST "$url/v1/applicants/$app/documents" \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"kind":"business_license","valid_until":"2030-01-01"}'

# Run from the temporary directory, so schemathesis's caches go with it and
# every run starts afresh (the seed alone decides it).
cd "$dir"
st() {
  PYTHONPATH="$here" SCHEMATHESIS_HOOKS=hooks timeout "$limit" \
    schemathesis --config-file "$here/schemathesis.toml" run "$url/openapi.json" \
    -H "Authorization: Bearer $token" \
    --checks all --max-examples "$examples" --seed "$seed" --workers 1 \
    --no-color "$@"
}
status=0
# Revoking a token is tried last and alone, on generated ids only: the
# stateful phase would revoke the very token the run authenticates with.
st --exclude-operation-id revoke_token || status=$?
st --include-operation-id revoke_token --phases coverage,fuzzing || status=$?
if [ "$status" -ne 0 ]; then
  echo "schemathesis found problems (exit $status); the server's log:" >&2
  tail -n 50 "$dir/serve.log" >&2
fi
exit "$status"
