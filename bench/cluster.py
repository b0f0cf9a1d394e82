#!/usr/bin/env python3
"""Produce throughput of one Sluice broker against a cluster of three, and controller failover.

    python3 bench/cluster.py                                   # 3 runs, 500k x 1 KiB, acks=all
    python3 bench/cluster.py --runs 5 --records 1000000 --failovers 5
    python3 bench/cluster.py --runs 1 --records 50000 --failovers 1   # smoke
    python3 bench/cluster.py --vs-kafka --runs 5 --records 300000       # RF 3 against Kafka

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

With --vs-kafka, the runs compare replicated clusters instead (nothing else is measured): three
Sluice brokers on ZooKeeper against three Apache Kafka 4.4 nodes in KRaft combined mode (each a
broker and a controller voter, benchlib.brokers.KafkaCluster), every broker with the same JVM flags
(--jvm-opts), a 6-partition topic with replication factor 3, min.insync.replicas=2, acks=all, the
same ProducerPerformance runs: first an unmeasured one of --broker-warmup-records to a warm-up
topic (the brokers' JIT compilers, three JVMs' worth, would otherwise share the two cores with the
measurement), then the measured one (--warmup-records, then --records). Kafka runs twice per round: with its default
flush settings ("kafka": nothing is fsynced before the acknowledgement) and with
log.flush.interval.messages=1 ("kafka-fsync": every replica fsyncs each append before the
acknowledgement can be given); Sluice with its defaults (the leader's group-commit fsync covers
every acks=all write, followers flush within log.flush.interval.ms). The order of the systems
rotates from round to round. Per system: records/s and MB/s after the warm-up, latency p50, p99,
p99.9 (the tool's steady-state summary), broker CPU s/GB and GCs summed over the three brokers
around the measured run (its --warmup-records included);
Sluice/Kafka ratios are taken round by round, then their median and min..max.

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
VS_FIGURES = ("records_s", "mib_s", "lat_p50_ms", "lat_p99_ms", "lat_p999_ms",
              "broker_cpu_s_per_gb", "broker_work_s_per_gb", "gc_count", "gc_pause_ms")
# The systems of --vs-kafka and the broker settings each gets beyond the common ones.
VS_SYSTEMS = {
    "sluice": [],
    "kafka": [],
    "kafka-fsync": ["log.flush.interval.messages=1"],
}
# bin/sluice-broker's default heap, with the collector the JVM picks on this machine made explicit.
DEFAULT_JVM_OPTS = "-Xms256m -Xmx1g -XX:+UseG1GC"


def log(message):
    print("[%s] %s" % (datetime.datetime.now().strftime("%H:%M:%S"), message),
          file=sys.stderr, flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--records", type=int, default=500_000)
    p.add_argument("--record-size", type=int, default=1024)
    p.add_argument("--warmup-records", type=int, default=100_000)
    p.add_argument("--broker-warmup-records", type=int, default=200_000,
                   help="--vs-kafka: records of an unmeasured producer run to a topic of its own "
                        "(same partitions and replication) before the measured one, so that the "
                        "brokers' JIT compilers are mostly done (0 skips it)")
    p.add_argument("--failovers", type=int, default=3, help="controller kills (0 skips)")
    p.add_argument("--session-ms", type=int, default=6000,
                   help="zookeeper.session.timeout.ms of the brokers")
    p.add_argument("--replicated", action="store_true",
                   help="also three brokers with replication factor 3 (min.insync.replicas=2), "
                        "once with zero-copy fetches and once with fetch.zerocopy=false")
    p.add_argument("--vs-kafka", action="store_true",
                   help="only: three Sluice brokers against three Kafka nodes, RF 3, acks=all")
    p.add_argument("--systems", default=",".join(VS_SYSTEMS),
                   help="--vs-kafka: which of %s to run" % ", ".join(VS_SYSTEMS))
    p.add_argument("--min-insync", type=int, default=2,
                   help="--vs-kafka: min.insync.replicas of every broker")
    p.add_argument("--jvm-opts", default=DEFAULT_JVM_OPTS,
                   help="--vs-kafka: heap and GC flags of every broker, Sluice and Kafka alike")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-build", action="store_true")
    args = p.parse_args(argv)
    unknown = set(args.systems.split(",")) - set(VS_SYSTEMS)
    if unknown:
        p.error("unknown systems: %s" % ", ".join(sorted(unknown)))
    return args


def rotation(systems, run):
    """The order of `systems` in round `run`: shifted by one each round, so that every system
    runs first, second, ... equally often over len(systems) rounds."""
    shift = run % len(systems)
    return list(systems[shift:]) + list(systems[:shift])


def paired_ratios(numerators, denominators, figures):
    """Per round, numerator / denominator of each figure (rounds paired by index); a figure that
    is missing, negative (not measured) or a zero denominator in a round is left out of it."""
    ratios = []
    for top, bottom in zip(numerators, denominators):
        ratios.append({f: top[f] / bottom[f] for f in figures
                       if isinstance(top.get(f), (int, float)) and top[f] >= 0
                       and isinstance(bottom.get(f), (int, float)) and bottom[f] > 0})
    return ratios


def summarize_runs(results, figures):
    """{figure: summary over the rounds} of the rounds that have the figure."""
    table = {}
    for f in figures:
        values = [r[f] for r in results if isinstance(r.get(f), (int, float)) and r[f] >= 0]
        if values:
            table[f] = summary(values)
    return table


def _cell(figure):
    if figure is None:
        return "n/a"
    fmt = "{:,.0f}" if figure["median"] >= 1000 else ("%.1f" if figure["median"] >= 10 else "%.2f")

    def one(value):
        return fmt.format(value) if "{" in fmt else fmt % value

    return "%s (%s-%s)" % (one(figure["median"]), one(figure["min"]), one(figure["max"]))


def vs_kafka_markdown(table, ratios, figures):
    """Markdown: one row per system (median and min-max over rounds), then one row per Kafka
    variant with the median and min-max of the round-by-round Sluice/Kafka ratios."""
    lines = ["| system | " + " | ".join(figures) + " |",
             "|---|" + "---:|" * len(figures)]
    for system, figures_of in table.items():
        lines.append("| %s | " % system + " | ".join(_cell(figures_of.get(f)) for f in figures)
                     + " |")
    for name, summaries in ratios.items():
        cells = []
        for f in figures:
            r = summaries.get(f)
            cells.append("n/a" if r is None else "%.2fx (%.2f-%.2f)" % (
                r["median"], r["min"], r["max"]))
        lines.append("| %s | " % name + " | ".join(cells) + " |")
    return lines


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
        self.libs = libs
        self.tools = tools.KafkaTools(libs, log)
        self.zk = ZooKeeper(self.tmp)
        self.zk.start()
        log("zookeeper on %s:%d" % (HOST, self.zk.port))

    def start_brokers(self, count, run, chroot, extra=(), heap_opts=None):
        started = []
        for broker_id in range(1, count + 1):
            broker = brokers.SluiceBroker(
                REPO_DIR, self.tmp / ("run%d-n%d-b%d-%s" % (run, count, broker_id, chroot)), log,
                heap_opts=heap_opts)
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
        return self.produce_to(group[0].port, ",".join(b.bootstrap for b in group),
                               [b.pid for b in group], replication_factor)

    def _create_topic(self, port, topic, replication_factor):
        """CreateTopics through `port`, retried for up to 60 s while the cluster still gathers
        its brokers (too few live brokers for the replication factor)."""
        deadline = time.monotonic() + 60
        while True:
            try:
                kafkawire.create_topic(HOST, port, topic, PARTITIONS,
                                       replication_factor=replication_factor)
                return
            except (OSError, kafkawire.WireError) as e:
                if time.monotonic() > deadline:
                    raise
                log("creating %s: %s; again in 1 s" % (topic, e))
                time.sleep(1)

    def produce_to(self, port, bootstrap, pids, replication_factor, broker_warmup=0):
        """Creates the topic, runs the producer tool against `bootstrap`, and adds the CPU and
        GC of the broker processes `pids` (summed) around it. With `broker_warmup` records, an
        unmeasured producer run to a topic of its own comes first."""
        if broker_warmup:
            self._create_topic(port, TOPIC + "-warmup", replication_factor)
            self.tools.produce(bootstrap, TOPIC + "-warmup", broker_warmup,
                               self.args.record_size, "all")
        self._create_topic(port, TOPIC, replication_factor)
        before = [procstats.sample(pid) for pid in pids]
        result = self.tools.produce(bootstrap, TOPIC, self.args.records + self.args.warmup_records,
                                    self.args.record_size, "all",
                                    warmup=self.args.warmup_records)
        after = [procstats.sample(pid) for pid in pids]
        deltas = [a.minus(b) for a, b in zip(after, before)]
        total = self.args.records + self.args.warmup_records
        gb = total * self.args.record_size / 1e9
        result["broker_cpu_s_per_gb"] = sum(d.cpu_s for d in deltas) / gb
        # Without the JIT compiler threads: the broker's own work per GB once compiled.
        result["broker_work_s_per_gb"] = sum(d.work_s for d in deltas) / gb
        # jstat answers -1 when it could not read a process: then the sum is not known.
        if all(s.gc_count >= 0 for s in before + after):
            result["gc_count"] = sum(d.gc_count for d in deltas)
            result["gc_pause_ms"] = 1000.0 * sum(d.gc_pause_s for d in deltas)
        return result

    def replicated_round(self, system, run):
        """One measurement of `system` (a VS_SYSTEMS key) with three brokers, RF 3."""
        common = ["min.insync.replicas=%d" % self.args.min_insync]
        load = os.getloadavg()[0]
        if system == "sluice":
            group = self.start_brokers(3, run, "vs%d" % run, extra=common + VS_SYSTEMS[system],
                                       heap_opts=self.args.jvm_opts)
            try:
                result = self.produce_to(group[0].port, ",".join(b.bootstrap for b in group),
                                         [b.pid for b in group], 3,
                                         broker_warmup=self.args.broker_warmup_records)
            finally:
                self.stop_brokers(group)
                for broker in group:
                    shutil.rmtree(broker.work, ignore_errors=True)
        else:
            cluster = brokers.KafkaCluster(
                self.libs, self.tmp / ("run%d-%s" % (run, system)), log, nodes=3,
                properties=common + VS_SYSTEMS[system], jvm_opts=self.args.jvm_opts.split())
            self.running.append(cluster)
            try:
                cluster.start()
                result = self.produce_to(cluster.port, cluster.bootstrap, cluster.pids, 3,
                                         broker_warmup=self.args.broker_warmup_records)
            finally:
                cluster.stop()
                self.running.remove(cluster)
                shutil.rmtree(cluster.work, ignore_errors=True)
        result["load_1m_before"] = load
        result["load_1m_after"] = os.getloadavg()[0]
        log("round %d %s: %.0f records/s, %.1f MB/s, p50/p99/p99.9 %.0f/%.0f/%.0f ms, %.1f broker "
            "CPU s/GB, %s GCs; load %.1f -> %.1f" % (
                run, system, result["records_s"], result["mib_s"], result["lat_p50_ms"],
                result["lat_p99_ms"], result["lat_p999_ms"], result["broker_cpu_s_per_gb"],
                result.get("gc_count", "n/a"), load, result["load_1m_after"]))
        return result

    def run_vs_kafka(self):
        """{system: [result per round]}; the systems' order rotates from round to round."""
        systems = self.args.systems.split(",")
        results = {system: [] for system in systems}
        for run in range(self.args.runs):
            for system in rotation(systems, run):
                try:
                    results[system].append(self.replicated_round(system, run))
                except (RuntimeError, OSError, kafkawire.WireError, tools.ToolError) as e:
                    # A failed round is reported and left out of the medians; the rest go on.
                    log("round %d %s failed: %s" % (run, system, e))
                    results[system].append({"error": str(e)[-500:]})
        return results

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


