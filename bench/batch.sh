#!/usr/bin/env bash
# Whole-process benchmark of `livegate batch --summary` beside its peers, in
# one run on the same generated input (see BENCHMARKS.md):
#   - livegate batch --summary, single thread (-j 1) and all cores (-j $(nproc));
#   - the floor: the same batch machinery with serde_json parsing each line
#     and writing a summary-like record, no evaluation (crates/batch/examples/floor.rs),
#     single thread and all cores;
#   - the Rego peer (bench/peers/rego/livegate.rego) with regorus' interpreter, one thread;
#   - the ZEN peer (bench/peers/zen, a GoRules decision graph) with zen-engine, one thread;
#   - peak memory (max RSS, /usr/bin/time -v) of batch --summary for 100k and 1M profiles.
# The peers are slow, so they run on the first PEER_COUNT profiles; every
# figure is profiles per second, and the ratios are what to read.
#
# Usage: bench/batch.sh [COUNT]   (default 1,000,000; PEER_COUNT default 20,000)
# Needs: cargo, /usr/bin/time. Builds the ZEN peer (a separate workspace,
# about 450 crates, several minutes the first time) into $ZEN_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-1000000}
PEER_COUNT=${PEER_COUNT:-20000}
SEED=${SEED:-1}
TARGET=${CARGO_TARGET_DIR:-target}
ZEN_TARGET_DIR=${ZEN_TARGET_DIR:-$TARGET/zen}
DATA=${DATA:-$TARGET/bench-data}
CORES=$(nproc)
mkdir -p "$DATA"

echo "== building (release)" >&2
cargo build --release --quiet -p livegate -p livegate-batch --bins --examples
CARGO_TARGET_DIR=$ZEN_TARGET_DIR cargo build --release --quiet --manifest-path bench/peers/zen/Cargo.toml
bin=$TARGET/release/livegate
floor=$TARGET/release/examples/floor
rego=$TARGET/release/examples/rego_peer
zen=$ZEN_TARGET_DIR/release/livegate-zen-peer

echo "== generating $COUNT profiles (seed $SEED)" >&2
all=$DATA/profiles-$COUNT-$SEED.jsonl
[ -s "$all" ] || "$bin" gen --count "$COUNT" --seed "$SEED" > "$all"
peers=$DATA/profiles-$PEER_COUNT-$SEED.jsonl
head -n "$PEER_COUNT" "$all" > "$peers"
k100=$DATA/profiles-100000-$SEED.jsonl
head -n 100000 "$all" > "$k100"

# Runs a command on a file, prints "profiles/s" from the wall time.
rate() { # label count cmd...
  local label=$1 n=$2; shift 2
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  t1=$(date +%s.%N)
  awk -v l="$label" -v n="$n" -v a="$t0" -v b="$t1" \
    'BEGIN { s = b - a; printf "%s\t%d\t%.3f\t%.0f\n", l, n, s, n / s }'
}

echo "== throughput (whole process, wall time)" >&2
{
  printf 'run\tprofiles\tseconds\tprofiles/s\n'
  rate "floor -j 1" "$COUNT" "$floor" "$all" --jobs 1
  rate "floor -j $CORES" "$COUNT" "$floor" "$all" --jobs "$CORES"
  rate "livegate batch --summary -j 1" "$COUNT" "$bin" batch "$all" --summary -q -j 1
  rate "livegate batch --summary -j $CORES" "$COUNT" "$bin" batch "$all" --summary -q -j "$CORES"
  rate "livegate batch --summary -j 1 (peer input)" "$PEER_COUNT" "$bin" batch "$peers" --summary -q -j 1
  rate "regorus (Rego peer) 1 thread" "$PEER_COUNT" "$rego" "$peers"
  rate "zen-engine (ZEN peer) 1 thread" "$PEER_COUNT" "$zen" "$peers"
} | tee "$DATA/throughput.tsv" | column -t -s $'\t'

echo "== agreement of the peers with livegate on the peer input (verdicts)" >&2
"$bin" batch "$peers" --summary -q -j 1 | sed -E 's/.*"verdict":"([a-z_]+)".*/\1/' > "$DATA/v-livegate.txt"
"$rego" "$peers" 2>/dev/null | sed -E 's/.*"verdict": ?"([a-z_]+)".*/\1/' > "$DATA/v-rego.txt"
"$zen" "$peers" 2>/dev/null | sed -E 's/.*"verdict": ?"([a-z_]+)".*/\1/' > "$DATA/v-zen.txt"
for p in rego zen; do
  d=$(paste -d' ' "$DATA/v-livegate.txt" "$DATA/v-$p.txt" | awk '$1 != $2' | wc -l)
  echo "$p: $d of $PEER_COUNT verdicts differ from livegate's"
done

echo "== peak memory (max RSS) of livegate batch --summary -j $CORES" >&2
for f in "$k100" "$all"; do
  n=$(wc -l < "$f")
  rss=$(/usr/bin/time -v "$bin" batch "$f" --summary -q -j "$CORES" 2>&1 >/dev/null \
    | awk -F': ' '/Maximum resident set size/ { print $2 }')
  echo "$n profiles: max RSS $((rss / 1024)) MiB ($rss KiB)"
done
