#!/usr/bin/env python3
"""Sluice vs Apache Kafka 4.4.0 on one machine, in one run. Standard library only.

    python3 bench/compare.py                      # quick suite, 1M x 1 KiB, 3 runs
    python3 bench/compare.py --suite full --records 2000000 --runs 5
    python3 bench/compare.py --only produce-kafka-1024 --runs 1 --records 100000   # smoke

Per run, Kafka then Sluice: start the broker (timed to its first ApiVersions answer), idle 2 s,
run the workloads of bench/benchlib/plan.py with both brokers' load tools, sampling the broker's
/proc CPU and `jstat` GC counters around each, then stop it. After Sluice's workloads the fan-out
consume matrix (1, 4, 16 consumers) runs with fetch.zerocopy=true, Sluice restarts on the same
data with fetch.zerocopy=false, and the matrix runs again. `sluice bench zerocopy` gives the
machine's file-to-loopback-socket ceiling once per run. Prints one table of medians and writes
results.json, results.csv, summary.md and chart.tsv to --out, and the PNG to --chart.

Everything listens on 127.0.0.1 only. Temporary data (Kafka's jars, both brokers' logs) lives
under one directory that is deleted on exit, also on Ctrl-C; broker processes are stopped too.
"""

import argparse
import atexit
import datetime
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import brokers, plan, procstats, report, tools  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent


def log(message):
    print("[%s] %s" % (datetime.datetime.now().strftime("%H:%M:%S"), message), flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3, help="repetitions; medians are reported")
    p.add_argument("--records", type=int, default=1_000_000,
                   help="1 KiB records per produce workload (100-byte workloads use 3x)")
    p.add_argument("--suite", choices=("quick", "full"), default="quick")
    p.add_argument("--only", nargs="*", help="run workloads whose id contains one of these")
    p.add_argument("--brokers", default="kafka,sluice")
    p.add_argument("--warmup-records", type=int, default=300_000,
                   help="1 KiB records produced and consumed before measuring (JIT warm-up)")
    p.add_argument("--latency-seconds", type=int, default=10)
    p.add_argument("--e2e-records", type=int, default=5000)
    p.add_argument("--fanout-records", type=int, default=250_000,
                   help="1 KiB records each fan-out consumer reads (0 skips the matrix)")
    p.add_argument("--ceiling-mib", type=int, default=512, help="bench zerocopy file size")
    p.add_argument("--work-dir", default=tempfile.gettempdir())
    p.add_argument("--out", default=str(BENCH_DIR / "results"))
    p.add_argument("--chart", default=str(REPO_DIR / "docs" / "performance.png"))
    p.add_argument("--publish", action="store_true",
                   help="also write the tables into docs/performance.md (generated block)")
    p.add_argument("--sluice-home", default=str(REPO_DIR),
                   help="Sluice checkout to measure (default: this one), e.g. a patched copy")
    p.add_argument("--sluice-java-opts", default=None,
                   help="SLUICE_JAVA_OPTS for the Sluice daemon (e.g. a class-data-sharing archive)")
    p.add_argument("--no-build", action="store_true", help="do not build Sluice with Maven")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return p.parse_args(argv)


