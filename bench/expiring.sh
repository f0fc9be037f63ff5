#!/usr/bin/env bash
# The expiry watch at portfolio size: `GET /v1/expiring` pages on the
# embedded SQLite with N applicants of 0–3 documents each (validity spread
# over two years around today), loaded straight into the database a
# `livegate admin` command created. Prints the time of the first page and
# of pages followed by cursor (p50/p99 of curl's total time), for one
# binary; run it for two builds side by side to compare.
#
#   bench/expiring.sh                      # N=20000, release build of this tree
#   LIVEGATE_BIN=/path/to/old N=20000 bench/expiring.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20000}
REPEAT=${REPEAT:-30}
PORT=${PORT:-18182}
if [ -z "${LIVEGATE_BIN:-}" ]; then
  cargo build --release --quiet -p livegate
fi
BIN="${LIVEGATE_BIN:-${CARGO_TARGET_DIR:-target}/release/livegate}"
DATA=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$DATA"' EXIT

TENANT=$("$BIN" admin create-tenant bench --data-dir "$DATA" | tail -n1)
TOKEN=$("$BIN" admin create-token --tenant bench --role viewer --data-dir "$DATA" 2>/dev/null | tail -n1)
python3 - "$DATA/livegate.db" "$TENANT" "$N" <<'PY'
import datetime, json, random, sqlite3, sys
db, tenant, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(7)
today = datetime.date.today()
kinds = ["business_license", "telecom_value_added_license", "audiovisual_program_license",
         "platform_service_agreement", "internet_culture_license"]
con = sqlite3.connect(db)
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
apps, docs = [], []
for i in range(n):
    app = f"app_{i:026d}"
    profile = {"subject": {"type": "enterprise", "name": f"示例商户{i}"}}
    apps.append((app, tenant, f"wx{i:016x}", f"商户{i}", json.dumps(profile, ensure_ascii=False), 1, now, now))
    for j in range(rnd.randint(0, 3)):
        until = (today + datetime.timedelta(days=rnd.randint(-365, 365))).isoformat()
        kind = rnd.choice(kinds)
        body = json.dumps({"kind": kind, "valid_until": until})
        docs.append((f"doc_{i:020d}{j:06d}", tenant, app, kind, until, body, 1, now, now))
con.executemany("INSERT INTO applicants (id, tenant_id, appid, name, profile, version, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", apps)
con.executemany("INSERT INTO documents (id, tenant_id, applicant_id, kind, valid_until, body, version, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", docs)
con.commit()
print(f"{len(apps)} applicants, {len(docs)} documents", file=sys.stderr)
PY

"$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$DATA" --log-level warn \
  --rate-limit 10000000 --rate-burst 10000000 >/dev/null &
SERVER=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

URL="http://127.0.0.1:$PORT/v1/expiring"
AUTH="Authorization: Bearer $TOKEN"
# "p50 p99" in milliseconds of curl's total time, from one time a line.
stats() { sort -n | awk '{a[NR]=$1} END {printf "%.1f %.1f\n", a[int(NR*0.5+0.5)]*1000, a[int(NR*0.99+0.5)]*1000}'; }

# The first page of each window, REPEAT times.
for within in 30d 90d; do
  for _ in $(seq "$REPEAT"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$URL?within=$within&limit=50"
  done | stats | { read -r p50 p99; echo "expiring within=$within limit=50, first page: p50 ${p50} ms, p99 ${p99} ms"; }
done
# Twenty pages in, following the cursor, then that page REPEAT times.
cursor=
for _ in $(seq 20); do
  next=$(curl -s -H "$AUTH" "$URL?within=90d&limit=50${cursor:+&cursor=$cursor}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin).get("next_cursor") or "")')
  [ -n "$next" ] || break
  cursor=$next
done
for _ in $(seq "$REPEAT"); do
  curl -s -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$URL?within=90d&limit=50&cursor=$cursor"
done | stats | { read -r p50 p99; echo "expiring within=90d limit=50, page 21: p50 ${p50} ms, p99 ${p99} ms"; }
