#!/usr/bin/env bash
# Time to first byte of the console's pages beside GET /healthz on the same
# server, with curl's own timer (time_starttransfer) over loopback, N
# sequential requests a page. The applicant page is measured with 50
# documents and 100 evaluations, as a provider's busiest merchant has.
#
#   bench/console-ttfb.sh          # N=300
#
# Bounded: N requests a page, against 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-300}
PORT=${PORT:-18182}
if [ -z "${LIVEGATE_BIN:-}" ]; then
  cargo build --release --quiet -p livegate
fi
BIN="${LIVEGATE_BIN:-${CARGO_TARGET_DIR:-target}/release/livegate}"
DATA=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$DATA"' EXIT
U="http://127.0.0.1:$PORT"

"$BIN" admin create-tenant bench --data-dir "$DATA" >/dev/null
TOKEN=$("$BIN" admin create-token --tenant bench --role editor --data-dir "$DATA" 2>/dev/null)
"$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$DATA" --log-level warn \
  --rate-limit 10000000 --rate-burst 10000000 >/dev/null &
SERVER=$!
for _ in $(seq 50); do curl -sf "$U/healthz" >/dev/null && break; sleep 0.1; done

H="Authorization: Bearer $TOKEN"; J="Content-Type: application/json"
APP=$(curl -sf -H "$H" -H "$J" "$U/v1/applicants" -d '{"appid": "wx0123456789abcdef", "name": "示例商城",
  "subject": {"type": "enterprise", "name": "深圳市示例科技有限公司"},
  "categories": [{"first": "电商平台", "second": "电商平台", "status": "pending"}],
  "scenarios": ["ecommerce_selling"], "multi_merchant": true}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
KINDS=(platform_service_agreement merchant_admission_rules dispute_resolution_mechanism business_license network_security_measures)
for i in $(seq 50); do
  kind=${KINDS[$((i % 5))]}
  curl -sf -o /dev/null -H "$H" -H "$J" "$U/v1/applicants/$APP/documents" \
    -d "{\"kind\": \"$kind\", \"holder\": \"深圳市示例科技有限公司\", \"valid_until\": \"2027-0$((i % 9 + 1))-1$((i % 9))\"}"
done
for _ in $(seq 100); do curl -sf -o /dev/null -H "$H" -X POST "$U/v1/applicants/$APP/evaluate"; done

# A console session, through the sign-in form.
JAR="$DATA/jar"
CSRF=$(curl -sf -c "$JAR" "$U/signin" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"//')
curl -sf -o /dev/null -b "$JAR" -c "$JAR" -d "csrf=$CSRF&token=$TOKEN" "$U/signin"
COOKIE="lg_session=$(awk '$6 == "lg_session" {print $7}' "$JAR")"

# p50 and p99 of time to first byte, in ms.
ttfb() {
  local f="$DATA/t"
  : >"$f"
  for _ in $(seq "$N"); do
    curl -s -o /dev/null -H "Cookie: $COOKIE" -w '%{time_starttransfer}\n' "$1" >>"$f"
  done
  sort -n "$f" | awk -v n="$N" '{ v[NR] = $1 * 1000 } END {
    p50 = v[int(n * 0.50)]; p99 = v[int(n * 0.99)]; printf "%.2f %.2f\n", p50, p99 }'
}

QUERY="subject=enterprise&subject_name=%E7%A4%BA%E4%BE%8B&c.ecommerce_platform=approved&scenario=ecommerce_selling&multi_merchant=yes&d.telecom_value_added_license=on&d.telecom_value_added_license.service_items=online_data_processing&d.platform_service_agreement=on&d.merchant_admission_rules=on&d.dispute_resolution_mechanism=on"
for _ in $(seq 20); do curl -s -o /dev/null "$U/?$QUERY"; curl -s -o /dev/null -H "Cookie: $COOKIE" "$U/applicants/$APP"; done

echo "| page | p50 TTFB (ms) | p99 TTFB (ms) | p99 ratio to healthz |"
echo "|---|---|---|---|"
read -r h50 h99 < <(ttfb "$U/healthz")
echo "| \`GET /healthz\` (floor) | $h50 | $h99 | 1.0 |"
for page in "/" "/?$QUERY" "/applicants/$APP" "/applicants" "/dashboard" "/rules"; do
  read -r p50 p99 < <(ttfb "$U$page")
  label="$page"
  case "$page" in
    "/?"*) label="/?… (wizard with a result: the live update's round trip)" ;;
    "/applicants/$APP") label="/applicants/{id} (50 documents, 100 evaluations)" ;;
  esac
  ratio=$(awk -v a="$p99" -v b="$h99" 'BEGIN {printf "%.1f", a / b}')
  echo "| \`$label\` | $p50 | $p99 | $ratio |"
done
echo
echo "curl time_starttransfer, $N sequential requests a page; $(nproc) cores; $(date -u +%F)"