class Harness:
    """Owns the temporary directory and whichever broker is running. Single-threaded."""

    def __init__(self, args):
        self.args = args
        self.rows = []
        self.tmp = Path(tempfile.mkdtemp(prefix="sluice-bench-", dir=args.work_dir))
        self.running = None
        atexit.register(self.cleanup)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum, _frame):
        log("signal %d: stopping" % signum)
        sys.exit(128 + signum)

    def cleanup(self):
        if self.running is not None:
            try:
                self.running.stop()
            except Exception as e:  # the run is over anyway; say so and go on cleaning
                log("stopping %s failed: %s" % (self.running.name, e))
            self.running = None
        if self.args.keep:
            log("kept %s" % self.tmp)
        elif self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- preparation ------------------------------------------------------------------------

    def prepare(self):
        for command in ("java", "jstat", "mvn"):
            if shutil.which(command) is None:
                raise SystemExit("needs %s on the PATH" % command)
        libs = self.tmp / "kafka-libs"
        log("resolving Apache Kafka 4.4.0 and kafka-tools into %s" % libs)
        subprocess.run(["mvn", "-B", "-q", "-f", str(BENCH_DIR / "kafka" / "pom.xml"),
                        "dependency:copy-dependencies", "-DoutputDirectory=%s" % libs],
                       check=True)
        self.kafka_libs = libs
        wanted = self.args.brokers.split(",")
        home = Path(self.args.sluice_home).resolve()
        self.sluice_ok = "sluice" in wanted and (home / "bin" / "sluice-broker").exists()
        if "sluice" in wanted and not self.sluice_ok:
            log("bin/sluice-broker is missing: measuring Kafka only")
        if self.sluice_ok and not self.args.no_build:
            log("building Sluice (mvn package -DskipTests, broker and cli)")
            subprocess.run(["mvn", "-B", "-q", "-DskipTests", "-Dspotless.check.skip=true",
                            "package", "-pl", "broker,cli", "-am"], cwd=home, check=True)
        self.tools = {"kafka": tools.KafkaTools(libs, log)}
        if (home / "bin" / "sluice").exists() and list((home / "cli" / "target").glob(
                "sluice-cli-*.jar")):
            self.tools["sluice"] = tools.SluiceTools(home, log)
        self.brokers = []
        if "kafka" in wanted:
            self.brokers.append(brokers.KafkaBroker(libs, self.tmp, log))
        if self.sluice_ok:
            self.brokers.append(brokers.SluiceBroker(home, self.tmp, log,
                                                     java_opts=self.args.sluice_java_opts))

    # ---- one broker session -----------------------------------------------------------------

    def session(self, broker, run_index):
        chosen = plan.selected(self.args.suite, self.args.only)
        self.running = broker
        ready_s = broker.start(fresh=True)
        log("%s ready in %.3f s (pid %d)" % (broker.name, ready_s, broker.pid))
        time.sleep(2)
        first = procstats.sample(broker.pid)
        topics = {}
        self.warm_up(broker)
        for workload in chosen:
            if workload.tool not in self.tools:
                continue
            self.measure(broker, run_index, workload.id,
                         lambda w=workload: plan.execute(w, broker, self.tools, self.args,
                                                         topics, run_index))
        last = procstats.sample(broker.pid)
        whole = last.minus(first)
        self.rows.append({
            "run": run_index, "broker": broker.name, "workload": "session", "ready_s": ready_s,
            "idle_rss_mb": first.rss_mb, "load_rss_mb": last.rss_mb,
            "peak_rss_mb": last.peak_rss_mb, "gc_count": whole.gc_count,
            "gc_pause_ms": whole.gc_pause_s * 1000.0, "jit_s": last.jit_s, "cpu_s": last.cpu_s,
        })
        if self.args.fanout_records > 0:
            source = topics.get("produce-kafka-1024-acks1-p1")
            self.fan_out(broker, run_index, "zerocopy", source)
            if broker.name == "sluice":
                broker.stop()
                ready_s = broker.start(fresh=False, overrides=["fetch.zerocopy=false"])
                log("sluice (copy path) ready in %.3f s" % ready_s)
                self.fan_out(broker, run_index, "copy", source)
        broker.stop()
        self.running = None

    def warm_up(self, broker):
        """Same unmeasured load on both brokers first, so neither pays its JIT in a workload."""
        if self.args.warmup_records <= 0:
            return
        log("%s: warm-up, %d records" % (broker.name, self.args.warmup_records))
        broker.create_topic("warmup", 1)
        kafka = self.tools["kafka"]
        try:
            kafka.produce(broker.bootstrap, "warmup", self.args.warmup_records, 1024, "1")
            kafka.fan_out(broker.bootstrap, "warmup", 1, self.args.warmup_records, 1024)
        except tools.ToolError as e:
            log("  warm-up failed (measuring anyway): %s" % e)

    def fan_out(self, broker, run_index, mode, source):
        if source is None:
            log("fan-out skipped: produce-kafka-1024-acks1-p1 did not run")
            return
        topic, produced = source
        each = min(produced, self.args.fanout_records)
        for consumers in (1, 4, 16):
            self.measure(broker, run_index, "fanout-%s-%d" % (mode, consumers),
                         lambda n=consumers: self._fan_out_once(broker, topic, n, each))

    def _fan_out_once(self, broker, topic, consumers, each):
        metrics = self.tools["kafka"].fan_out(broker.bootstrap, topic, consumers, each, 1024)
        return metrics, metrics["records"] * 1024

    def measure(self, broker, run_index, workload_id, action):
        log("%s run %d: %s" % (broker.name, run_index, workload_id))
        row = {"run": run_index, "broker": broker.name, "workload": workload_id}
        before = procstats.sample(broker.pid)
        client_before = tools.client_cpu_s()
        try:
            metrics, moved = action()
        except Exception as e:  # one failed workload must not hide the others' figures
            row["error"] = str(e).splitlines()[0][:300] if str(e) else type(e).__name__
            log("  FAILED: %s" % (str(e)[-1500:] or traceback.format_exc()))
            self.rows.append(row)
            return
        client_s = tools.client_cpu_s() - client_before  # before jstat, itself a child JVM
        delta = procstats.sample(broker.pid).minus(before)
        row.update(metrics)
        row.update({
            "bytes": moved, "cpu_s": delta.cpu_s, "jit_s": delta.jit_s,
            "gc_count": delta.gc_count, "gc_pause_ms": delta.gc_pause_s * 1000.0,
            "cpu_s_per_gb": delta.work_s / (moved / 1e9) if moved else -1,
            "cpu_all_s_per_gb": delta.cpu_s / (moved / 1e9) if moved else -1,
            "client_cpu_s_per_gb": client_s / (moved / 1e9) if moved else -1,
        })
        log("  %s" % ", ".join("%s=%.4g" % (k, v) for k, v in sorted(row.items())
                               if isinstance(v, float)))
        self.rows.append(row)

    def ceiling(self, run_index):
        if "sluice" not in self.tools:
            return
        try:
            figures = self.tools["sluice"].zerocopy_ceiling(self.args.ceiling_mib, 3, self.tmp)
        except Exception as e:
            log("bench zerocopy failed: %s" % e)
            return
        figures.update({"run": run_index, "broker": "sluice", "workload": "ceiling"})
        self.rows.append(figures)

    def run(self):
        self.prepare()
        self.fsync_ms = procstats.fsync_latency_ms(self.tmp)
        self.load_at_start = os.getloadavg()[0]
        started = datetime.datetime.now()
        self.ceiling(1)  # the machine's ceiling does not change between runs: measured once
        for run_index in range(1, self.args.runs + 1):
            for broker in self.brokers:
                self.session(broker, run_index)
            # Written after every run, so that an interrupted run still leaves its figures.
            text = self.write(started, run_index)
        print("\n" + text)

    def write(self, started, runs_done):
        finished = datetime.datetime.now()
        header = [
            "# Sluice vs Apache Kafka 4.4.0",
            "",
            "Run %s to %s (%d of %d runs done); `python3 bench/compare.py %s`" % (
                started.strftime("%Y-%m-%d %H:%M"), finished.strftime("%H:%M"), runs_done,
                self.args.runs, " ".join(_public_args(sys.argv[1:]))),
            "",
            "Machine: %s, %d cores, %s, Java %s; fdatasync of an 80 KiB append in the data "
            "directory: p50 %.1f ms, p99 %.1f ms" % (
                platform.platform(), os.cpu_count(), _memory(), _java_version(), *self.fsync_ms),
            "",
            "Load average (1 min) when the run started: %.1f; now: %.1f (other work on the "
            "machine competes with both brokers alike, but widens the spread)" % (
                self.load_at_start, os.getloadavg()[0]),
        ]
        text = report.write_outputs(self.rows, self.args.out, self.args.chart, header, log)
        if self.args.publish:
            report.publish(text, REPO_DIR / "docs" / "performance.md")
            log("tables written into docs/performance.md")
        return text


def _public_args(argv):
    """The command line without this machine's paths (they would be meaningless elsewhere)."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in ("--out", "--chart", "--work-dir", "--sluice-home"):
            skip = True
            continue
        if arg.startswith(("--out=", "--chart=", "--work-dir=", "--sluice-home=")):
            continue
        out.append(arg)
    return out


def _memory():
    with open("/proc/meminfo") as meminfo:
        kb = int(meminfo.readline().split()[1])
    return "%.0f GiB RAM" % (kb / 1024 / 1024)


def _java_version():
    result = subprocess.run(["java", "-version"], capture_output=True, text=True)
    first = (result.stderr or result.stdout).splitlines()[0]
    return first.split('"')[1] if '"' in first else first


if __name__ == "__main__":
    Harness(parse_args(sys.argv[1:])).run()
