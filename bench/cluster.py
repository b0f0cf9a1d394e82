#!/usr/bin/env python3
"""Produce throughput of one Sluice broker against a cluster of three, and controller failover.

    python3 bench/cluster.py                                   # 3 runs, 500k x 1 KiB, acks=all
    python3 bench/cluster.py --runs 5 --records 1000000 --failovers 5
    python3 bench/cluster.py --runs 1 --records 50000 --failovers 1   # smoke

Per run: a single-node broker (no ZooKeeper), then three brokers on one ZooKeeper
(bin/sluice-zookeeper on a free port, data under a temporary directory), each started with
bin/sluice-broker on 127.0.0.1. On each a 6-partition topic is created (spread two partitions per
broker on three), Kafka 4.4's ProducerPerformance warms up and then sends --records records of
--record-size bytes with acks=all, and every broker's /proc CPU time is sampled around the
measured part (warm-up included): broker CPU seconds per GB sent is the sum over the brokers, with
and without the JIT compiler threads.

With --replicated, each run also starts three brokers whose topic has replication factor 3
(min.insync.replicas=2), once with fetch.zerocopy=true and once with false (alternating which goes
first): the followers' fetches go through sendfile or through the copy path, and the brokers' CPU
per GB produced shows what zero-copy saves the leaders.

Failover: on the three-broker cluster, the controller (named by a Metadata v1 answer) is killed
with SIGKILL, and the time until a surviving broker names another controller is measured by
polling Metadata every 10 ms; the killed broker is then restarted for the next round. It is
dominated by zookeeper.session.timeout.ms (--session-ms), after which ZooKeeper drops the dead
broker's latch node.

Prints medians and min..max; --json prints one JSON object. Everything listens on 127.0.0.1 and
is stopped, and the temporary directory removed, on exit (also on Ctrl-C).
"""

import argparse
import atexit
import datetime
import json
import os
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import brokers, kafkawire, procstats, tools  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
HOST = "127.0.0.1"
TOPIC = "perf"
PARTITIONS = 6
FIGURES = ("records_s", "mib_s", "lat_p99_ms", "broker_cpu_s_per_gb", "broker_work_s_per_gb")


