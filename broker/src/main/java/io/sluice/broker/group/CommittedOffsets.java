package io.sluice.broker.group;

import io.sluice.broker.storage.DurableFile;
import io.sluice.broker.storage.TopicPartition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed consumer offsets by group, kept in memory and made durable in one checkpoint file that
 * is rewritten ({@link DurableFile}) after commits. A commit's future completes once a checkpoint
 * that contains it is durable; commits that arrive while a checkpoint is being written share the
 * next one. Loaded at start. Thread-safe: the map is concurrent, checkpoints are written by one
 * thread.
 *
 * <p>File {@code consumer-offsets.checkpoint}, big-endian:
 *
 * <pre>
 * int32 magic 0x534C434F ("SLCO") | int32 format 2 | int32 groupCount
 *   per group:     utf group | int32 entryCount
 *     per entry:   utf topic | int32 partition | int64 offset | int32 leaderEpoch | utf metadata
 *                  | int64 commitTimestamp
 * int32 CRC32C of everything before it
 * </pre>
 *
 * Format 1, written before offsets expired, has no {@code commitTimestamp}; its entries are read as
 * committed when they are loaded, so that expiry never removes them earlier than it would have.
 */
public final class CommittedOffsets implements OffsetStore {
  public static final String FILE_NAME = "consumer-offsets.checkpoint";
  private static final Logger log = LoggerFactory.getLogger(CommittedOffsets.class);
  private static final int MAGIC = 0x534C434F;
  private static final int FORMAT = 2;

  /**
   * One committed position, and when it was committed: {@code commitTimestamp} is wall-clock
   * milliseconds, set by the store that keeps it (-1 before that). Offset expiry measures the
   * offsets of a group that never had members from it.
   */
  public record Committed(long offset, int leaderEpoch, String metadata, long commitTimestamp) {
    /** A position as a commit request gives it; the store stamps it with its commit time. */
    public Committed(long offset, int leaderEpoch, String metadata) {
      this(offset, leaderEpoch, metadata, -1);
    }

    /** The same position, committed at {@code timestamp}. */
    public Committed committedAt(long timestamp) {
      return new Committed(offset, leaderEpoch, metadata, timestamp);
    }
  }

  private final Path file;
  private final LongSupplier clock;
  private final Map<String, Map<TopicPartition, Committed>> groups = new ConcurrentHashMap<>();
  private final ExecutorService writer;
  private final AtomicLong version = new AtomicLong();

  /** Confined to the writer thread (and to {@link #close} once that thread stopped). */
  private long writtenVersion;