def vs_kafka(args, bench):
    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)
    results = bench.run_vs_kafka()
    load_after = os.getloadavg()
    table = {system: summarize_runs(runs, VS_FIGURES) for system, runs in results.items()}
    ratios, per_round = {}, {}
    if "sluice" in results:
        for system in results:
            if system.startswith("kafka"):
                name = "sluice / %s" % system
                per_round[name] = paired_ratios(results["sluice"], results[system], VS_FIGURES)
                ratios[name] = summarize_runs(per_round[name], VS_FIGURES)
    result = {
        "started_utc": started.strftime("%Y-%m-%d %H:%M"), "runs": args.runs,
        "records": args.records, "warmup_records": args.warmup_records,
        "broker_warmup_records": args.broker_warmup_records,
        "record_size": args.record_size, "acks": "all", "partitions": PARTITIONS,
        "replication_factor": 3, "min_insync_replicas": args.min_insync,
        "jvm_opts": args.jvm_opts, "systems": {s: VS_SYSTEMS[s] for s in results},
        "load_average": {"before": list(load_before), "after": list(load_after)},
        "figures": table, "ratios": ratios, "rounds": results, "ratios_per_round": per_round,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print("\n".join(vs_kafka_markdown(table, ratios, VS_FIGURES)))
    for name, rounds in per_round.items():
        print("%s records/s by round: %s" % (name, " ".join(
            "%.2f" % r["records_s"] if "records_s" in r else "n/a" for r in rounds)))
    for system, rounds in results.items():
        print("%s load (1 min) at each round's start: %s" % (system, " ".join(
            "%.1f" % r["load_1m_before"] if "load_1m_before" in r else "failed"
            for r in rounds)))
    print("load average before: %.2f %.2f %.2f, after: %.2f %.2f %.2f"
          % (tuple(load_before) + tuple(load_after)))
    return 0


def main(argv):
    args = parse_args(argv)
    bench = Bench(args)
    atexit.register(bench.cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(1))
    if args.no_build:
        # bin/sluice-broker would otherwise rebuild when a source is newer than its jar.
        os.environ.setdefault("SLUICE_REBUILD", "never")
    bench.prepare()
    if args.vs_kafka:
        return vs_kafka(args, bench)
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
