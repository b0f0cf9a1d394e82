package io.sluice.broker.storage;

/**
 * What {@link Log#append} did: the offsets assigned to the appended batches (or, for a duplicate
 * idempotent batch, the offsets it was given the first time), the broker time of the append, and
 * the log start offset at that moment (Produce responses carry it).
 */
public record AppendResult(
    long firstOffset,
    long lastOffset,
    long logAppendTime,
    long logStartOffset,
    boolean duplicate) {}
