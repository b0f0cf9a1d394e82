#!/usr/bin/env python3
"""Produce and consume over TLS against plaintext: Sluice beside Apache Kafka, same tools.

    python3 bench/tls.py                                 # 3 runs, 300k x 1 KiB
    python3 bench/tls.py --runs 5 --records 500000
    python3 bench/tls.py --runs 1 --records 20000         # smoke

Per run, each broker in turn (the order alternates from run to run), started fresh on 127.0.0.1:

- Sluice (bin/sluice-broker) with three listeners: PLAINTEXT (fetches by sendfile), SSL on the
  OpenSSL engine (ssl.engine=openssl) and SSL_JDK on the JDK's engine (listener.name.ssl_jdk.
  ssl.engine=jdk); TLS fetches take the copy path on both.
- Kafka 4.4 (KRaft, one node, kafka-server-start's JVM flags) with PLAINTEXT and SSL listeners
  (Kafka's TLS is the JDK's engine unless configured otherwise).

Both brokers use the same self-signed EC P-256 certificate made here with keytool. On each
listener: a one-partition topic of its own, Kafka's ProducerPerformance sends --records records of
--record-size bytes with acks=1, then ConsumerPerformance reads them back; the clients are Kafka's
own (JDK TLS engine) in every case. The broker's CPU time (/proc, every thread) is sampled around
each phase: broker CPU seconds per GB moved. Prints one line per measurement, then the medians and
min..max per broker and listener, and TLS/plaintext ratios within each broker; --json prints one
JSON object. Everything is stopped and the temporary directory removed on exit (also on Ctrl-C).
"""

import argparse
import atexit
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import brokers, kafkawire, procstats, tools  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
HOST = "127.0.0.1"
PASSWORD = "bench-pass"
FIGURES = ("produce_mb_s", "produce_cpu_s_per_gb", "consume_mb_s", "consume_cpu_s_per_gb")


