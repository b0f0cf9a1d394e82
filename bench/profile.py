#!/usr/bin/env python3
"""Profiles a broker's produce and fetch hot paths with JDK Flight Recorder. Standard library only.

    python3 bench/profile.py                       # Sluice, 1M x 1 KiB, acks=1
    python3 bench/profile.py --broker kafka        # the same load on Kafka, for comparison
    python3 bench/profile.py --override fetch.zerocopy=false

Starts the broker as bench/compare.py does, warms it up (--warmup records produced and consumed,
unrecorded), then records while Kafka's producer tool writes --records 1 KiB records (recording
"produce"), and while one kafka-clients consumer reads them all back (recording "consume").
With --syscalls, `strace -c` counts the broker's system calls per phase instead. Each recording is summarised into top frames (self and total), the
innermost Sluice frame and the threads; the summaries go to --out/profile-<broker>-<phase>.txt,
the .jfr files stay in --out for `jfr` or JDK Mission Control.
"""

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import brokers, jfr, procstats, tools  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent


def log(message):
    print(message, flush=True)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--broker", choices=("sluice", "kafka"), default="sluice")
    p.add_argument("--records", type=int, default=1_000_000)
    p.add_argument("--acks", default="1")
    p.add_argument("--warmup", type=int, default=300_000,
                   help="records produced and consumed first, unrecorded (JIT warm-up)")
    p.add_argument("--syscalls", action="store_true",
                   help="count system calls with strace instead of recording with JFR")
    p.add_argument("--override", action="append", default=[], help="Sluice key=value")
    p.add_argument("--sluice-home", default=str(REPO_DIR), help="Sluice checkout to profile")
    p.add_argument("--out", default=str(BENCH_DIR / "results" / "profiles"))
    p.add_argument("--top", type=int, default=15)
    args = p.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="sluice-profile-"))
    broker = None
    try:
        libs = tmp / "kafka-libs"
        subprocess.run(["mvn", "-B", "-q", "-f", str(BENCH_DIR / "kafka" / "pom.xml"),
                        "dependency:copy-dependencies", "-DoutputDirectory=%s" % libs],
                       check=True)
        kafka_tools = tools.KafkaTools(libs, log)
        if args.broker == "kafka":
            broker = brokers.KafkaBroker(libs, tmp, log)
            ready = broker.start()
        else:
            broker = brokers.SluiceBroker(Path(args.sluice_home).resolve(), tmp, log)
            ready = broker.start(overrides=args.override)
        log("%s ready in %.3f s, pid %d" % (broker.name, ready, broker.pid))
        settings = jfr.settings_file(tmp)
        if args.warmup > 0:
            broker.create_topic("warmup", 1)
            kafka_tools.produce(broker.bootstrap, "warmup", args.warmup, 1024, args.acks)
            kafka_tools.fan_out(broker.bootstrap, "warmup", 1, args.warmup, 1024)
        topic = "profile"
        broker.create_topic(topic, 1)
        suffix = "-".join([broker.name] + [o.replace("=", "_") for o in args.override])
        if args.syscalls:
            suffix += "-syscalls"

        def phase(name, action):
            recording = out / ("profile-%s-%s.jfr" % (suffix, name))
            trace = out / ("profile-%s-%s.strace" % (suffix, name))
            before = procstats.sample(broker.pid)
            threads_before = procstats.thread_cpu(broker.pid)
            if args.syscalls:
                tracer = procstats.start_syscall_count(broker.pid, trace)
                time.sleep(1)
            else:
                jfr.start(broker.pid, name, recording, settings)
            result = action()
            if args.syscalls:
                tracer.send_signal(signal.SIGINT)
                tracer.wait()
            else:
                jfr.stop(broker.pid, name)
            threads = procstats.thread_cpu_delta(threads_before, procstats.thread_cpu(broker.pid))
            delta = procstats.sample(broker.pid).minus(before)
            header = ("%s %s: %s\nbroker CPU %.2f s (%.2f s without the JIT compilers), %d GCs, "
                      "%.0f ms GC pause\n\n%s\n\n") % (
                broker.name, name, result, delta.cpu_s, delta.work_s, delta.gc_count,
                delta.gc_pause_s * 1000, threads)
            if args.syscalls:
                megabytes = args.records * 1024 / 1e6
                counts = {}
                for _ in range(50):  # strace may still be writing its summary as it exits
                    counts = procstats.parse_strace_counts(trace.read_text())
                    if counts:
                        break
                    time.sleep(0.1)
                body = "System calls per MB moved (strace -c; timings distorted by tracing):\n"
                body += "\n".join("  %8.1f  %s" % (calls / megabytes, call) for call, calls in
                                   sorted(counts.items(), key=lambda item: -item[1])[:args.top])
            else:
                body = jfr.summarize_file(recording, args.top)
            summary = header + body + "\n"
            (out / ("profile-%s-%s.txt" % (suffix, name))).write_text(summary)
            log(summary)

        phase("produce", lambda: kafka_tools.produce(broker.bootstrap, topic, args.records, 1024,
                                                     args.acks))
        phase("consume", lambda: kafka_tools.fan_out(broker.bootstrap, topic, 1, args.records,
                                                     1024))
    finally:
        if broker is not None:
            broker.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
