#!/usr/bin/env bash
# Structure-aware fuzzing of every parser of outside input, for a set time:
# the property tests of crates/batch/tests/parsers_never_panic.rs (profile
# text, profile-shaped JSON, batch lines as JSON Lines and CSV, ruleset TOML
# with a line changed), run again and again with fresh random seeds and many
# cases each, until DURATION seconds have passed. A failure stops it and
# proptest prints the smallest input that fails; keep it as a regression
# case in that file.
#
#   DURATION=600 CASES=20000 bench/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-300}
CASES=${CASES:-10000}
cargo test --release --quiet -p livegate-batch --test parsers_never_panic --no-run
end=$((SECONDS + DURATION))
rounds=0
while [ "$SECONDS" -lt "$end" ]; do
  PROPTEST_CASES=$CASES cargo test --release --quiet -p livegate-batch --test parsers_never_panic >/dev/null
  rounds=$((rounds + 1))
done
echo "$rounds rounds of $CASES cases for each of 4 targets in ${DURATION}s: no failure"
