"""The workloads of one broker session, in the order they run, and how each one is executed.

A session is: start the broker, let it idle 2 s (idle RSS), run every workload below against it
while sampling its CPU and GC before and after each, sample its memory again ("after load"), stop
it. Produce workloads write their own topic; consume workloads read the topic a produce workload
wrote (so the data is the same size on both brokers and warm in the page cache on both).

Record counts scale from one number, `records` (1 KiB records; default 1,000,000 = 1 GiB): 100-byte
records use 3x as many. Latency runs are paced at 20,000 records/s for `latency_seconds`.
"""

from dataclasses import dataclass, field

KIB = 1024
SMALL = 100


@dataclass(frozen=True)
class Workload:
    id: str
    kind: str  # produce | consume | fetch | latency | e2e
    tool: str  # kafka | sluice (whose load tool runs it)
    size: int
    acks: str = "1"
    partitions: int = 1
    reads: str = ""  # consume: the produce workload whose topic is read
    suites: tuple = field(default=("quick", "full"))

    @property
    def label(self):
        size = "1KiB" if self.size == KIB else "%dB" % self.size
        if self.kind == "consume":
            return "consume %s %dp (%s tool)" % (size, self.partitions, self.tool)
        if self.kind == "fetch":
            return "fetch %s %dp (sluice perf fetch, no decoding)" % (size, self.partitions)
        if self.kind == "latency":
            return "produce %s acks=%s @20k/s (%s tool)" % (size, self.acks, self.tool)
        if self.kind == "e2e":
            return "e2e %s acks=%s (%s tool)" % (size, self.acks, self.tool)
        return "produce %s acks=%s %dp (%s tool)" % (size, self.acks, self.partitions, self.tool)


def _produce(tool, size, acks, partitions, suites=("quick", "full")):
    name = "produce-%s-%s-acks%s-p%d" % (tool, size, acks, partitions)
    return Workload(name, "produce", tool, size, acks, partitions, suites=suites)


def _consume(tool, source):
    return Workload(
        "consume-%s-from-%s" % (tool, source.id), "consume", tool, source.size,
        partitions=source.partitions, reads=source.id, suites=source.suites,
    )


def _fetch(source):
    """`sluice perf fetch`: the broker's fetch path with a reader that does not decode records."""
    return Workload(
        "fetch-sluice-from-%s" % source.id, "fetch", "sluice", source.size,
        partitions=source.partitions, reads=source.id, suites=source.suites,
    )


def workloads():
    full = ("full",)
    produce = [
        _produce("kafka", KIB, "1", 1),
        _produce("kafka", KIB, "all", 1),
        _produce("kafka", KIB, "1", 3),
        _produce("kafka", KIB, "all", 3, full),
        _produce("kafka", SMALL, "1", 1),
        _produce("kafka", SMALL, "all", 1, full),
        _produce("kafka", SMALL, "1", 3, full),
        _produce("sluice", KIB, "1", 1),
        _produce("sluice", KIB, "all", 1, full),
        _produce("sluice", KIB, "1", 3, full),
        _produce("sluice", SMALL, "1", 1),
        _produce("sluice", SMALL, "all", 1, full),
    ]
    by_id = {w.id: w for w in produce}
    consume = [
        _consume("kafka", by_id["produce-kafka-1024-acks1-p1"]),
        _consume("kafka", by_id["produce-kafka-1024-acks1-p3"]),
        _consume("kafka", by_id["produce-kafka-100-acks1-p1"]),
        _consume("sluice", by_id["produce-kafka-1024-acks1-p1"]),
        _consume("sluice", by_id["produce-kafka-1024-acks1-p3"]),
        _consume("sluice", by_id["produce-kafka-100-acks1-p1"]),
        _fetch(by_id["produce-kafka-1024-acks1-p1"]),
        _fetch(by_id["produce-kafka-1024-acks1-p3"]),
    ]
    latency = [
        Workload("latency-kafka-1024-acks1", "latency", "kafka", KIB, "1"),
        Workload("latency-kafka-1024-acksall", "latency", "kafka", KIB, "all"),
        Workload("latency-sluice-1024-acks1", "latency", "sluice", KIB, "1", suites=full),
        Workload("e2e-kafka-1024-acks1", "e2e", "kafka", KIB, "1"),
        Workload("e2e-sluice-1024-acks1", "e2e", "sluice", KIB, "1"),
    ]
    return produce + consume + latency


def selected(suite, only=None):
    chosen = [w for w in workloads() if suite in w.suites]
    if only:
        chosen = [w for w in chosen if any(token in w.id for token in only)]
    return chosen


def record_count(workload, records):
    return records if workload.size == KIB else records * 3


def execute(workload, broker, tools, settings, topics, run_index):
    """Runs one workload against `broker`; returns (metrics, bytes moved). Raises on failure."""
    tool = tools[workload.tool]
    bootstrap = broker.bootstrap
    if workload.kind == "produce":
        topic = "%s-r%d" % (workload.id, run_index)
        broker.create_topic(topic, workload.partitions)
        count = record_count(workload, settings.records)
        metrics = tool.produce(bootstrap, topic, count, workload.size, workload.acks)
        topics[workload.id] = (topic, metrics["records"])
        return metrics, metrics["records"] * workload.size
    if workload.kind in ("consume", "fetch"):
        if workload.reads not in topics:
            raise RuntimeError("its source workload %s did not run" % workload.reads)
        topic, count = topics[workload.reads]
        if workload.kind == "fetch":
            metrics = tool.fetch(bootstrap, topic, count, workload.size)
        elif workload.tool == "kafka":
            group = "bench-%s-r%d" % (workload.id, run_index)
            metrics = tool.consume(bootstrap, topic, count, workload.size, group)
        else:
            metrics = tool.consume(bootstrap, topic, count, workload.size)
        return metrics, metrics["records"] * workload.size
    if workload.kind == "latency":
        topic = "%s-r%d" % (workload.id, run_index)
        broker.create_topic(topic, 1)
        count = 20000 * settings.latency_seconds
        if workload.tool == "kafka":
            metrics = tool.produce(bootstrap, topic, count, workload.size, workload.acks,
                                   throughput=20000, warmup=count // 10)
        else:
            metrics = tool.produce(bootstrap, topic, count, workload.size, workload.acks,
                                   throughput=20000)
        return metrics, metrics["records"] * workload.size
    if workload.kind == "e2e":
        topic = "%s-r%d" % (workload.id, run_index)
        broker.create_topic(topic, 1)
        metrics = tool.end_to_end(bootstrap, topic, settings.e2e_records, workload.size,
                                  workload.acks)
        return metrics, settings.e2e_records * workload.size
    raise ValueError("unknown workload kind %s" % workload.kind)
