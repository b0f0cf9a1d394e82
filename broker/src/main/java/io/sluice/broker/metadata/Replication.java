package io.sluice.broker.metadata;

import io.sluice.protocol.Errors;

/**
 * What the data-path handlers ask of replication on the leader of a partition: whether an {@code
 * acks=all} write has enough in-sync replicas, and a follower's fetch (its replica id and the
 * offset it fetches from, which is its log end). The high watermark itself lives on the partition's
 * log. A single node has no replication ({@link #NONE}); cluster mode implements it.
 *
 * <p>Thread safety: every method may be called from any event loop and does not block.
 */
public interface Replication {
  /** No replication: one replica of everything, every write is fully replicated when appended. */
  Replication NONE =
      new Replication() {
        @Override
        public Errors checkInSyncReplicas(String topic, int partition) {
          return Errors.NONE;
        }

        @Override
        public Errors followerFetch(String topic, int partition, int replicaId, long fetchOffset) {
          return Errors.NOT_LEADER_OR_FOLLOWER;
        }
      };

  /**
   * {@code NONE} if an {@code acks=all} write to this partition (led here) may be appended, {@code
   * NOT_ENOUGH_REPLICAS} if its in-sync replicas are fewer than {@code min.insync.replicas}.
   */
  Errors checkInSyncReplicas(String topic, int partition);

  /**
   * A follower fetches this partition (led here) from {@code fetchOffset}: records its progress,
   * which may move the high watermark and grow the in-sync replicas. {@code NONE}, or {@code
   * NOT_LEADER_OR_FOLLOWER} when {@code replicaId} is not a replica of the partition or this broker
   * does not lead it at the moment.
   */
  Errors followerFetch(String topic, int partition, int replicaId, long fetchOffset);
}