def log(message):
    print("[%s] %s" % (datetime.datetime.now().strftime("%H:%M:%S"), message),
          file=sys.stderr, flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--records", type=int, default=300_000)
    p.add_argument("--record-size", type=int, default=1024)
    p.add_argument("--brokers", default="sluice,kafka")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-build", action="store_true")
    return p.parse_args(argv)


def keytool(*args):
    java_home = os.environ.get("JAVA_HOME")
    command = [str(Path(java_home) / "bin" / "keytool")] if java_home else ["keytool"]
    subprocess.run(command + list(args), check=True, capture_output=True, timeout=120)


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="sluice-tls-bench-"))
        self.running = []

    def cleanup(self):
        for broker in self.running:
            try:
                broker.stop()
            except Exception as e:  # noqa: BLE001 - best effort on the way out
                log("stopping a broker: %s" % e)
        self.running = []
        shutil.rmtree(self.tmp, ignore_errors=True)

    def prepare(self):
        libs = self.tmp / "kafka-libs"
        log("resolving Apache Kafka 4.4.0 and its tools into %s" % libs)
        subprocess.run(["mvn", "-B", "-q", "-f", str(BENCH_DIR / "kafka" / "pom.xml"),
                        "dependency:copy-dependencies", "-DoutputDirectory=%s" % libs],
                       check=True, stdout=sys.stderr)
        if not self.args.no_build:
            log("building Sluice (mvn package -DskipTests, broker)")
            subprocess.run(["mvn", "-B", "-q", "-DskipTests", "-Dspotless.check.skip=true",
                            "package", "-pl", "broker", "-am"], cwd=REPO_DIR, check=True,
                           stdout=sys.stderr)
        self.libs = libs
        self.tools = tools.KafkaTools(libs, log)
        self.keystore = self.tmp / "broker.p12"
        keytool("-genkeypair", "-alias", "broker", "-dname", "CN=localhost",
                "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-keyalg", "EC", "-groupname",
                "secp256r1", "-validity", "2", "-keystore", str(self.keystore),
                "-storetype", "PKCS12", "-storepass", PASSWORD)
        certificate = self.tmp / "broker.pem"
        keytool("-exportcert", "-alias", "broker", "-rfc", "-file", str(certificate),
                "-keystore", str(self.keystore), "-storepass", PASSWORD)
        self.client_ssl = self.tmp / "client-ssl.properties"
        self.client_ssl.write_text("security.protocol=SSL\nssl.truststore.type=PEM\n"
                                   "ssl.truststore.location=%s\n" % certificate)
        self.broker_ssl = ["ssl.keystore.type=PKCS12", "ssl.keystore.location=%s" % self.keystore,
                           "ssl.keystore.password=%s" % PASSWORD]

    def start(self, name, run):
        work = self.tmp / ("run%d" % run)
        if name == "sluice":
            broker = brokers.SluiceBroker(REPO_DIR, work, log)
            broker.start(fresh=True, extra_listeners=("SSL", "SSL_JDK"), overrides=[
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,SSL_JDK:SSL",
                "ssl.engine=openssl", "listener.name.ssl_jdk.ssl.engine=jdk"] + self.broker_ssl)
            listeners = ("PLAINTEXT", "SSL", "SSL_JDK")
        else:
            broker = brokers.KafkaBroker(self.libs, work, log, extra_listeners=[("SSL", "SSL")],
                                         properties=self.broker_ssl)
            broker.start(fresh=True)
            listeners = ("PLAINTEXT", "SSL")
        self.running.append(broker)
        return broker, listeners

    def stop(self, broker):
        broker.stop()
        self.running.remove(broker)

    def measure(self, broker, listener, run):
        topic = "tls-%s-%d" % (listener.lower(), run)
        kafkawire.create_topic(HOST, broker.port, topic, 1)
        bootstrap = "%s:%d" % (HOST, broker.ports[listener])
        config = None if listener == "PLAINTEXT" else self.client_ssl
        records, size = self.args.records, self.args.record_size
        gb = records * size / 1e9
        before = procstats.sample(broker.pid)
        produced = self.tools.produce(bootstrap, topic, records, size, "1", client_config=config)
        middle = procstats.sample(broker.pid)
        consumed = self.tools.consume(bootstrap, topic, records, size, "g-" + topic,
                                      client_config=config)
        after = procstats.sample(broker.pid)
        result = {
            "produce_mb_s": produced["mib_s"],
            "produce_cpu_s_per_gb": middle.minus(before).cpu_s / gb,
            "consume_mb_s": consumed["mib_s"],
            "consume_cpu_s_per_gb": after.minus(middle).cpu_s / gb,
        }
        log("%s %s: produce %.1f MB/s (%.1f CPU s/GB), consume %.1f MB/s (%.1f CPU s/GB)" % (
            broker.name, listener, result["produce_mb_s"], result["produce_cpu_s_per_gb"],
            result["consume_mb_s"], result["consume_cpu_s_per_gb"]))
        return result

    def run(self):
        wanted = self.args.brokers.split(",")
        results = {}
        for run in range(self.args.runs):
            order = wanted if run % 2 == 0 else list(reversed(wanted))
            for name in order:
                broker, listeners = self.start(name, run)
                try:
                    # Alternate the listener order too: the first phase runs on a colder JIT.
                    for listener in (listeners if run % 2 == 0 else tuple(reversed(listeners))):
                        results.setdefault("%s %s" % (name, listener), []).append(
                            self.measure(broker, listener, run))
                finally:
                    self.stop(broker)
        return results


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def main(argv):
    args = parse_args(argv)
    bench = Bench(args)
    atexit.register(bench.cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    bench.prepare()
    load_before = os.getloadavg()
    results = bench.run()
    load_after = os.getloadavg()
    table = {key: {f: summary([r[f] for r in runs]) for f in FIGURES}
             for key, runs in results.items()}
    ratios = {}
    for key in table:
        name, listener = key.split(" ")
        plain = table.get("%s PLAINTEXT" % name)
        if listener != "PLAINTEXT" and plain:
            ratios[key + " / PLAINTEXT"] = {
                f: table[key][f]["median"] / plain[f]["median"] for f in FIGURES}
    result = {"records": args.records, "record_size": args.record_size, "acks": "1",
              "load_average_1m": [load_before[0], load_after[0]], "figures": table,
              "tls_over_plaintext": ratios}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print("%-18s %28s %28s %28s %28s" % (("",) + FIGURES))
    for key, figures in table.items():
        print("%-18s " % key + " ".join(
            "%28s" % ("%.1f (%.1f..%.1f)" % (v["median"], v["min"], v["max"]))
            for v in figures.values()))
    for key, figures in ratios.items():
        print("%-28s " % key + "  ".join("%s %.2f" % (f, v) for f, v in figures.items()))
    print("load average (1 min) %.1f before, %.1f after" % (load_before[0], load_after[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
