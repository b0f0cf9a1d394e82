#!/usr/bin/env python3
"""Profiles a broker's produce and fetch hot paths with JDK Flight Recorder. Standard library only.

    python3 bench/profile.py                       # Sluice, 1M x 1 KiB, acks=1
    python3 bench/profile.py --broker kafka        # the same load on Kafka, for comparison
    python3 bench/profile.py --override fetch.zerocopy=false

Starts the broker as bench/compare.py does, then records while Kafka's producer tool writes
--records 1 KiB records (recording "produce"), and while one kafka-clients consumer reads them all
back (recording "consume"). Each recording is summarised into top frames (self and total), the
innermost Sluice frame and the threads; the summaries go to --out/profile-<broker>-<phase>.txt,
the .jfr files stay in --out for `jfr` or JDK Mission Control.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
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
        topic = "profile"
        broker.create_topic(topic, 1)
        suffix = "-".join([broker.name] + [o.replace("=", "_") for o in args.override])

        def phase(name, action):
            recording = out / ("profile-%s-%s.jfr" % (suffix, name))
            before = procstats.sample(broker.pid)
            threads_before = procstats.thread_cpu(broker.pid)
            jfr.start(broker.pid, name, recording, settings)
            result = action()
            jfr.stop(broker.pid, name)
            threads = procstats.thread_cpu_delta(threads_before, procstats.thread_cpu(broker.pid))
            delta = procstats.sample(broker.pid).minus(before)
            header = "%s %s: %s\nbroker CPU %.2f s, %d GCs, %.0f ms GC pause\n\n%s\n\n" % (
                broker.name, name, result, delta.cpu_s, delta.gc_count, delta.gc_pause_s * 1000,
                threads)
            summary = header + jfr.summarize_file(recording, args.top) + "\n"
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
