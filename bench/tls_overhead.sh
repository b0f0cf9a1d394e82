#!/usr/bin/env bash
# Produce and consume throughput over TLS against plaintext, on one Sluice broker with both
# listeners (docs/performance.md, "TLS against plaintext"). The broker gets a self-signed EC
# certificate made here with keytool; each round runs, on each listener (alternating which goes
# first), bin/sluice perf produce (1 KiB records, acks=1) into a topic of its own, then
# bin/sluice perf consume of the same records. Plaintext fetches use sendfile; TLS fetches the copy
# path. Sluice's own client on both sides, so the client's TLS cost is in the figures too.
#   bench/tls_overhead.sh [rounds=3] [records=200000]
# Prints one line per run (listener, produce MB/s, consume MB/s), then medians and TLS/plaintext.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${1:-3}
records=${2:-200000}
work=$(mktemp -d)
export SLUICE_RUN_DIR=$work/run SLUICE_LOG_DIR=$work/logs SLUICE_CDS=false
cleanup() {
  "$here/bin/sluice-broker" stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
keytool=keytool
[ -n "${JAVA_HOME:-}" ] && keytool="$JAVA_HOME/bin/keytool"
"$keytool" -genkeypair -alias broker -dname CN=localhost -ext SAN=IP:127.0.0.1,DNS:localhost \
  -keyalg EC -groupname secp256r1 -validity 2 -keystore "$work/broker.p12" -storetype PKCS12 \
  -storepass bench-pass >/dev/null 2>&1
"$keytool" -exportcert -alias broker -rfc -file "$work/broker.pem" -keystore "$work/broker.p12" \
  -storepass bench-pass >/dev/null 2>&1
printf 'security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=%s\n' \
  "$work/broker.pem" > "$work/ssl.properties"

"$here/bin/sluice-broker" start \
  --override "listeners=PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0" \
  --override "log.dirs=$work/data" \
  --override "ssl.keystore.type=PKCS12" \
  --override "ssl.keystore.location=$work/broker.p12" \
  --override "ssl.keystore.password=bench-pass" >/dev/null
port_of() {
  grep -o "listening on /127.0.0.1:[0-9]* for listener $1 " "$work/logs/sluice-broker.log" \
    | head -1 | sed 's#.*:\([0-9]*\) for.*#\1#'
}
plain=127.0.0.1:$(port_of PLAINTEXT)
tls=127.0.0.1:$(port_of SSL)
results=$work/results.txt

run_one() {
  local mode=$1 round=$2 address=$3
  local -a security=()
  [ "$mode" = tls ] && security=(--command-config "$work/ssl.properties")
  local produce consume
  produce=$("$here/bin/sluice" perf produce -b "$address" "${security[@]}" --topic "$mode-$round" \
    --num-records "$records" --record-size 1024 --acks 1 --json 2>/dev/null)
  # A generous idle timeout: on a loaded machine the first fetch of a new JVM (TLS handshake, JSSE
  # class loading) took 6-13 s, beyond perf consume's default 10 s.
  consume=$("$here/bin/sluice" perf consume -b "$address" "${security[@]}" --topic "$mode-$round" \
    --num-records "$records" --idle-timeout-ms 60000 --json 2>/dev/null)
  python3 - "$mode" "$produce" "$consume" >> "$results" <<'PY'
import json, sys
mode, produce, consume = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(mode, produce["mbPerSec"], consume["mbPerSec"])
PY
  tail -1 "$results"
}

for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then run_one plain "$round" "$plain"; run_one tls "$round" "$tls"
  else run_one tls "$round" "$tls"; run_one plain "$round" "$plain"; fi
done
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for what, col in (("produce MB/s", 1), ("consume MB/s", 2)):
    plain = sorted(float(r[col]) for r in rows if r[0] == "plain")
    tls = sorted(float(r[col]) for r in rows if r[0] == "tls")
    mp, mt = statistics.median(plain), statistics.median(tls)
    print(f"{what}: plaintext median {mp:.1f} (range {plain[0]:.1f}-{plain[-1]:.1f}), "
          f"TLS median {mt:.1f} (range {tls[0]:.1f}-{tls[-1]:.1f}), TLS/plaintext {mt / mp:.2f}")
PY
