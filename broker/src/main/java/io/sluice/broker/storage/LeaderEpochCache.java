package io.sluice.broker.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One partition's leader epochs: for each epoch, the first offset written in it (Kafka's {@code
 * LeaderEpochFileCache}). A replica that becomes a follower asks the leader where its own latest
 * epoch ends ({@code OffsetForLeaderEpoch}) and truncates there (KIP-101, KIP-279), instead of
 * truncating to its high watermark.
 *
 * <p>Invariants: epochs and start offsets both strictly increase along the list; an entry is added
 * only for an epoch above the latest one. Persisted in Kafka's {@code leader-epoch-checkpoint}
 * format (version line {@code 0}, entry count, then {@code epoch startOffset} per line), replaced
 * whole through {@link DurableFile} (temporary file, fsync, rename, directory fsync) whenever it
 * changes, so a crash leaves the old list or the new one.
 *
 * <p>Thread safety: none; the owning {@link Log}'s append lock guards every mutation. {@link
 * #endOffsetFor} and {@link #latestEpoch} read a copy-on-write list, so they may run on any thread.
 */
final class LeaderEpochCache {
  static final String FILE_NAME = "leader-epoch-checkpoint";

  /** Epoch and end offset of {@link #endOffsetFor}: {@code UNDEFINED} when nothing is known. */
  record EpochEnd(int epoch, long endOffset) {
    static final EpochEnd UNDEFINED = new EpochEnd(-1, -1);
  }

  /** One epoch and the first offset its leader wrote. */
  record Entry(int epoch, long startOffset) {}

  private final FileIo io;
  private final Path file;
  private final boolean persist;
  private volatile List<Entry> entries;

  private LeaderEpochCache(FileIo io, Path file, boolean persist, List<Entry> entries) {
    this.io = io;
    this.file = file;
    this.persist = persist;
    this.entries = List.copyOf(entries);
  }

  /**
   * The cache of the log in {@code directory}: from its checkpoint file when there is one, else
   * from {@code scanned} (the epochs of the batches on disk, in order). Entries at or above {@code
   * logEndOffset} are dropped (the tail they named did not survive recovery).
   *
   * @param persist whether changes are written to the checkpoint file (cluster mode; also when the
   *     file exists already); a single node keeps the list in memory only, and its directories look
   *     as they always did
   */
  static LeaderEpochCache load(
      FileIo io, Path directory, boolean persist, List<Entry> scanned, long logEndOffset)
      throws IOException {
    Path file = directory.resolve(FILE_NAME);
    List<Entry> entries = null;
    boolean exists = false;
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
      exists = true;
      entries = parse(lines);
    } catch (NoSuchFileException e) {
      // none yet
    } catch (IllegalArgumentException e) {
      entries = null; // damaged: the batches on disk say the same
    }
    if (entries == null) {
      entries = scanned;
    }
    List<Entry> kept = new ArrayList<>();
    for (Entry entry : entries) {
      if (entry.startOffset() < logEndOffset) {
        kept.add(entry);
      }
    }
    // A log that had a checkpoint keeps writing it (it belongs to a cluster).
    return new LeaderEpochCache(io, file, persist || exists, kept);
  }

  /** The epochs named by batch headers in log order: one entry where the epoch first grows. */
  static void scanned(List<Entry> into, int epoch, long baseOffset) {
    if (epoch < 0) {
      return;
    }
    if (into.isEmpty() || epoch > into.get(into.size() - 1).epoch()) {
      into.add(new Entry(epoch, baseOffset));
    }
  }

  static List<Entry> parse(List<String> lines) {
    if (lines.size() < 2 || !lines.get(0).trim().equals("0")) {
      throw new IllegalArgumentException("not a version 0 leader-epoch checkpoint");
    }
    int count = Integer.parseInt(lines.get(1).trim());
    if (count < 0 || lines.size() < 2 + count) {
      throw new IllegalArgumentException("leader-epoch checkpoint: bad entry count " + count);
    }
    List<Entry> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String[] parts = lines.get(2 + i).trim().split("\\s+");
      if (parts.length != 2) {
        throw new IllegalArgumentException("leader-epoch checkpoint: bad line " + (3 + i));
      }
      Entry entry = new Entry(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
      if (!out.isEmpty()) {
        Entry last = out.get(out.size() - 1);
        if (entry.epoch() <= last.epoch() || entry.startOffset() < last.startOffset()) {
          throw new IllegalArgumentException("leader-epoch checkpoint: entries out of order");
        }
      }
      out.add(entry);
    }
    return out;
  }

  static byte[] format(List<Entry> entries) {
    StringBuilder text = new StringBuilder("0\n").append(entries.size()).append('\n');
    for (Entry entry : entries) {
      text.append(entry.epoch()).append(' ').append(entry.startOffset()).append('\n');
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** This cache, writing its file from now on (written once now). */
  LeaderEpochCache persisting() throws IOException {
    if (persist) {
      return this;
    }
    LeaderEpochCache cache = new LeaderEpochCache(io, file, true, entries);
    DurableFile.replace(io, file, format(entries));
    return cache;
  }

  List<Entry> entries() {
    return entries;
  }

  /** The latest epoch, -1 if none. */
  int latestEpoch() {
    List<Entry> list = entries;
    return list.isEmpty() ? -1 : list.get(list.size() - 1).epoch();
  }

  /**
   * Records that {@code epoch} starts at {@code startOffset}, if it is newer than the latest epoch.
   * A start offset at or below the latest entry's replaces that entry (a leader that wrote nothing
   * in its epoch). Append lock held.
   */
  void assign(int epoch, long startOffset) throws IOException {
    if (epoch < 0 || epoch <= latestEpoch()) {
      return;
    }
    List<Entry> next = new ArrayList<>(entries);
    while (!next.isEmpty() && next.get(next.size() - 1).startOffset() >= startOffset) {
      next.remove(next.size() - 1);
    }
    next.add(new Entry(epoch, startOffset));
    replace(next);
  }

  /** Drops the entries that start at or after {@code offset} (the log was truncated there). */
  void truncateFromEnd(long offset) throws IOException {
    List<Entry> next = new ArrayList<>();
    for (Entry entry : entries) {
      if (entry.startOffset() < offset) {
        next.add(entry);
      }
    }
    if (next.size() != entries.size()) {
      replace(next);
    }
  }

  /**
   * Where {@code requested} ends in this log (Kafka's {@code endOffsetFor}): the largest epoch at
   * or below it, and the start offset of the next epoch after that one, or {@code logEndOffset} if
   * it is the latest. {@link EpochEnd#UNDEFINED} if every known epoch is above {@code requested} or
   * nothing is known.
   */
  EpochEnd endOffsetFor(int requested, long logEndOffset) {
    List<Entry> list = entries;
    for (int i = list.size() - 1; i >= 0; i--) {
      Entry entry = list.get(i);
      if (entry.epoch() <= requested) {
        long end = i == list.size() - 1 ? logEndOffset : list.get(i + 1).startOffset();
        return new EpochEnd(entry.epoch(), end);
      }
    }
    return EpochEnd.UNDEFINED;
  }

  private void replace(List<Entry> next) throws IOException {
    entries = List.copyOf(next);
    if (persist) {
      DurableFile.replace(io, file, format(next));
    }
  }
}
