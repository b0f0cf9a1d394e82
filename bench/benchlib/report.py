"""Turning raw rows into the comparison: medians across runs, one table, targets, files, chart.

A raw row is a flat dict: `run`, `broker`, `workload` (an id from plan.py, or "session",
"fanout-<mode>-<n>", "ceiling"), then numbers. Medians are taken per (broker, workload, metric)
over the runs that produced the metric; a ratio is Sluice's median over Kafka's.
"""

import csv
import json
import statistics
import subprocess
from pathlib import Path

from .plan import workloads

BENCH_DIR = Path(__file__).resolve().parent.parent

METRICS = {
    "produce": [("records_s", "records/s"), ("mib_s", "MiB/s"), ("lat_p50_ms", "p50 ms"),
                ("lat_p99_ms", "p99 ms"), ("lat_p999_ms", "p99.9 ms"),
                ("cpu_s_per_gb", "CPU s/GB"), ("cpu_all_s_per_gb", "CPU s/GB incl. JIT"),
                ("client_cpu_s_per_gb", "load tool CPU s/GB (incl. its JVM start)"),
                ("gc_count", "GCs"), ("gc_pause_ms", "GC pause ms")],
    "consume": [("records_s", "records/s"), ("mib_s", "MiB/s"), ("cpu_s_per_gb", "CPU s/GB"),
                ("cpu_all_s_per_gb", "CPU s/GB incl. JIT"),
                ("client_cpu_s_per_gb", "load tool CPU s/GB (incl. its JVM start)"), ("gc_count", "GCs"),
                ("gc_pause_ms", "GC pause ms")],
    "fetch": [("records_s", "records/s"), ("mib_s", "MiB/s"), ("cpu_s_per_gb", "CPU s/GB"),
              ("gc_count", "GCs")],
    "latency": [("lat_p50_ms", "p50 ms"), ("lat_p99_ms", "p99 ms"), ("lat_p999_ms", "p99.9 ms"),
                ("cpu_s_per_gb", "CPU s/GB")],
    "e2e": [("e2e_p50_ms", "e2e p50 ms"), ("e2e_p99_ms", "e2e p99 ms"),
            ("e2e_p999_ms", "e2e p99.9 ms")],
    "session": [("ready_s", "start to ready s"), ("idle_rss_mb", "RSS idle MB"),
                ("load_rss_mb", "RSS after load MB"), ("peak_rss_mb", "RSS peak MB"),
                ("gc_count", "GCs (whole session)"), ("gc_pause_ms", "GC pause ms (session)"),
                ("cpu_s", "CPU s (whole session)"), ("jit_s", "of which JIT compilers s")],
}


def median(rows, broker, workload, metric):
    values = [row[metric] for row in rows
              if row.get("broker") == broker and row.get("workload") == workload
              and isinstance(row.get(metric), (int, float)) and row[metric] >= 0]
    return statistics.median(values) if values else None


def _fmt(value):
    if value is None:
        return "n/a"
    if abs(value) >= 1000:
        return "{:,.0f}".format(value)
    if abs(value) >= 10:
        return "%.1f" % value
    return "%.2f" % value


def ratio(sluice, kafka):
    if sluice is None or kafka is None or kafka == 0:
        return None
    return sluice / kafka


def comparison_table(rows):
    """Markdown lines: workload, metric, Kafka, Sluice, Sluice/Kafka (medians over runs)."""
    lines = ["| workload | metric | Kafka | Sluice | Sluice/Kafka |", "|---|---|---:|---:|---:|"]
    entries = [("session", "broker session", "session")]
    entries += [(w.id, w.label, w.kind) for w in workloads()]
    for workload, label, kind in entries:
        if not any(row.get("workload") == workload for row in rows):
            continue
        for metric, name in METRICS[kind]:
            kafka = median(rows, "kafka", workload, metric)
            sluice = median(rows, "sluice", workload, metric)
            if kafka is None and sluice is None:
                continue
            r = ratio(sluice, kafka)
            lines.append("| %s | %s | %s | %s | %s |" % (
                label, name, _fmt(kafka), _fmt(sluice), "n/a" if r is None else "%.2fx" % r))
    return lines


