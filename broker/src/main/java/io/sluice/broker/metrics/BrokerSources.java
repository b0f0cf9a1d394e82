package io.sluice.broker.metrics;

import io.sluice.broker.server.ServerStats;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What the metrics read from a running broker, handed over by the composition root once the broker
 * is up (so this package depends on no handler class).
 *
 * @param logsSupplier every open log
 * @param committedOffsetsSupplier group id to its committed offsets
 * @param server the server's counters
 * @param parkedFetches fetches waiting for data
 */
public record BrokerSources(
    Supplier<List<Log>> logsSupplier,
    Supplier<Map<String, Map<TopicPartition, Long>>> committedOffsetsSupplier,
    ServerStats server,
    IntSupplier parkedFetches) {

  List<Log> logs() {
    return logsSupplier.get();
  }

  Map<String, Map<TopicPartition, Long>> committedOffsets() {
    return committedOffsetsSupplier.get();
  }
}
