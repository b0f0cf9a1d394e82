package io.sluice.broker.storage;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Per partition, the epoch and the last five batches (sequences and offsets) of each idempotent
 * producer. It decides whether an incoming batch is new, a duplicate of one of those five (answer
 * with its original offsets, do not append), or an error: {@code INVALID_PRODUCER_EPOCH} for a
 * stale epoch, {@code OUT_OF_ORDER_SEQUENCE_NUMBER} for a gap.
 *
 * <p>A producer id the table does not know is accepted at any sequence: its earlier batches may
 * have been removed by retention (Kafka behaves the same since 2.5). After a restart the table is
 * rebuilt by scanning the batch headers of the log.
 *
 * <p>Thread safety: none; the owning log's append lock guards every call.
 */
final class ProducerStateTable {
  static final int BATCHES_KEPT = 5;

  /** One appended batch of a producer. */
  record BatchMetadata(int firstSequence, int lastSequence, long firstOffset, long lastOffset) {}

  private static final class Entry {
    short epoch;
    final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(BATCHES_KEPT);
  }

  private final Map<Long, Entry> producers = new HashMap<>();

  /**
   * Checks a batch against the table as updated by {@code pending} (earlier batches of the same
   * request). Returns the original metadata of a duplicate, or null for a new batch.
   */
  BatchMetadata check(BatchHeader batch, Map<Long, BatchHeader> pending) {
    BatchHeader previousInRequest = pending.get(batch.producerId());
    Entry entry = producers.get(batch.producerId());
    short epoch;
    int lastSequence;
    if (previousInRequest != null) {
      epoch = previousInRequest.producerEpoch();
      lastSequence = previousInRequest.lastSequence();
    } else if (entry != null) {
      epoch = entry.epoch;
      lastSequence = entry.batches.isEmpty() ? -1 : entry.batches.peekLast().lastSequence();
    } else {
      return null;
    }
    if (batch.producerEpoch() < epoch) {
      throw new SluiceException(
          Errors.INVALID_PRODUCER_EPOCH,
          "producerId="
              + batch.producerId()
              + " epoch="
              + batch.producerEpoch()
              + " is older than the current epoch="
              + epoch);
    }
    if (batch.producerEpoch() > epoch) {
      if (batch.baseSequence() != 0) {
        throw new SluiceException(
            Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
            "producerId="
                + batch.producerId()
                + " new epoch="
                + batch.producerEpoch()
                + " must start at sequence 0, not "
                + batch.baseSequence());
      }
      return null;
    }
    if (previousInRequest == null) {
      for (BatchMetadata known : entry.batches) {
        if (known.firstSequence() == batch.baseSequence()
            && known.lastSequence() == batch.lastSequence()) {
          return known;
        }
      }
    }
    if (lastSequence >= 0 && batch.baseSequence() != nextSequence(lastSequence)) {
      throw new SluiceException(
          Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
          "producerId="
              + batch.producerId()
              + " sequence="
              + batch.baseSequence()
              + " expected="
              + nextSequence(lastSequence));
    }
    return null;
  }

  private static int nextSequence(int sequence) {
    return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
  }

  /** Records an appended batch; its header carries the assigned base offset. */
  /** Forgets every producer (the log was truncated; it is rebuilt from the batches left). */
  void clear() {
    producers.clear();
  }

  void update(BatchHeader batch) {
    Entry entry = producers.computeIfAbsent(batch.producerId(), id -> new Entry());
    if (batch.producerEpoch() != entry.epoch) {
      entry.batches.clear();
      entry.epoch = batch.producerEpoch();
    }
    if (entry.batches.size() == BATCHES_KEPT) {
      entry.batches.removeFirst();
    }
    entry.batches.addLast(
        new BatchMetadata(
            batch.baseSequence(), batch.lastSequence(), batch.baseOffset(), batch.lastOffset()));
  }

  /** Forgets producers whose last batch lies entirely below {@code logStartOffset}. */
  void removeBefore(long logStartOffset) {
    Iterator<Entry> it = producers.values().iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (e.batches.isEmpty() || e.batches.peekLast().lastOffset() < logStartOffset) {
        it.remove();
      }
    }
  }

  int size() {
    return producers.size();
  }
}