def zerocopy_table(rows):
    lines = ["| broker | fetch path | consumers | MiB/s | CPU s/GB | GCs | of transferTo ceiling |",
             "|---|---|---:|---:|---:|---:|---:|"]
    ceiling = median(rows, "sluice", "ceiling", "socket_transfer_to_mib_s")
    for broker in ("sluice", "kafka"):
        for mode in ("zerocopy", "copy"):
            for consumers in (1, 4, 16):
                workload = "fanout-%s-%d" % (mode, consumers)
                mib_s = median(rows, broker, workload, "mib_s")
                if mib_s is None:
                    continue
                share = "n/a" if not ceiling else "%.0f%%" % (100.0 * mib_s / ceiling)
                lines.append("| %s | %s | %d | %s | %s | %s | %s |" % (
                    broker, mode, consumers, _fmt(mib_s),
                    _fmt(median(rows, broker, workload, "cpu_s_per_gb")),
                    _fmt(median(rows, broker, workload, "gc_count")), share))
    lines.append("")
    lines.append("`bench zerocopy` file-to-loopback-socket ceiling: transferTo %s MiB/s, "
                 "read/write %s MiB/s." % (
                     _fmt(ceiling), _fmt(median(rows, "sluice", "ceiling",
                                                "socket_read_write_mib_s"))))
    return lines


def _target(name, value, limit, higher_is_better):
    if value is None:
        return "| %s | n/a | %s | not measured |" % (name, limit)
    met = value >= limit if higher_is_better else value <= limit
    return "| %s | %s | %s %s | %s |" % (
        name, _fmt(value), ">=" if higher_is_better else "<=", _fmt(limit),
        "met" if met else "MISSED")


def targets(rows):
    def r(workload, metric):
        return ratio(median(rows, "sluice", workload, metric),
                     median(rows, "kafka", workload, metric))

    p1 = "produce-kafka-1024-acks1-p1"
    consume = "consume-kafka-from-" + p1
    sluice_consume = median(rows, "sluice", "consume-sluice-from-" + p1, "mib_s")
    sluice_fetch = median(rows, "sluice", "fetch-sluice-from-" + p1, "mib_s")
    ceiling = median(rows, "sluice", "ceiling", "socket_transfer_to_mib_s")

    def fanout_cpu(mode):
        values = [median(rows, "sluice", "fanout-%s-%d" % (mode, n), "cpu_s_per_gb")
                  for n in (1, 4, 16)]
        values = [v for v in values if v is not None]
        return statistics.mean(values) if values else None

    zero, copy = fanout_cpu("zerocopy"), fanout_cpu("copy")
    return [
        "| target | measured | goal | verdict |", "|---|---:|---:|---|",
        _target("produce 1 KiB acks=1 records/s (Kafka tool), ratio", r(p1, "records_s"), 1.5,
                True),
        _target("produce 1 KiB acks=all records/s (Kafka tool), ratio",
                r("produce-kafka-1024-acksall-p1", "records_s"), 1.5, True),
        _target("broker CPU s/GB produced, ratio", r(p1, "cpu_s_per_gb"), 0.25, False),
        _target("produce p99 at 20,000 rec/s, ratio", r("latency-kafka-1024-acks1", "lat_p99_ms"),
                0.5, False),
        _target("e2e p99, ratio", r("e2e-kafka-1024-acks1", "e2e_p99_ms"), 0.5, False),
        _target("consume records/s (Kafka tool), ratio", r(consume, "records_s"), 1.0, True),
        _target("`sluice perf consume` / transferTo ceiling",
                None if not (sluice_consume and ceiling) else sluice_consume / ceiling, 0.7, True),
        _target("(supplement) `sluice perf fetch`, no decoding / transferTo ceiling",
                None if not (sluice_fetch and ceiling) else sluice_fetch / ceiling, 0.7, True),
        _target("consume records/s (kafka-clients assign(), 1 consumer), ratio",
                r("fanout-zerocopy-1", "records_s"), 1.0, True),
        _target("broker CPU s/GB consumed (Kafka tool), ratio", r(consume, "cpu_s_per_gb"), 0.5,
                False),
        _target("broker CPU s/GB consumed (assign(), 16 consumers), ratio",
                r("fanout-zerocopy-16", "cpu_s_per_gb"), 0.5, False),
        _target("zero-copy CPU s/GB / copy path CPU s/GB",
                None if not (zero and copy) else zero / copy, 0.6, False),
        _target("Sluice start to ready, s", median(rows, "sluice", "session", "ready_s"), 0.5,
                False),
        _target("Sluice RSS idle, MB", median(rows, "sluice", "session", "idle_rss_mb"), 100,
                False),
        _target("Sluice RSS after load, MB", median(rows, "sluice", "session", "load_rss_mb"),
                300, False),
    ]