  private CommittedOffsets(Path file, LongSupplier clock) {
    this.file = file;
    this.clock = clock;
    this.writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-offsets-checkpoint");
              t.setDaemon(true);
              return t;
            });
  }

  /** Loads the checkpoint in {@code dir} (if any); fails if it exists but is unreadable. */
  public static CommittedOffsets open(Path dir) {
    return open(dir, System::currentTimeMillis);
  }

  /** As {@link #open(Path)}, with the wall clock that stamps commits (tests give their own). */
  public static CommittedOffsets open(Path dir, LongSupplier clock) {
    CommittedOffsets offsets = new CommittedOffsets(dir.resolve(FILE_NAME), clock);
    try {
      if (Files.exists(offsets.file)) {
        offsets.load(Files.readAllBytes(offsets.file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + offsets.file, e);
    }
    return offsets;
  }

  /**
   * Records the offsets now, stamped with this store's clock; the future completes when they are
   * durable.
   */
  @Override
  public CompletableFuture<Void> commit(String group, Map<TopicPartition, Committed> offsets) {
    long now = clock.getAsLong();
    Map<TopicPartition, Committed> stored =
        groups.computeIfAbsent(group, g -> new ConcurrentHashMap<>());
    offsets.forEach((tp, committed) -> stored.put(tp, committed.committedAt(now)));
    version.incrementAndGet();
    return CompletableFuture.runAsync(this::checkpointIfNeeded, writer);
  }

  /**
   * Forgets the group's offsets (DeleteGroups); the future completes when that is durable. True if
   * it had any.
   */
  @Override
  public CompletableFuture<Boolean> deleteGroup(String group) {
    boolean had = groups.remove(group) != null;
    version.incrementAndGet();
    return CompletableFuture.runAsync(this::checkpointIfNeeded, writer).thenApply(v -> had);
  }

  /** Forgets some of the group's offsets (OffsetDelete); completes when that is durable. */
  @Override
  public CompletableFuture<Void> delete(String group, Set<TopicPartition> partitions) {
    groups.computeIfPresent(
        group,
        (g, offsets) -> {
          offsets.keySet().removeAll(partitions);
          return offsets.isEmpty() ? null : offsets;
        });
    version.incrementAndGet();
    return CompletableFuture.runAsync(this::checkpointIfNeeded, writer);
  }

  /** The group's committed offsets (a snapshot); empty if it never committed. */
  @Override
  public Map<TopicPartition, Committed> committed(String group) {
    Map<TopicPartition, Committed> offsets = groups.get(group);
    return offsets == null ? Map.of() : Map.copyOf(offsets);
  }

  /** Every group that has committed offsets (a snapshot). */
  @Override
  public Set<String> groupIds() {
    return Set.copyOf(groups.keySet());
  }

  /** Writes a last checkpoint and stops the writer thread. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("committed offsets checkpoint writer did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    checkpointIfNeeded();
  }

  private void checkpointIfNeeded() {
    long target = version.get();
    if (target == writtenVersion) {
      return;
    }
    try {
      DurableFile.replace(file, encode());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    writtenVersion = target;
  }

  private byte[] encode() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeInt(FORMAT);
    Map<String, Map<TopicPartition, Committed>> snapshot = Map.copyOf(groups);
    out.writeInt(snapshot.size());
    for (Map.Entry<String, Map<TopicPartition, Committed>> group : snapshot.entrySet()) {
      Map<TopicPartition, Committed> entries = Map.copyOf(group.getValue());
      out.writeUTF(group.getKey());
      out.writeInt(entries.size());
      for (Map.Entry<TopicPartition, Committed> entry : entries.entrySet()) {
        out.writeUTF(entry.getKey().topic());
        out.writeInt(entry.getKey().partition());
        out.writeLong(entry.getValue().offset());
        out.writeInt(entry.getValue().leaderEpoch());
        out.writeUTF(entry.getValue().metadata() == null ? "" : entry.getValue().metadata());
        out.writeLong(entry.getValue().commitTimestamp());
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes.toByteArray());
    out.writeInt((int) crc.getValue());
    return bytes.toByteArray();
  }

  private void load(byte[] bytes) throws IOException {
    if (bytes.length < 16) {
      throw new IOException(file + " is " + bytes.length + " bytes, too short for a checkpoint");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
    if (stored != (int) crc.getValue()) {
      throw new IOException(
          file + " crc=" + stored + " computed=" + (int) crc.getValue() + ": corrupt checkpoint");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    int format = in.readInt() == MAGIC ? in.readInt() : -1;
    if (format != 1 && format != FORMAT) {
      throw new IOException(
          file + " is not a committed-offsets checkpoint of format 1 or " + FORMAT);
    }
    long loadedAt = clock.getAsLong();
    int groupCount = in.readInt();
    int entriesLoaded = 0;
    for (int g = 0; g < groupCount; g++) {
      String group = in.readUTF();
      int count = in.readInt();
      Map<TopicPartition, Committed> entries = new ConcurrentHashMap<>();
      for (int i = 0; i < count; i++) {
        TopicPartition tp = new TopicPartition(in.readUTF(), in.readInt());
        Committed committed = new Committed(in.readLong(), in.readInt(), in.readUTF());
        entries.put(tp, committed.committedAt(format == 1 ? loadedAt : in.readLong()));
      }
      groups.put(group, entries);
      entriesLoaded += count;
    }
    log.info("loaded {} committed offsets of {} groups from {}", entriesLoaded, groupCount, file);
  }
}