def log(message):
    print("[%s] %s" % (datetime.datetime.now().strftime("%H:%M:%S"), message),
          file=sys.stderr, flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--records", type=int, default=500_000)
    p.add_argument("--record-size", type=int, default=1024)
    p.add_argument("--warmup-records", type=int, default=100_000)
    p.add_argument("--failovers", type=int, default=3, help="controller kills (0 skips)")
    p.add_argument("--session-ms", type=int, default=6000,
                   help="zookeeper.session.timeout.ms of the brokers")
    p.add_argument("--replicated", action="store_true",
                   help="also three brokers with replication factor 3 (min.insync.replicas=2), "
                        "once with zero-copy fetches and once with fetch.zerocopy=false")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-build", action="store_true")
    return p.parse_args(argv)


def controller_id(port, timeout=0.5):
    """The controller id a broker reports in Metadata v1 (no topics asked), or None."""
    body = struct.pack(">i", 0)  # an empty topic array: brokers and controller only
    try:
        response = kafkawire._exchange(HOST, port, kafkawire._request(3, 1, 5, body), timeout)
    except (OSError, kafkawire.WireError):
        return None
    offset = 4  # correlation id
    (count,) = struct.unpack_from(">i", response, offset)
    offset += 4
    for _ in range(count):
        offset += 4  # node id
        (length,) = struct.unpack_from(">h", response, offset)
        offset += 2 + length + 4  # host, port
        (length,) = struct.unpack_from(">h", response, offset)
        offset += 2 + max(length, 0)  # rack (nullable)
    (controller,) = struct.unpack_from(">i", response, offset)
    return controller


class ZooKeeper:
    def __init__(self, work):
        self.work = work
        self.port = brokers.free_port()

    def _env(self):
        env = dict(os.environ)
        env.update(SLUICE_ZK_PORT=str(self.port), SLUICE_ZK_DATA_DIR=str(self.work / "zk-data"),
                   SLUICE_LOG_DIR=str(self.work / "zk-logs"), SLUICE_RUN_DIR=str(self.work / "zk-run"))
        return env

    def start(self):
        subprocess.run([str(REPO_DIR / "bin" / "sluice-zookeeper"), "start"], env=self._env(),
                       check=True, capture_output=True, text=True, timeout=300)

    def stop(self):
        subprocess.run([str(REPO_DIR / "bin" / "sluice-zookeeper"), "stop"], env=self._env(),
                       capture_output=True, text=True, timeout=120)


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="sluice-cluster-bench-"))
        self.running = []
        self.zk = None

    def cleanup(self):
        for broker in self.running:
            try:
                broker.stop()
            except Exception as e:  # noqa: BLE001 - best effort on the way out
                log("stopping a broker: %s" % e)
        self.running = []
        if self.zk is not None:
            self.zk.stop()
            self.zk = None
        shutil.rmtree(self.tmp, ignore_errors=True)

    def prepare(self):
        libs = self.tmp / "kafka-libs"
        log("resolving Apache Kafka 4.4.0 tools into %s" % libs)
        subprocess.run(["mvn", "-B", "-q", "-f", str(BENCH_DIR / "kafka" / "pom.xml"),
                        "dependency:copy-dependencies", "-DoutputDirectory=%s" % libs], check=True)
        if not self.args.no_build:
            log("building Sluice (mvn package -DskipTests, broker)")
            subprocess.run(["mvn", "-B", "-q", "-DskipTests", "-Dspotless.check.skip=true",
                            "package", "-pl", "broker", "-am"], cwd=REPO_DIR, check=True)
        self.tools = tools.KafkaTools(libs, log)
        self.zk = ZooKeeper(self.tmp)
        self.zk.start()
        log("zookeeper on %s:%d" % (HOST, self.zk.port))

    def start_brokers(self, count, run, chroot, extra=()):
        started = []
        for broker_id in range(1, count + 1):
            broker = brokers.SluiceBroker(
                REPO_DIR, self.tmp / ("run%d-n%d-b%d-%s" % (run, count, broker_id, chroot)), log)
            overrides = []
            if count > 1:
                overrides = ["zookeeper.connect=%s:%d/%s" % (HOST, self.zk.port, chroot),
                             "zookeeper.session.timeout.ms=%d" % self.args.session_ms,
                             "node.id=%d" % broker_id] + list(extra)
            broker.start(fresh=True, overrides=overrides)
            self.running.append(broker)
            started.append(broker)
        return started

    def stop_brokers(self, group):
        for broker in group:
            broker.stop()
            self.running.remove(broker)

    def produce(self, group, replication_factor=1):
        kafkawire.create_topic(HOST, group[0].port, TOPIC, PARTITIONS,
                               replication_factor=replication_factor)
        bootstrap = ",".join(b.bootstrap for b in group)
        before = [procstats.sample(b.pid) for b in group]
        result = self.tools.produce(bootstrap, TOPIC, self.args.records + self.args.warmup_records,
                                    self.args.record_size, "all",
                                    warmup=self.args.warmup_records)
        deltas = [procstats.sample(b.pid).minus(s) for b, s in zip(group, before)]
        total = self.args.records + self.args.warmup_records
        gb = total * self.args.record_size / 1e9
        result["broker_cpu_s_per_gb"] = sum(d.cpu_s for d in deltas) / gb
        # Without the JIT compiler threads: the broker's own work per GB once compiled.
        result["broker_work_s_per_gb"] = sum(d.work_s for d in deltas) / gb
        return result

    def failover(self, group, chroot):
        ports = {i + 1: b.port for i, b in enumerate(group)}
        controller = None
        deadline = time.monotonic() + 60
        while controller is None or controller < 0:
            controller = controller_id(ports[1])
            if time.monotonic() > deadline:
                raise RuntimeError("no controller within 60 s")
            time.sleep(0.01)
        victim = group[controller - 1]
        survivor = ports[1 if controller != 1 else 2]
        os.kill(victim.pid, signal.SIGKILL)
        killed = time.monotonic()
        while True:
            now = controller_id(survivor)
            if now is not None and now >= 0 and now != controller:
                break
            if time.monotonic() - killed > 120:
                raise RuntimeError("no new controller within 120 s")
            time.sleep(0.01)
        elapsed = time.monotonic() - killed
        log("controller %d killed: broker %d took over after %.2f s" % (controller, now, elapsed))
        victim.pid = None
        # The restarted broker waits for its stale registration to expire, then registers.
        victim.start(fresh=False, overrides=[o for o in victim.overrides
                                             if not o.startswith(("listeners=", "log.dirs="))])
        ports[controller] = victim.port
        return elapsed

    def run(self):
        one, three, failovers = [], [], []
        self.replicated = replicated = {"zerocopy": [], "copy": []}
        for run in range(self.args.runs):
            group = self.start_brokers(1, run, None)
            one.append(self.produce(group))
            log("one broker: %.0f records/s, %.1f MB/s, %.1f broker CPU s/GB" % (
                one[-1]["records_s"], one[-1]["mib_s"], one[-1]["broker_cpu_s_per_gb"]))
            self.stop_brokers(group)
            chroot = "bench%d" % run
            group = self.start_brokers(3, run, chroot)
            three.append(self.produce(group))
            log("three brokers: %.0f records/s, %.1f MB/s, %.1f broker CPU s/GB" % (
                three[-1]["records_s"], three[-1]["mib_s"], three[-1]["broker_cpu_s_per_gb"]))
            if run == self.args.runs - 1:
                for _ in range(self.args.failovers):
                    failovers.append(self.failover(group, chroot))
            self.stop_brokers(group)
            if self.args.replicated:
                # Every partition on every broker: the leaders serve their followers' fetches,
                # through sendfile or through the copy path; the order alternates run by run.
                paths = ["zerocopy", "copy"] if run % 2 == 0 else ["copy", "zerocopy"]
                for path in paths:
                    group = self.start_brokers(3, run, "rf3%s%d" % (path, run), extra=[
                        "min.insync.replicas=2",
                        "fetch.zerocopy=%s" % ("true" if path == "zerocopy" else "false")])
                    result = self.produce(group, replication_factor=3)
                    replicated[path].append(result)
                    log("three brokers, RF 3, %s: %.0f records/s, %.1f MB/s, %.1f broker CPU s/GB"
                        % (path, result["records_s"], result["mib_s"],
                           result["broker_cpu_s_per_gb"]))
                    self.stop_brokers(group)
        return one, three, failovers


