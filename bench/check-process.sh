#!/usr/bin/env bash
# Whole-process timing of `livegate check`, beside `livegate --version` as the
# baseline (process start and exit alone). Needs hyperfine (apt-get install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=./target/release/livegate
hyperfine -N -i --warmup 10 --runs 200 \
  "$bin --version" \
  "$bin check examples/ecommerce-needs-documents.json" \
  "$bin check examples/government.json --format json" \
  "$bin rules show"
