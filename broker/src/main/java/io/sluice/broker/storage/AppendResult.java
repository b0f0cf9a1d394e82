package io.sluice.broker.storage;

/**
 * What {@link Log#append} did: the offsets assigned to the appended batches (or, for a duplicate
 * idempotent batch, the offsets it was given the first time) and the log start offset at that
 * moment (Produce responses carry it). There is no append time: Sluice topics use CreateTime, so a
 * Produce response's {@code logAppendTimeMs} is always -1.
 */
public record AppendResult(
    long firstOffset, long lastOffset, long logStartOffset, boolean duplicate) {}
