#!/usr/bin/env python3
"""Where a Sluice broker's start-up time goes, and what class-data sharing would save.

    python3 bench/startup.py --runs 5

Each variant starts a broker --runs times on a free loopback port with an empty data directory
and reports the median time from launch to the first ApiVersions answer, and the RSS 1 s later:

* `java -version`                : the JVM's own floor on this machine;
* `Main, no logback config`      : the broker JVM launched directly, logback on its defaults;
* `Main, logback.xml`            : the same with the daemon's logback.xml, as bin/sluice-broker does;
* `Main, logback.xml + AppCDS`   : the same with an application class-data-sharing archive,
  dumped once beforehand with -XX:ArchiveClassesAtExit (JDK 17);
* `bin/sluice-broker start`      : as users start it (script, then the JVM);
* `bin/sluice-broker + AppCDS`   : the same with SLUICE_JAVA_OPTS=-XX:SharedArchiveFile=...;
* `Kafka 4.4.0` (--kafka)        : kafka.Kafka as bench/compare.py starts it.
"""

import argparse
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import brokers, kafkawire, procstats  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent


def direct_start(home, tmp, extra_opts, logback):
    """Launches io.sluice.broker.Main like bin/sluice-broker does; returns (seconds, rss MB)."""
    jar = next(p for p in (home / "broker" / "target").glob("sluice-broker-*.jar")
               if not p.name.endswith(("-sources.jar", "-tests.jar", "-javadoc.jar")))
    port = brokers.free_port()
    data = tmp / ("data-%d" % port)
    command = ["java", "-Xms256m", "-Xmx1g", "-XX:+ExitOnOutOfMemoryError"] + extra_opts
    if logback:
        command.append("-Dlogback.configurationFile=%s" % (home / "broker" / "src" / "main" /
                                                          "dist" / "logback.xml"))
    command += ["-Dsluice.log.dir=%s" % tmp, "-cp",
                "%s:%s" % (jar, home / "broker" / "target" / "lib" / "*"),
                "io.sluice.broker.Main", "--override",
                "listeners=PLAINTEXT://%s:%d" % (brokers.HOST, port),
                "--override", "log.dirs=%s" % data]
    launched = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ready = kafkawire.wait_ready(brokers.HOST, port, 60, process) - launched
        time.sleep(1)
        rss = procstats.sample(process.pid).rss_mb
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        shutil.rmtree(data, ignore_errors=True)
    return ready, rss


def java_version(_home, _tmp):
    launched = time.monotonic()
    subprocess.run(["java", "-version"], capture_output=True, check=True)
    return time.monotonic() - launched, None


def script_start(home, tmp, java_opts):
    broker = brokers.SluiceBroker(home, tmp, lambda _message: None, java_opts=java_opts)
    try:
        ready = broker.start()
        time.sleep(1)
        rss = procstats.sample(broker.pid).rss_mb
    finally:
        broker.stop()
    return ready, rss


def kafka_start(libs, tmp):
    broker = brokers.KafkaBroker(libs, tmp, lambda _message: None)
    try:
        ready = broker.start()
        time.sleep(1)
        rss = procstats.sample(broker.pid).rss_mb
    finally:
        broker.stop()
    return ready, rss


def measure(name, runs, action):
    results = [action() for _ in range(runs)]
    times = [ready for ready, _ in results]
    rss = [value for _, value in results if value is not None]
    line = "%-32s median %.3f s  (runs: %s)" % (name, statistics.median(times),
                                               " ".join("%.3f" % t for t in times))
    if rss:
        line += "  RSS %.0f MB" % statistics.median(rss)
    print(line, flush=True)
    return statistics.median(times)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--sluice-home", default=str(REPO_DIR))
    p.add_argument("--kafka", action="store_true", help="also time Kafka 4.4.0")
    args = p.parse_args(argv)
    home = Path(args.sluice_home).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="sluice-startup-"))
    archive = tmp / "sluice-broker.jsa"
    try:
        measure("java -version", args.runs, lambda: java_version(home, tmp))
        measure("Main, no logback config", args.runs,
                lambda: direct_start(home, tmp, [], logback=False))
        measure("Main, logback.xml", args.runs, lambda: direct_start(home, tmp, [], logback=True))
        # One run that writes the archive of every class loaded up to a clean shutdown.
        direct_start(home, tmp, ["-XX:ArchiveClassesAtExit=%s" % archive], logback=True)
        cds = ["-XX:SharedArchiveFile=%s" % archive]
        measure("Main, logback.xml + AppCDS", args.runs,
                lambda: direct_start(home, tmp, cds, logback=True))
        measure("bin/sluice-broker start", args.runs, lambda: script_start(home, tmp, ""))
        # The archive must be dumped with the same launch (class path, options) that uses it.
        script_archive = tmp / "sluice-broker-script.jsa"
        script_start(home, tmp, "-XX:ArchiveClassesAtExit=%s" % script_archive)
        measure("bin/sluice-broker + AppCDS", args.runs,
                lambda: script_start(home, tmp, "-XX:SharedArchiveFile=%s" % script_archive))
        if args.kafka:
            libs = tmp / "kafka-libs"
            subprocess.run(["mvn", "-B", "-q", "-f", str(BENCH_DIR / "kafka" / "pom.xml"),
                            "dependency:copy-dependencies", "-DoutputDirectory=%s" % libs],
                           check=True)
            measure("Kafka 4.4.0", args.runs, lambda: kafka_start(libs, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
