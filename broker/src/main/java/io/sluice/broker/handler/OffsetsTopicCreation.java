package io.sluice.broker.handler;

import io.sluice.broker.group.OffsetsTopic;
import io.sluice.broker.group.OffsetsTopicConfig;
import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.broker.metadata.TopicAdmin;
import io.sluice.protocol.Errors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates {@code __consumer_offsets} on first use in a cluster, as Kafka does: the first
 * FindCoordinator for a group while the topic does not exist asks for it (and is answered {@code
 * COORDINATOR_NOT_AVAILABLE}; the client asks again). {@code offsets.topic.num.partitions}
 * partitions, {@code offsets.topic.replication.factor} replicas, or as many as brokers are live if
 * fewer, with a warning (the topic then stays at that replication factor). Every broker's replicas
 * of the topic are compacted ({@link OffsetsTopic#CONFIGS}). One creation at a time per broker;
 * concurrent creations by several brokers give one topic ({@code TOPIC_ALREADY_EXISTS} for the
 * others). Thread-safe, never blocks.
 */
final class OffsetsTopicCreation {
  private static final Logger log = LoggerFactory.getLogger(OffsetsTopicCreation.class);

  private final ClusterMetadata metadata;
  private final TopicAdmin admin;
  private final OffsetsTopicConfig config;
  private final AtomicBoolean creating = new AtomicBoolean();

  OffsetsTopicCreation(ClusterMetadata metadata, TopicAdmin admin, OffsetsTopicConfig config) {
    this.metadata = metadata;
    this.admin = admin;
    this.config = config;
  }

  /** Asks for the topic unless it exists or this broker is creating it already. */
  void ensure() {
    if (metadata.exists(OffsetsTopic.NAME) || !creating.compareAndSet(false, true)) {
      return;
    }
    int live = metadata.brokers(null).size();
    int replicas = Math.min(config.replicationFactor(), Math.max(live, 1));
    if (replicas < config.replicationFactor()) {
      log.warn(
          "creating {} with replication factor {}: offsets.topic.replication.factor={} is more than"
              + " the {} live broker(s)",
          OffsetsTopic.NAME,
          replicas,
          config.replicationFactor(),
          live);
    }
    admin
        .createTopic(OffsetsTopic.NAME, config.partitions(), replicas, false)
        .whenComplete(
            (error, failure) -> {
              creating.set(false);
              if (failure != null) {
                log.info("{} not created yet: {}", OffsetsTopic.NAME, failure.getMessage());
              } else if (error == Errors.NONE) {
                log.info(
                    "created {} with {} partitions and replication factor {}",
                    OffsetsTopic.NAME,
                    config.partitions(),
                    replicas);
              }
            });
  }
}
