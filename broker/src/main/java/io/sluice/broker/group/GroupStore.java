package io.sluice.broker.group;

import io.sluice.broker.storage.DurableFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable group metadata: the last {@link GroupSnapshot} of every group, in one checkpoint file
 * that is rewritten whole ({@link DurableFile}: temp file, fsync, rename, fsync the directory), so
 * that a crash leaves the old file or the new one, never a torn one. Groups change at rebalances
 * only, so rewriting everything is cheap; saves that arrive while a write runs share the next
 * write.
 *
 * <p>A checkpoint that fails its CRC is moved aside to {@code <name>.corrupt} and reported at WARN;
 * the broker starts with no groups. Losing group metadata costs one rebalance per group (its
 * committed offsets live elsewhere), which is better than a broker that does not start.
 *
 * <p>Thread safety: {@link #save} may be called from any thread and never blocks on I/O; writes run
 * on the writer executor (one thread of its own unless one is injected), one at a time.
 *
 * <p>File {@code consumer-groups.checkpoint}, big-endian ({@code str} is an int32 byte length and
 * UTF-8 bytes, -1 for null; {@code bytes} an int32 length and the bytes):
 *
 * <pre>
 * int32 magic 0x534C4347 ("SLCG") | int32 format 1 | int32 groupCount
 *   per group:  str groupId | int32 generationId | str protocolType | str protocolName
 *               | str leaderId | int32 memberCount
 *     per member: str memberId | str groupInstanceId | str clientId | str clientHost
 *                 | int32 sessionTimeoutMs | int32 rebalanceTimeoutMs | bytes metadata
 *                 | bytes assignment
 * int32 CRC32C of everything before it
 * </pre>
 */
public final class GroupStore implements GroupPersistence {
  public static final String FILE_NAME = "consumer-groups.checkpoint";
  private static final Logger log = LoggerFactory.getLogger(GroupStore.class);

  private final Path file;
  private final Map<String, GroupSnapshot> groups = new ConcurrentHashMap<>();
  private final Executor writer;
  private final ExecutorService ownedWriter;
  private final AtomicLong version = new AtomicLong();

  /** Guarded by {@code this}: the version the file on disk contains. */
  private long writtenVersion;

  private GroupStore(Path file, Executor writer, ExecutorService ownedWriter) {
    this.file = file;
    this.writer = writer;
    this.ownedWriter = ownedWriter;
  }

  /** Loads the checkpoint in {@code dir}, if any, and writes from a thread of its own. */
  public static GroupStore open(Path dir) {
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, "sluice-groups-checkpoint");
              thread.setDaemon(true);
              return thread;
            });
    return open(dir, executor, executor);
  }

  /** Loads the checkpoint in {@code dir}, if any, and writes on {@code writer}. */
  public static GroupStore open(Path dir, Executor writer) {
    return open(dir, writer, null);
  }

  private static GroupStore open(Path dir, Executor writer, ExecutorService owned) {
    GroupStore store = new GroupStore(dir.resolve(FILE_NAME), writer, owned);
    store.load();
    return store;
  }

  /** The groups the checkpoint held when opened (and any saved since). */
  @Override
  public Collection<GroupSnapshot> groups() {
    return List.copyOf(groups.values());
  }

  /**
   * Replaces the group's snapshot; the future completes once a checkpoint holding it is durable.
   */
  @Override
  public CompletableFuture<Void> save(GroupSnapshot snapshot) {
    groups.put(snapshot.groupId(), snapshot);
    version.incrementAndGet();
    return CompletableFuture.runAsync(this::checkpointIfNeeded, writer);
  }

  /** Forgets the group; the future completes once a checkpoint without it is durable. */
  @Override
  public CompletableFuture<Void> remove(String groupId) {
    groups.remove(groupId);
    version.incrementAndGet();
    return CompletableFuture.runAsync(this::checkpointIfNeeded, writer);
  }

  /** Writes what is not written yet and stops the writer thread (if it is ours). */
  @Override
  public void close() {
    if (ownedWriter != null) {
      ownedWriter.shutdown();
      try {
        if (!ownedWriter.awaitTermination(10, TimeUnit.SECONDS)) {
          log.warn("group checkpoint writer did not stop within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    checkpointIfNeeded();
  }

  private synchronized void checkpointIfNeeded() {
    long target = version.get();
    if (target == writtenVersion) {
      return;
    }
    // Read the version before the snapshot: the file then holds at least that version.
    byte[] bytes = GroupCheckpointFormat.encode(new ArrayList<>(groups.values()));
    try {
      DurableFile.replace(file, bytes);
    } catch (IOException e) {
      log.error("cannot write group checkpoint {}", file, e);
      throw new UncheckedIOException("cannot write " + file, e);
    }
    writtenVersion = target;
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      List<GroupSnapshot> loaded;
      try {
        loaded = GroupCheckpointFormat.decode(bytes);
      } catch (IOException corrupt) {
        Path aside = file.resolveSibling(FILE_NAME + ".corrupt");
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        log.warn(
            "group checkpoint {} is unreadable ({}); moved to {}, starting with no groups",
            file,
            corrupt.getMessage(),
            aside);
        return;
      }
      int members = 0;
      for (GroupSnapshot snapshot : loaded) {
        groups.put(snapshot.groupId(), snapshot);
        members += snapshot.members().size();
      }
      log.info("loaded {} groups with {} members from {}", loaded.size(), members, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
