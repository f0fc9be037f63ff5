#!/usr/bin/env bash
# Structure-aware fuzzing of every parser of outside input, for a set time:
# the property tests of crates/batch/tests/parsers_never_panic.rs (profile
# text, profile-shaped JSON, batch lines as JSON Lines and CSV, ruleset TOML
# with a line changed, WeChat's getcategory response) and
# crates/server/tests/uploads_never_panic.rs (scans
# put through the API, documents and batches posted to the console as
# multipart bodies, over real HTTP), run again and again with fresh random
# seeds and many cases each, until DURATION seconds have passed. A failure
# stops it and proptest prints the smallest input that fails; keep it as a
# regression case in that file.
#
#   DURATION=600 CASES=20000 bench/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-300}
CASES=${CASES:-10000}
targets=(
  "-p livegate-batch --test parsers_never_panic"
  "-p livegate-server --test uploads_never_panic"
)
# Built once; the loop runs the test binaries themselves, so editing the
# sources while it runs changes nothing under test.
bins=()
for t in "${targets[@]}"; do
  # shellcheck disable=SC2086
  exe=$(cargo test --release --quiet $t --no-run --message-format=json \
    | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n1)
  bins+=("$exe")
done
end=$((SECONDS + DURATION))
rounds=0
while [ "$SECONDS" -lt "$end" ]; do
  for b in "${bins[@]}"; do
    PROPTEST_CASES=$CASES "$b" --quiet >/dev/null
  done
  rounds=$((rounds + 1))
  echo "round $rounds passed at ${SECONDS}s" >&2
done
echo "$rounds rounds of $CASES cases for each of 6 targets in ${DURATION}s: no failure"
