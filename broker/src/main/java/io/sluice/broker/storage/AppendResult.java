package io.sluice.broker.storage;

/**
 * What {@link Log#append} did: the offsets assigned to the appended batches (or, for a duplicate
 * idempotent batch, the offsets it was given the first time), the log start offset at that moment
 * (Produce responses carry it), and the broker's timestamp stamped into the batches of a topic with
 * {@code message.timestamp.type=LogAppendTime} (-1 for CreateTime topics and duplicates).
 */
public record AppendResult(
    long firstOffset,
    long lastOffset,
    long logStartOffset,
    boolean duplicate,
    long logAppendTimeMs) {

  /** A result without an append time (CreateTime). */
  public AppendResult(long firstOffset, long lastOffset, long logStartOffset, boolean duplicate) {
    this(firstOffset, lastOffset, logStartOffset, duplicate, -1);
  }
}
