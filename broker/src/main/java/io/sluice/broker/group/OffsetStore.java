package io.sluice.broker.group;

import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.Errors;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Committed consumer offsets by group: a checkpoint file on a single node ({@link
 * CommittedOffsets}), the replicated {@code __consumer_offsets} log in a cluster ({@link
 * ReplicatedGroupStorage}). A write's future completes once it is durable (in a cluster: once every
 * in-sync replica has it), or exceptionally, with a {@link io.sluice.protocol.SluiceException}
 * carrying the error the client gets. Thread-safe; nothing blocks.
 */
public interface OffsetStore extends AutoCloseable {

  /** Records the offsets; the future completes when they are durable. */
  CompletableFuture<Void> commit(
      String group, Map<TopicPartition, CommittedOffsets.Committed> offsets);

  /** Forgets the group's offsets (DeleteGroups); true if it had any. */
  CompletableFuture<Boolean> deleteGroup(String group);

  /** Forgets some of the group's offsets (OffsetDelete). */
  CompletableFuture<Void> delete(String group, Set<TopicPartition> partitions);

  /** The group's committed offsets (a snapshot); empty if it never committed. */
  Map<TopicPartition, CommittedOffsets.Committed> committed(String group);

  /** Every group with committed offsets here (a snapshot). */
  Set<String> groupIds();

  /**
   * Whether this broker coordinates the group now: {@code NONE}, {@code NOT_COORDINATOR}, or {@code
   * COORDINATOR_LOAD_IN_PROGRESS} while its offsets partition is being loaded. A single node
   * coordinates every group.
   */
  default Errors ownership(String groupId) {
    return Errors.NONE;
  }

  @Override
  void close();
}