def chart_rows(rows):
    """(panel, unit, category, series, value) for Chart.java, medians over runs."""
    out = []

    def add(panel, unit, category, workload, metric):
        for broker, series in (("kafka", "Kafka 4.4.0"), ("sluice", "Sluice")):
            value = median(rows, broker, workload, metric)
            out.append((panel, unit, category, series, "n/a" if value is None else "%.3f" % value))

    for workload in workloads():
        if workload.kind == "produce" and workload.tool == "kafka":
            if any(row.get("workload") == workload.id for row in rows):
                category = "%s\\nacks=%s %dp" % (
                    "1 KiB" if workload.size == 1024 else "100 B", workload.acks,
                    workload.partitions)
                add("Produce throughput, Kafka's producer tool", "MiB/s", category, workload.id,
                    "mib_s")
    for workload in workloads():
        if workload.kind != "consume" or not any(r.get("workload") == workload.id for r in rows):
            continue
        if workload.tool == "sluice" and (workload.size != 1024 or workload.partitions != 1):
            continue  # the table has them all; the chart keeps to what fits
        category = "%s %dp\\n%s" % ("1 KiB" if workload.size == 1024 else "100 B",
                                    workload.partitions,
                                    "Kafka tool" if workload.tool == "kafka" else "sluice perf")
        add("Consume throughput", "MiB/s", category, workload.id, "mib_s")
    for consumers in (1, 16):
        workload = "fanout-zerocopy-%d" % consumers
        if any(r.get("workload") == workload for r in rows):
            add("Consume throughput", "MiB/s", "assign()\\n%d consumer%s" % (
                consumers, "s" if consumers > 1 else ""), workload, "mib_s")
    add("Latency, 1 KiB records", "ms", "produce p99\\n@20k/s acks=1",
        "latency-kafka-1024-acks1", "lat_p99_ms")
    add("Latency, 1 KiB records", "ms", "produce p99\\n@20k/s acks=all",
        "latency-kafka-1024-acksall", "lat_p99_ms")
    add("Latency, 1 KiB records", "ms", "e2e p99\\n(Kafka tool)", "e2e-kafka-1024-acks1",
        "e2e_p99_ms")
    p1 = "produce-kafka-1024-acks1-p1"
    add("Broker CPU per GB moved", "s/GB", "produce 1 KiB\\nacks=1", p1, "cpu_s_per_gb")
    add("Broker CPU per GB moved", "s/GB", "consume 1 KiB\\n(Kafka tool)",
        "consume-kafka-from-" + p1, "cpu_s_per_gb")
    add("Broker CPU per GB moved", "s/GB", "consume 1 KiB\\n16 consumers",
        "fanout-zerocopy-16", "cpu_s_per_gb")
    add("Broker memory", "MB RSS", "idle", "session", "idle_rss_mb")
    add("Broker memory", "MB RSS", "after the workloads", "session", "load_rss_mb")
    add("Start to ready", "s", "launch to first\\nApiVersions answer", "session", "ready_s")
    return out


def write_outputs(rows, out_dir, chart_path, header_lines, log):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(rows, indent=1, sort_keys=True) + "\n")
    keys = sorted({key for row in rows for key in row})
    with open(out_dir / "results.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=keys)
        writer.writeheader()
        writer.writerows(rows)
    summary = list(header_lines) + ["", "## Sluice vs Kafka (medians over runs)", ""]
    summary += comparison_table(rows)
    summary += ["", "## Zero-copy inside Sluice", ""] + zerocopy_table(rows)
    summary += ["", "## Targets", ""] + targets(rows)
    (out_dir / "summary.md").write_text("\n".join(summary) + "\n")
    tsv = out_dir / "chart.tsv"
    tsv.write_text("".join("\t".join(fields) + "\n" for fields in chart_rows(rows)))
    try:
        subprocess.run(["java", str(BENCH_DIR / "java" / "Chart.java"), str(tsv), str(chart_path),
                        "Sluice vs Apache Kafka 4.4.0, one machine (medians)"],
                       check=True, capture_output=True, text=True, timeout=120)
        log("chart written to %s" % chart_path)
    except (OSError, subprocess.SubprocessError) as e:
        log("chart not written: %s" % e)
    return "\n".join(summary)


BEGIN_MARK = "<!-- bench:results:begin -->"
END_MARK = "<!-- bench:results:end -->"


def publish(summary_text, doc_path):
    """Replaces the generated block of docs/performance.md (between the markers) with the run."""
    doc = Path(doc_path)
    text = doc.read_text()
    start, end = text.find(BEGIN_MARK), text.find(END_MARK)
    if start < 0 or end < start:
        raise ValueError("%s has no %s ... %s block" % (doc, BEGIN_MARK, END_MARK))
    # The summary's own title becomes a lower heading level inside the document.
    body = "\n".join(("##" + line) if line.startswith("#") else line
                     for line in summary_text.splitlines())
    doc.write_text(text[: start + len(BEGIN_MARK)] + "\n" + body + "\n" + text[end:])
