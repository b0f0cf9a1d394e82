"""The load tools, run as separate processes, and the parsers of what they print.

Kafka's tools come from the kafka-tools 4.4.0 jar (ProducerPerformance, ConsumerPerformance,
EndToEndLatency) and run with -Xmx512M as their launcher scripts do. `sluice perf` is run through
`bin/sluice ... --json`. The fan-out consumer (bench/java/FanOutConsumer.java) runs N kafka-clients
consumers in one JVM, each reading a whole topic with assign(), so that consumer concurrency does
not mean N JVMs competing for two cores.

Every runner returns a dict of numbers; every parser is a pure function, tested in
bench/tests/test_parsers.py against output captured from the real tools.
"""

import json
import re
import resource
import subprocess
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
TOOL_HEAP = "-Xmx512M"
MIB = 1024.0 * 1024.0


class ToolError(Exception):
    """A load tool exited non-zero or printed nothing the harness could read."""


def client_cpu_s():
    """CPU seconds used so far by every finished load-tool process (user + system).

    The tools run on the same two cores as the broker; the difference of this counter around a
    workload says how much of the machine the client took.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command, timeout_s, log):
    log("  $ " + " ".join(command[-14:]))
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired as e:
        raise ToolError("timed out after %d s: %s" % (timeout_s, " ".join(command))) from e
    if result.returncode != 0:
        tail = (result.stdout + result.stderr)[-2000:]
        raise ToolError("exit %d: %s\n%s" % (result.returncode, " ".join(command), tail))
    return result.stdout


# ---- parsers ---------------------------------------------------------------------------------

_PRODUCER_SUMMARY = re.compile(
    r"(\d+)( steady state)? records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), "
    r"([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, "
    r"(\d+) ms 99th, (\d+) ms 99.9th"
)


def parse_producer_performance(output, record_size):
    """The summary line of ProducerPerformance (the last line that has percentiles).

    With --warmup-records the tool prints two summaries, the whole run's and then the one of the
    records after the warm-up ("N steady state records sent, ..."). Rates and latencies are then
    the steady state's (`steady_state` true), while `records` stays the whole run's count (the
    bytes the broker took) and `total_records_s` the whole run's rate.
    """
    matches = _PRODUCER_SUMMARY.findall(output)
    if not matches:
        raise ToolError("no ProducerPerformance summary in: %r" % output[-500:])
    _, steady, rate, _, avg, worst, p50, p95, p99, p999 = matches[-1]
    records_s = float(rate)
    return {
        "steady_state": bool(steady),
        "total_records_s": float(matches[0][2]),
        "records": int(matches[0][0]),
        "records_s": records_s,
        "mib_s": records_s * record_size / MIB,
        "lat_avg_ms": float(avg),
        "lat_p50_ms": float(p50),
        "lat_p95_ms": float(p95),
        "lat_p99_ms": float(p99),
        "lat_p999_ms": float(p999),
        "lat_max_ms": float(worst),
    }


def parse_consumer_performance(output, record_size):
    """ConsumerPerformance's CSV line. Rates use fetch time, which excludes the group join."""
    lines = [line for line in output.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        if line.startswith("start.time"):
            header = [name.strip() for name in line.split(",")]
            values = [value.strip() for value in lines[index + 1].split(",")]
            row = dict(zip(header, values))
            records = int(row["data.consumed.in.nMsg"])
            records_s = float(row["fetch.nMsg.sec"])
            return {
                "records": records,
                "records_s": records_s,
                "mib_s": records_s * record_size / MIB,
                "rebalance_ms": float(row["rebalance.time.ms"]),
                "fetch_ms": float(row["fetch.time.ms"]),
            }
    raise ToolError("no ConsumerPerformance result in: %r" % output[-500:])


def parse_end_to_end_latency(output):
    average = re.search(r"Avg latency: ([\d.]+) ms", output)
    percentiles = re.search(
        r"Percentiles: 50th = ([\d.]+), 99th = ([\d.]+), 99.9th = ([\d.]+)", output
    )
    if not average or not percentiles:
        raise ToolError("no EndToEndLatency result in: %r" % output[-500:])
    return {
        "e2e_avg_ms": float(average.group(1)),
        "e2e_p50_ms": float(percentiles.group(1)),
        "e2e_p99_ms": float(percentiles.group(2)),
        "e2e_p999_ms": float(percentiles.group(3)),
    }


def last_json_object(output):
    """The last line of `output` that parses as a JSON object (tools may print progress first)."""
    for line in reversed(output.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    try:
        return json.loads(output)
    except ValueError as e:
        raise ToolError("no JSON object in: %r" % output[-500:]) from e


def pick(document, *names, default=None):
    """The first of `names` present in `document`, looking into nested objects too."""
    for name in names:
        if name in document:
            return document[name]
    for value in document.values():
        if isinstance(value, dict):
            found = pick(value, *names, default=None)
            if found is not None:
                return found
    return default


# ---- Kafka's tools ---------------------------------------------------------------------------


class KafkaTools:
    def __init__(self, libs_dir, log):
        self.classpath = str(Path(libs_dir) / "*")
        self.log = log

    def _java(self, main_class):
        return ["java", TOOL_HEAP, "-cp", self.classpath, main_class]

    def produce(self, bootstrap, topic, records, record_size, acks, throughput=-1, warmup=0,
                client_config=None):
        """`client_config`: a properties file of client keys (TLS, SASL), as --command-config."""
        command = self._java("org.apache.kafka.tools.ProducerPerformance") + [
            "--bootstrap-server", bootstrap, "--topic", topic,
            "--num-records", str(records), "--record-size", str(record_size),
            "--throughput", str(throughput), "--command-property", "acks=%s" % acks,
        ]
        if warmup:
            command += ["--warmup-records", str(warmup)]
        if client_config:
            command += ["--command-config", str(client_config)]
        return parse_producer_performance(_run(command, 900, self.log), record_size)

    def consume(self, bootstrap, topic, records, record_size, group, client_config=None):
        command = self._java("org.apache.kafka.tools.ConsumerPerformance") + [
            "--bootstrap-server", bootstrap, "--topic", topic, "--group", group,
            "--num-records", str(records), "--timeout", "60000",
        ]
        if client_config:
            command += ["--command-config", str(client_config)]
        return parse_consumer_performance(_run(command, 900, self.log), record_size)

    def end_to_end(self, bootstrap, topic, records, record_size, acks):
        command = self._java("org.apache.kafka.tools.EndToEndLatency") + [
            "--bootstrap-server", bootstrap, "--topic", topic, "--num-records", str(records),
            "--producer-acks", str(acks), "--record-size", str(record_size),
        ]
        return parse_end_to_end_latency(_run(command, 900, self.log))

    def fan_out(self, bootstrap, topic, consumers, records_each, record_size):
        """N consumers in one JVM, each reading `records_each` records of `topic` from offset 0."""
        command = ["java", "-Xmx1G", "-cp", self.classpath,
                   str(BENCH_DIR / "java" / "FanOutConsumer.java"),
                   bootstrap, topic, str(consumers), str(records_each)]
        result = last_json_object(_run(command, 900, self.log))
        records_s = float(result["records_s"])
        return {
            "records": int(result["records"]),
            "records_s": records_s,
            "mib_s": records_s * record_size / MIB,
            "consumers": consumers,
        }


# ---- sluice perf -----------------------------------------------------------------------------


class SluiceTools:
    """`bin/sluice perf produce|consume|fetch|e2e` and `bin/sluice bench zerocopy`, with --json."""

    def __init__(self, repo_dir, log):
        self.script = str(Path(repo_dir) / "bin" / "sluice")
        self.log = log

    def _json(self, args, timeout_s=900):
        return last_json_object(_run([self.script] + args + ["--json"], timeout_s, self.log))

    def produce(self, bootstrap, topic, records, record_size, acks, throughput=-1):
        document = self._json([
            "perf", "produce", "--bootstrap-server", bootstrap, "--topic", topic,
            "--num-records", str(records), "--record-size", str(record_size),
            "--acks", str(acks), "--throughput", str(throughput),
        ])
        records_s = float(pick(document, "recordsPerSec"))
        return {
            "records": int(pick(document, "records", default=records)),
            "records_s": records_s,
            "mib_s": records_s * record_size / MIB,
            "lat_p50_ms": float(pick(document, "p50", default=-1)),
            "lat_p99_ms": float(pick(document, "p99", default=-1)),
            "lat_p999_ms": float(pick(document, "p99.9", default=-1)),
        }

    def consume(self, bootstrap, topic, records, record_size):
        document = self._json([
            "perf", "consume", "--bootstrap-server", bootstrap, "--topic", topic,
            "--num-records", str(records),
        ])
        records_s = float(pick(document, "recordsPerSec"))
        return {
            "records": int(pick(document, "records", default=records)),
            "records_s": records_s,
            "mib_s": records_s * record_size / MIB,
            "first_record_ms": float(pick(document, "firstRecordMs", default=-1)),
        }

    def fetch(self, bootstrap, topic, records, record_size, passes=5):
        """`perf fetch`: Fetch requests of 8 MiB, batch headers and CRCs checked, no decoding.

        The topic is read `passes` times so that the measurement is long enough to be warm (one
        pass over 1 GiB takes about half a second at the ceiling)."""
        document = self._json([
            "perf", "fetch", "--bootstrap-server", bootstrap, "--topic", topic,
            "--num-records", str(records * passes), "--passes", str(passes),
        ])
        records_s = float(pick(document, "recordsPerSec"))
        return {
            "records": int(pick(document, "records", default=records)),
            "records_s": records_s,
            "mib_s": records_s * record_size / MIB,
        }

    def end_to_end(self, bootstrap, topic, records, record_size, acks):
        """`perf e2e` paces its producer (1,000 records/s here); Kafka's tool sends one at a time."""
        document = self._json([
            "perf", "e2e", "--bootstrap-server", bootstrap, "--topic", topic,
            "--num-records", str(records), "--record-size", str(record_size), "--acks", str(acks),
            "--throughput", "1000",
        ])
        return {
            "e2e_p50_ms": float(pick(document, "p50", default=-1)),
            "e2e_p99_ms": float(pick(document, "p99", default=-1)),
            "e2e_p999_ms": float(pick(document, "p99.9", default=-1)),
        }

    def zerocopy_ceiling(self, size_mib, runs, work_dir):
        document = self._json(
            ["bench", "zerocopy", "--size", "%dMiB" % size_mib, "--runs", str(runs),
             "--dir", str(work_dir)],
            timeout_s=900,
        )
        return parse_zerocopy(document)


def parse_zerocopy(document):
    """MiB/s of each (target, method) of `sluice bench zerocopy --json`, e.g. socket_transfer_to."""
    figures = {}
    for result in document.get("results", []):
        key = "%s_%s_mib_s" % (result["target"], result["method"])
        figures[key] = float(result["mibPerSec"])
        figures[key.replace("_mib_s", "_cpu_ms")] = float(result["cpuMs"])
    if "socket_transfer_to_mib_s" not in figures:
        raise ToolError("no file-to-socket transferTo figure in %r" % document)
    return figures
