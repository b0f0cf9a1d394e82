#!/usr/bin/env bash
# Produce and fetch throughput with a client quota configured-but-unlimited (every request's bytes
# recorded against a rate, never throttled) against no quota at all. Modeled on
# bench/metrics_overhead.sh (docs/quotas.md, "Cost").
#   bench/quota_overhead.sh [rounds=3] [records=200000]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${1:-3}
records=${2:-200000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=$work/results.txt
run_one() {
  local mode=$1 round=$2
  local dir=$work/$mode-$round
  mkdir -p "$dir/data"
  if [ "$mode" = quota ]; then
    printf '# q\nclient-id=<default> consumer_byte_rate=10000000000000 producer_byte_rate=10000000000000\n' > "$dir/data/client-quotas"
  fi
  local line
  line=$(SLUICE_RUN_DIR=$dir/run SLUICE_LOG_DIR=$dir/logs SLUICE_CDS=false \
    "$here/bin/sluice-broker" start --override "listeners=PLAINTEXT://127.0.0.1:0" --override "log.dirs=$dir/data")
  local address=${line#Sluice broker listening on }
  address=${address%%,*}
  local produce fetch
  produce=$("$here/bin/sluice" perf produce --bootstrap-server "$address" --topic perf \
    --num-records "$records" --record-size 1024 --acks 1 --json 2>/dev/null)
  fetch=$("$here/bin/sluice" perf fetch --bootstrap-server "$address" --topic perf \
    --num-records "$records" --passes 3 --json 2>/dev/null)
  SLUICE_RUN_DIR=$dir/run SLUICE_LOG_DIR=$dir/logs "$here/bin/sluice-broker" stop >/dev/null
  python3 - "$mode" "$produce" "$fetch" >> "$results" <<'PY'
import json, sys
mode, produce, fetch = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(mode, produce["mbPerSec"], fetch["mbPerSec"])
PY
  tail -1 "$results"
}
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then run_one none "$round"; run_one quota "$round"
  else run_one quota "$round"; run_one none "$round"; fi
done
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for what, col in (("produce MB/s", 1), ("fetch MB/s", 2)):
    off = sorted(float(r[col]) for r in rows if r[0] == "none")
    on = sorted(float(r[col]) for r in rows if r[0] == "quota")
    mo, mn = statistics.median(off), statistics.median(on)
    print(f"{what}: none median {mo:.1f} (range {off[0]:.1f}-{off[-1]:.1f}), "
          f"quota median {mn:.1f} (range {on[0]:.1f}-{on[-1]:.1f}), quota/none {mn / mo:.3f}")
PY