def summary(values):
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def main(argv):
    args = parse_args(argv)
    bench = Bench(args)
    atexit.register(bench.cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    bench.prepare()
    one, three, failovers = bench.run()
    result = {
        "records": args.records, "record_size": args.record_size, "acks": "all",
        "partitions": PARTITIONS, "session_timeout_ms": args.session_ms,
        "one_broker": {k: summary([r[k] for r in one])
                       for k in FIGURES},
        "three_brokers": {k: summary([r[k] for r in three])
                          for k in FIGURES},
        "failover_s": summary(failovers),
    }
    if args.replicated:
        for path in ("zerocopy", "copy"):
            result["three_brokers_rf3_" + path] = {
                k: summary([r[k] for r in bench.replicated[path]]) for k in FIGURES}
        result["rf3_copy_over_zerocopy_cpu"] = (
            result["three_brokers_rf3_copy"]["broker_cpu_s_per_gb"]["median"]
            / result["three_brokers_rf3_zerocopy"]["broker_cpu_s_per_gb"]["median"])
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        names = ["one_broker", "three_brokers"]
        if args.replicated:
            names += ["three_brokers_rf3_zerocopy", "three_brokers_rf3_copy"]
        for name in names:
            figures = result[name]
            print("%-27s " % name + "  ".join(
                "%s %.1f (%.1f..%.1f)" % (k, v["median"], v["min"], v["max"])
                for k, v in figures.items()))
        if args.replicated:
            print("RF 3 broker CPU s/GB, copy path / zero-copy: %.2f"
                  % result["rf3_copy_over_zerocopy_cpu"])
        if failovers:
            f = result["failover_s"]
            print("failover_s     %.2f (%.2f..%.2f), n=%d, session timeout %d ms" % (
                f["median"], f["min"], f["max"], f["n"], args.session_ms))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
