#!/usr/bin/env bash
# Produce and fetch throughput with the metrics endpoint on against off (docs/performance.md,
# "Metrics on against off"). Each round starts a fresh broker (port 0, its own data, run and log
# directories), once with metrics.port=0 and once without, in alternating order, and runs
#   bin/sluice perf produce (acks=1, 1 KiB records) then bin/sluice perf fetch (3 passes)
# against it; while metrics are on, Prometheus' text endpoint is scraped every second, as a
# Prometheus server would (more often than its usual 15 s).
#   bench/metrics_overhead.sh [rounds=5] [records=300000]
# Prints one line per run (mode, produce MB/s, fetch MB/s) and the medians (python3 for the summary).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${1:-5}
records=${2:-300000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=$work/results.txt

run_one() {
  local mode=$1 round=$2
  local dir=$work/$mode-$round
  mkdir -p "$dir"
  local -a overrides=(--override "listeners=PLAINTEXT://127.0.0.1:0" --override "log.dirs=$dir/data")
  [ "$mode" = on ] && overrides+=(--override "metrics.port=0")
  local line
  line=$(SLUICE_RUN_DIR=$dir/run SLUICE_LOG_DIR=$dir/logs SLUICE_CDS=false \
    "$here/bin/sluice-broker" start "${overrides[@]}")
  local address=${line#Sluice broker listening on }
  address=${address%%,*}
  local scraper=""
  if [ "$mode" = on ]; then
    local port
    port=$(grep -o 'readiness on http://[^/]*/' "$dir/logs/sluice-broker.log" | head -1 | sed 's#.*:\([0-9]*\)/#\1#')
    ( while exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; do
        printf 'GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3; cat <&3 >/dev/null; exec 3<&-; sleep 1
      done ) &
    scraper=$!
  fi
  local produce fetch
  produce=$("$here/bin/sluice" perf produce --bootstrap-server "$address" --topic perf \
    --num-records "$records" --record-size 1024 --acks 1 --json 2>/dev/null)
  fetch=$("$here/bin/sluice" perf fetch --bootstrap-server "$address" --topic perf \
    --num-records "$records" --passes 3 --json 2>/dev/null)
  [ -n "$scraper" ] && kill "$scraper" 2>/dev/null || true
  SLUICE_RUN_DIR=$dir/run SLUICE_LOG_DIR=$dir/logs "$here/bin/sluice-broker" stop >/dev/null
  python3 - "$mode" "$produce" "$fetch" >> "$results" <<'PY'
import json, sys
mode, produce, fetch = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(mode, produce["mbPerSec"], fetch["mbPerSec"])
PY
  tail -1 "$results"
}

for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then run_one off "$round"; run_one on "$round"
  else run_one on "$round"; run_one off "$round"; fi
done
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for what, col in (("produce MB/s", 1), ("fetch MB/s", 2)):
    off = sorted(float(r[col]) for r in rows if r[0] == "off")
    on = sorted(float(r[col]) for r in rows if r[0] == "on")
    mo, mn = statistics.median(off), statistics.median(on)
    print(f"{what}: off median {mo:.1f} (range {off[0]:.1f}-{off[-1]:.1f}), "
          f"on median {mn:.1f} (range {on[0]:.1f}-{on[-1]:.1f}), on/off {mn / mo:.3f}")
PY
