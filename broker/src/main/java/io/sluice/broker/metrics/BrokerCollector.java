package io.sluice.broker.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.TopicPartition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metrics read from the broker's state at scrape time: per topic, per partition, per group and
 * the server's counters. Nothing here runs on the request path; a scrape walks every log and every
 * committed offset once. Thread-safe (reads thread-safe state only).
 */
final class BrokerCollector implements MultiCollector {
  private final BrokerSources sources;

  BrokerCollector(BrokerSources sources) {
    this.sources = sources;
  }

  @Override
  public MetricSnapshots collect() {
    List<Log> logs = sources.logs();
    Map<TopicPartition, Long> endOffsets = new HashMap<>();
    Map<String, long[]> topics = new TreeMap<>(); // bytes in, records in, bytes out

    GaugeSnapshot.Builder logStart =
        gauge(
            "sluice_partition_log_start_offset",
            "First offset still in the partition's log (moves with retention).");
    GaugeSnapshot.Builder logEnd =
        gauge(
            "sluice_partition_log_end_offset",
            "Offset the next record appended to the partition gets.");
    GaugeSnapshot.Builder size =
        gauge(
            "sluice_partition_size_bytes",
            "Bytes of the partition's segment files (indexes not counted).");
    for (Log log : logs) {
      TopicPartition tp = log.topicPartition();
      Labels labels = Labels.of("topic", tp.topic(), "partition", Integer.toString(tp.partition()));
      long end = log.logEndOffset();
      endOffsets.put(tp, end);
      logStart.dataPoint(point(labels, log.logStartOffset()));
      logEnd.dataPoint(point(labels, end));
      size.dataPoint(point(labels, log.sizeInBytes()));
      long[] totals = topics.computeIfAbsent(tp.topic(), t -> new long[3]);
      totals[0] += log.appendedBytes();
      totals[1] += log.appendedRecords();
      totals[2] += log.readBytes();
    }

    CounterSnapshot.Builder bytesIn =
        counter(
            "sluice_topic_bytes_in",
            "Record batch bytes appended to the topic since the broker started.");
    CounterSnapshot.Builder recordsIn =
        counter(
            "sluice_topic_records_in",
            "Records appended to the topic since the broker started (re-sent duplicates not counted).");
    CounterSnapshot.Builder bytesOut =
        counter(
            "sluice_topic_bytes_out",
            "Record bytes read from the topic's logs into Fetch responses since the broker started.");
    for (Map.Entry<String, long[]> topic : topics.entrySet()) {
      Labels labels = Labels.of("topic", topic.getKey());
      bytesIn.dataPoint(counterPoint(labels, topic.getValue()[0]));
      recordsIn.dataPoint(counterPoint(labels, topic.getValue()[1]));
      bytesOut.dataPoint(counterPoint(labels, topic.getValue()[2]));
    }

    GaugeSnapshot.Builder committed =
        gauge(
            "sluice_consumer_group_committed_offset",
            "Offset the group last committed for the partition.");
    GaugeSnapshot.Builder lag =
        gauge(
            "sluice_consumer_group_lag",
            "Records between the group's committed offset and the partition's log end offset.");
    Map<String, Map<TopicPartition, Long>> groups = new TreeMap<>(sources.committedOffsets());
    for (Map.Entry<String, Map<TopicPartition, Long>> group : groups.entrySet()) {
      for (Map.Entry<TopicPartition, Long> offset : group.getValue().entrySet()) {
        TopicPartition tp = offset.getKey();
        Labels labels =
            Labels.of(
                "group", group.getKey(),
                "topic", tp.topic(),
                "partition", Integer.toString(tp.partition()));
        committed.dataPoint(point(labels, offset.getValue()));
        Long end = endOffsets.get(tp);
        if (end != null) { // no lag for a partition that no longer exists
          lag.dataPoint(point(labels, Math.max(0, end - offset.getValue())));
        }
      }
    }

    return MetricSnapshots.of(
        bytesIn.build(),
        recordsIn.build(),
        bytesOut.build(),
        logStart.build(),
        logEnd.build(),
        size.build(),
        committed.build(),
        lag.build(),
        gauge("sluice_connections", "Open client connections.")
            .dataPoint(point(Labels.EMPTY, sources.server().openConnections()))
            .build(),
        counter("sluice_connections_rejected", "Connections closed at once for max.connections.")
            .dataPoint(counterPoint(Labels.EMPTY, sources.server().rejectedConnections()))
            .build(),
        gauge("sluice_fetches_parked", "Fetch requests waiting for data (long poll).")
            .dataPoint(point(Labels.EMPTY, sources.parkedFetches().getAsInt()))
            .build(),
        counter(
                "sluice_fetch_sent_bytes",
                "Fetched record bytes written to sockets, by path: sendfile (file regions,"
                    + " zero-copy) or copy (read into buffers first).")
            .dataPoint(
                counterPoint(Labels.of("path", "sendfile"), sources.server().fileRegionBytes()))
            .dataPoint(counterPoint(Labels.of("path", "copy"), sources.server().copiedBytes()))
            .build());
  }

  private static GaugeSnapshot.Builder gauge(String name, String help) {
    return GaugeSnapshot.builder().name(name).help(help);
  }

  private static CounterSnapshot.Builder counter(String name, String help) {
    return CounterSnapshot.builder().name(name).help(help);
  }

  private static GaugeDataPointSnapshot point(Labels labels, double value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static CounterDataPointSnapshot counterPoint(Labels labels, double value) {
    return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
