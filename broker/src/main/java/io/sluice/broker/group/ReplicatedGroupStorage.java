package io.sluice.broker.group;

import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster's committed offsets and group metadata, kept in the replicated {@code
 * __consumer_offsets} topic (Kafka's design). A group belongs to partition {@link
 * OffsetsTopic#partitionFor}; the broker that leads that partition coordinates it.
 *
 * <ul>
 *   <li><b>Taking over.</b> When this broker becomes leader of an offsets partition ({@link
 *       #becameLeader}), the partition is read from its start to its end on the loader thread and
 *       the latest record of every key wins: committed offsets go into this cache, group metadata
 *       into the {@link GroupCoordinator}. Until that is done the partition's groups get {@code
 *       COORDINATOR_LOAD_IN_PROGRESS} ({@link #ownership}); clients retry.
 *   <li><b>Writing.</b> A commit, a group's settled generation, a deletion (tombstones, a key with
 *       no value) are appended to the partition as its leader, as one batch, and answered once the
 *       high watermark passes it (every in-sync replica has it; {@code min.insync.replicas}
 *       applies). Only then does the cache show it. Kafka's error mapping: fewer in-sync replicas,
 *       a timeout: {@code COORDINATOR_NOT_AVAILABLE}; leadership moved: {@code NOT_COORDINATOR};
 *       too large: {@code INVALID_COMMIT_OFFSET_SIZE}.
 *   <li><b>Giving up.</b> When it stops leading the partition ({@link #resigned}), its offsets are
 *       dropped from the cache and its groups from the coordinator, whose waiting requests get
 *       {@code NOT_COORDINATOR}, so clients find the new leader, which loads the same log.
 * </ul>
 *
 * <p>The cache keeps, with each committed offset, the log offset of the record that wrote it, and
 * replaces it only with a later one, so two commits whose appends complete out of order leave the
 * later one, as the log does.
 *
 * <p>Thread safety: the partition map and the caches are concurrent; a partition's load and its
 * unload synchronize on its {@code Partition} object, which is never held while taking anything but
 * group locks (lock order: partition, then group). Appends never block.
 */
public final class ReplicatedGroupStorage implements OffsetStore, GroupPersistence {
  private static final Logger log = LoggerFactory.getLogger(ReplicatedGroupStorage.class);

  /** A committed offset and the log offset of the record that wrote it. */
  private record Stored(CommittedOffsets.Committed committed, long logOffset) {}

  /** One offsets partition led here in one leader epoch. */
  private static final class Partition {
    final int index;
    final int leaderEpoch;
    final OffsetsLog log;
    final Map<String, Map<TopicPartition, Stored>> offsets = new ConcurrentHashMap<>();
    volatile boolean loaded;
    boolean resigned; // guarded by this

    Partition(int index, int leaderEpoch, OffsetsLog log) {
      this.index = index;
      this.leaderEpoch = leaderEpoch;
      this.log = log;
    }
  }

  private final Map<Integer, Partition> partitions = new ConcurrentHashMap<>();
  private final ExecutorService loader;
  private final ExecutorService writer;
  private volatile int partitionCount;
  private volatile GroupCoordinator coordinator;
  private volatile boolean closed;

  public ReplicatedGroupStorage() {
    this.loader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-group-loader");
              t.setDaemon(true);
              return t;
            });
    this.writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-group-writer");
              t.setDaemon(true);
              return t;
            });
  }

  /** The coordinator whose groups are loaded and unloaded; set once, before any leadership. */
  void attach(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  /**
   * This broker leads offsets partition {@code index} (of {@code count}) in {@code leaderEpoch}:
   * load it on the loader thread. Called on the cluster-state thread, in order with {@link
   * #resigned}; returns at once.
   */
  public void becameLeader(int index, int count, int leaderEpoch, OffsetsLog partitionLog) {
    partitionCount = count;
    Partition next = new Partition(index, leaderEpoch, partitionLog);
    Partition previous = partitions.put(index, next);
    if (previous != null) {
      unload(previous);
    }
    try {
      loader.execute(() -> load(next));
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** This broker no longer leads offsets partition {@code index}: its groups go elsewhere. */
  public void resigned(int index) {
    Partition previous = partitions.remove(index);
    if (previous != null) {
      unload(previous);
      log.info("{}-{}: no longer led here; its groups are unloaded", OffsetsTopic.NAME, index);
    }
  }

  private void load(Partition p) {
    long start = System.nanoTime();
    Map<String, Map<TopicPartition, Stored>> offsets = new HashMap<>();
    Map<String, GroupSnapshot> groups = new HashMap<>();
    int[] skipped = new int[1];
    try {
      p.log.replay(
          (offset, key, value) -> {
            if (key == null) {
              skipped[0]++;
              return;
            }
            try {
              OffsetsRecords.Key decoded = OffsetsRecords.key(key);
              if (decoded instanceof OffsetsRecords.OffsetKey k) {
                if (value == null) {
                  Map<TopicPartition, Stored> of = offsets.get(k.group());
                  if (of != null) {
                    of.remove(k.partition());
                  }
                } else {
                  offsets
                      .computeIfAbsent(k.group(), g -> new HashMap<>())
                      .put(k.partition(), new Stored(OffsetsRecords.offsetValue(value), offset));
                }
              } else if (value == null) {
                groups.remove(decoded.group());
              } else {
                groups.put(decoded.group(), OffsetsRecords.groupValue(decoded.group(), value));
              }
            } catch (IllegalArgumentException e) {
              skipped[0]++;
            }
          });
    } catch (RuntimeException e) {
      log.error(
          "{}-{}: cannot load the partition; its groups stay unavailable until its leader changes",
          OffsetsTopic.NAME,
          p.index,
          e);
      return;
    }
    int entries = 0;
    synchronized (p) {
      if (p.resigned || closed) {
        return;
      }
      for (Map.Entry<String, Map<TopicPartition, Stored>> group : offsets.entrySet()) {
        if (!group.getValue().isEmpty()) {
          p.offsets.put(group.getKey(), new ConcurrentHashMap<>(group.getValue()));
          entries += group.getValue().size();
        }
      }
      GroupCoordinator groupCoordinator = coordinator;
      if (groupCoordinator != null) {
        groupCoordinator.load(groups.values(), groupId -> belongsTo(groupId, p));
      }
      p.loaded = true;
    }
    if (skipped[0] > 0) {
      log.warn(
          "{}-{}: skipped {} record(s) that are not offset commits or group metadata",
          OffsetsTopic.NAME,
          p.index,
          skipped[0]);
    }
    log.info(
        "{}-{}: loaded in leader epoch {}: {} group(s), {} committed offset(s) of {} group(s), in"
            + " {} ms",
        OffsetsTopic.NAME,
        p.index,
        p.leaderEpoch,
        groups.size(),
        entries,
        offsets.size(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  private void unload(Partition p) {
    synchronized (p) {
      p.resigned = true;
      p.loaded = false;
      p.offsets.clear();
      GroupCoordinator groupCoordinator = coordinator;
      if (groupCoordinator != null) {
        groupCoordinator.unload(groupId -> belongsTo(groupId, p));
      }
    }
  }

  private boolean belongsTo(String groupId, Partition p) {
    int count = partitionCount;
    return count > 0 && OffsetsTopic.partitionFor(groupId, count) == p.index;
  }

  /** The loaded partition of the group, or null when this broker does not coordinate it. */
  private Partition owning(String groupId) {
    int count = partitionCount;
    if (count <= 0 || groupId == null) {
      return null;
    }
    Partition p = partitions.get(OffsetsTopic.partitionFor(groupId, count));
    return p != null && p.loaded ? p : null;
  }

  @Override
  public Errors ownership(String groupId) {
    int count = partitionCount;
    if (count <= 0) {
      return Errors.NOT_COORDINATOR;
    }
    Partition p = partitions.get(OffsetsTopic.partitionFor(groupId, count));
    if (p == null) {
      return Errors.NOT_COORDINATOR;
    }
    return p.loaded ? Errors.NONE : Errors.COORDINATOR_LOAD_IN_PROGRESS;
  }

  @Override
  public CompletableFuture<Void> commit(
      String group, Map<TopicPartition, CommittedOffsets.Committed> offsets) {
    Partition p = owning(group);
    if (p == null) {
      return notCoordinator(group);
    }
    long now = System.currentTimeMillis();
    List<TopicPartition> order = new ArrayList<>(offsets.keySet());
    RecordBatchBuilder batch = new RecordBatchBuilder();
    for (TopicPartition tp : order) {
      batch.append(
          now,
          OffsetsRecords.offsetKey(group, tp),
          OffsetsRecords.offsetValue(offsets.get(tp), now));
    }
    return append(p, batch.build(), Errors.INVALID_COMMIT_OFFSET_SIZE)
        .thenAccept(
            base -> {
              Map<TopicPartition, Stored> cached =
                  p.offsets.computeIfAbsent(group, g -> new ConcurrentHashMap<>());
              for (int i = 0; i < order.size(); i++) {
                Stored next = new Stored(offsets.get(order.get(i)).committedAt(now), base + i);
                cached.merge(
                    order.get(i),
                    next,
                    (old, now2) -> old.logOffset() > now2.logOffset() ? old : now2);
              }
              if (!p.loaded) {
                p.offsets.remove(group); // unloaded meanwhile
              }
            });
  }

  @Override
  public CompletableFuture<Boolean> deleteGroup(String group) {
    Partition p = owning(group);
    if (p == null) {
      return notCoordinator(group);
    }
    Map<TopicPartition, Stored> cached = p.offsets.get(group);
    if (cached == null || cached.isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    return tombstones(p, group, Set.copyOf(cached.keySet())).thenApply(v -> true);
  }

  @Override
  public CompletableFuture<Void> delete(String group, Set<TopicPartition> partitionsToDelete) {
    Partition p = owning(group);
    if (p == null) {
      return notCoordinator(group);
    }
    Map<TopicPartition, Stored> cached = p.offsets.get(group);
    Set<TopicPartition> present = new HashSet<>(partitionsToDelete);
    if (cached == null) {
      present.clear();
    } else {
      present.retainAll(cached.keySet());
    }
    if (present.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return tombstones(p, group, present);
  }

  private CompletableFuture<Void> tombstones(Partition p, String group, Set<TopicPartition> tps) {
    long now = System.currentTimeMillis();
    List<TopicPartition> order = new ArrayList<>(tps);
    RecordBatchBuilder batch = new RecordBatchBuilder();
    for (TopicPartition tp : order) {
      batch.append(now, OffsetsRecords.offsetKey(group, tp), null);
    }
    return append(p, batch.build(), Errors.INVALID_COMMIT_OFFSET_SIZE)
        .thenAccept(
            base -> {
              Map<TopicPartition, Stored> cached = p.offsets.get(group);
              if (cached == null) {
                return;
              }
              for (int i = 0; i < order.size(); i++) {
                long tombstone = base + i;
                cached.computeIfPresent(
                    order.get(i), (tp, old) -> old.logOffset() < tombstone ? null : old);
              }
              p.offsets.computeIfPresent(group, (g, of) -> of.isEmpty() ? null : of);
            });
  }

  @Override
  public Map<TopicPartition, CommittedOffsets.Committed> committed(String group) {
    Partition p = owning(group);
    Map<TopicPartition, Stored> cached = p == null ? null : p.offsets.get(group);
    if (cached == null) {
      return Map.of();
    }
    Map<TopicPartition, CommittedOffsets.Committed> out = new HashMap<>();
    cached.forEach((tp, stored) -> out.put(tp, stored.committed()));
    return Map.copyOf(out);
  }

  @Override
  public Set<String> groupIds() {
    Set<String> out = new HashSet<>();
    for (Partition p : partitions.values()) {
      if (p.loaded) {
        out.addAll(p.offsets.keySet());
      }
    }
    return Set.copyOf(out);
  }

  /** None: groups are loaded with their offsets partitions, not at start. */
  @Override
  public Collection<GroupSnapshot> groups() {
    return List.of();
  }

  /**
   * Group metadata is saved under the group's lock: the append runs on {@code sluice-group-writer}
   * (in order), so that no group lock is ever held across a log write.
   */
  private CompletableFuture<Void> onWriter(
      java.util.function.Supplier<CompletableFuture<Void>> write) {
    try {
      return CompletableFuture.supplyAsync(write, writer).thenCompose(f -> f);
    } catch (RejectedExecutionException e) {
      return notCoordinator("(closing)");
    }
  }

  @Override
  public CompletableFuture<Void> save(GroupSnapshot snapshot) {
    return onWriter(() -> append(snapshot));
  }

  private CompletableFuture<Void> append(GroupSnapshot snapshot) {
    Partition p = owning(snapshot.groupId());
    if (p == null) {
      return notCoordinator(snapshot.groupId());
    }
    long now = System.currentTimeMillis();
    ByteBuffer batch =
        new RecordBatchBuilder()
            .append(
                now,
                OffsetsRecords.groupKey(snapshot.groupId()),
                OffsetsRecords.groupValue(snapshot, now))
            .build();
    return append(p, batch, Errors.COORDINATOR_NOT_AVAILABLE).thenApply(base -> null);
  }

  @Override
  public CompletableFuture<Void> remove(String groupId) {
    return onWriter(() -> tombstone(groupId));
  }

  private CompletableFuture<Void> tombstone(String groupId) {
    Partition p = owning(groupId);
    if (p == null) {
      return notCoordinator(groupId);
    }
    ByteBuffer batch =
        new RecordBatchBuilder()
            .append(System.currentTimeMillis(), OffsetsRecords.groupKey(groupId), null)
            .build();
    return append(p, batch, Errors.COORDINATOR_NOT_AVAILABLE).thenApply(base -> null);
  }

  /** Appends as the partition's leader; failures become the coordinator's errors, as in Kafka. */
  private static CompletableFuture<Long> append(Partition p, ByteBuffer batch, Errors tooLarge) {
    CompletableFuture<Long> appended;
    try {
      appended = p.log.append(batch);
    } catch (RuntimeException e) {
      appended = CompletableFuture.failedFuture(e);
    }
    return appended.handle(
        (base, error) -> {
          if (error == null) {
            return base;
          }
          Throwable cause =
              error instanceof CompletionException && error.getCause() != null
                  ? error.getCause()
                  : error;
          Errors code =
              cause instanceof SluiceException s ? s.error() : Errors.UNKNOWN_SERVER_ERROR;
          Errors mapped =
              switch (code) {
                case UNKNOWN_TOPIC_OR_PARTITION,
                    NOT_ENOUGH_REPLICAS,
                    NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                    REQUEST_TIMED_OUT ->
                    Errors.COORDINATOR_NOT_AVAILABLE;
                case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
                case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> tooLarge;
                default -> Errors.UNKNOWN_SERVER_ERROR;
              };
          throw new CompletionException(
              new SluiceException(
                  mapped,
                  OffsetsTopic.NAME
                      + "-"
                      + p.index
                      + ": write failed with "
                      + code
                      + ": "
                      + cause.getMessage(),
                  cause));
        });
  }

  private static <T> CompletableFuture<T> notCoordinator(String groupId) {
    return CompletableFuture.failedFuture(
        new SluiceException(
            Errors.NOT_COORDINATOR, "this broker does not coordinate group '" + groupId + "'"));
  }

  /** Stops the loader; the groups' partitions stay on disk. Idempotent. */
  @Override
  public void close() {
    closed = true;
    loader.shutdownNow();
    writer.shutdownNow();
    try {
      loader.awaitTermination(10, TimeUnit.SECONDS);
      writer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
