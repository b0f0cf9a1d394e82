#!/usr/bin/env python3
"""Before/after figures for one change: two Sluice checkouts, the same workload, interleaved.

    python3 bench/ab.py --before /path/to/main --after /path/to/patched --runs 5

Each round starts the "before" broker, then the "after" broker (the order alternates between
rounds so that neither always runs second on a warmer machine), and on each: an unmeasured warm-up,
then Kafka's producer tool writing --records 1 KiB records (acks as given), then one kafka-clients
consumer reading them back, with the broker's CPU seconds per GB and GC counted around each phase.
Optionally (--syscalls) strace counts the broker's system calls during the produce phase, which
shows changes such as fewer socket writes per request. Prints medians per side and the ratio.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import brokers, procstats, tools  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent


def log(message):
    print(message, flush=True)


def one_side(home, tmp, kafka, args, round_index, label):
    broker = brokers.SluiceBroker(home, tmp / label, lambda _m: None, java_opts=args.java_opts)
    figures = {}
    try:
        figures["ready_s"] = broker.start()
        broker.create_topic("warmup", 1)
        kafka.produce(broker.bootstrap, "warmup", args.warmup, 1024, args.acks)
        kafka.fan_out(broker.bootstrap, "warmup", 1, args.warmup, 1024)
        topic = "ab-%d" % round_index
        broker.create_topic(topic, args.partitions)
        tracer = None
        if args.syscalls:
            trace_file = tmp / ("strace-%s-%d.txt" % (label, round_index))
            tracer = procstats.start_syscall_count(broker.pid, trace_file)
            time.sleep(1)
        before = procstats.sample(broker.pid)
        produced = kafka.produce(broker.bootstrap, topic, args.records, 1024, args.acks)
        middle = procstats.sample(broker.pid)
        if tracer is not None:
            tracer.send_signal(2)
            tracer.wait()
            for name, calls in procstats.parse_strace_counts(trace_file.read_text()).items():
                figures["calls_%s_per_mb" % name] = calls / (args.records * 1024 / 1e6)
        consumed = kafka.fan_out(broker.bootstrap, topic, 1, args.records, 1024)
        after = procstats.sample(broker.pid)
        gigabytes = args.records * 1024 / 1e9
        figures.update({
            "produce_records_s": produced["records_s"],
            "produce_p99_ms": produced["lat_p99_ms"],
            "produce_cpu_s_per_gb": middle.minus(before).work_s / gigabytes,
            "produce_gcs": middle.minus(before).gc_count,
            "consume_records_s": consumed["records_s"],
            "consume_cpu_s_per_gb": after.minus(middle).work_s / gigabytes,
            "rss_after_mb": after.rss_mb,
        })
    finally:
        broker.stop()
        shutil.rmtree(tmp / label, ignore_errors=True)
    log("  %s round %d: %s" % (label, round_index, ", ".join(
        "%s=%.4g" % item for item in sorted(figures.items()))))
    return figures


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--before", required=True, help="Sluice checkout without the change")
    p.add_argument("--after", required=True, help="Sluice checkout with the change")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--records", type=int, default=500_000)
    p.add_argument("--warmup", type=int, default=200_000)
    p.add_argument("--acks", default="1")
    p.add_argument("--partitions", type=int, default=1)
    p.add_argument("--java-opts", default=None, help="SLUICE_JAVA_OPTS for both sides")
    p.add_argument("--syscalls", action="store_true", help="strace -c the produce phase")
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="sluice-ab-"))
    try:
        libs = tmp / "kafka-libs"
        subprocess.run(["mvn", "-B", "-q", "-f", str(BENCH_DIR / "kafka" / "pom.xml"),
                        "dependency:copy-dependencies", "-DoutputDirectory=%s" % libs],
                       check=True)
        kafka = tools.KafkaTools(libs, lambda _m: None)
        sides = {"before": Path(args.before).resolve(), "after": Path(args.after).resolve()}
        results = {"before": [], "after": []}
        for round_index in range(1, args.runs + 1):
            order = ["before", "after"] if round_index % 2 else ["after", "before"]
            for label in order:
                results[label].append(one_side(sides[label], tmp, kafka, args, round_index,
                                               label))
        keys = sorted({key for rows in results.values() for row in rows for key in row})
        log("\n| figure | before | after | after/before |\n|---|---:|---:|---:|")
        for key in keys:
            medians = [statistics.median([row[key] for row in results[side] if key in row])
                       if any(key in row for row in results[side]) else None
                       for side in ("before", "after")]
            ratio = ("%.2fx" % (medians[1] / medians[0])
                     if None not in medians and medians[0] else "n/a")
            log("| %s | %s | %s | %s |" % (key, *("%.4g" % m if m is not None else "n/a"
                                                   for m in medians), ratio))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
