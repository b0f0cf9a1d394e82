package io.sluice.broker.storage;

/**
 * The answer of a by-timestamp lookup: the offset and timestamp of the first record whose timestamp
 * is at least the target, or {@link #NONE} (offset and timestamp -1) when no record is that late.
 * For a compressed batch, whose records Sluice does not decompress, it is the batch's base offset
 * and max timestamp.
 */
public record TimestampOffset(long offset, long timestamp) {
  public static final TimestampOffset NONE = new TimestampOffset(-1, -1);

  /** Whether a record was found. */
  public boolean found() {
    return offset >= 0;
  }
}
