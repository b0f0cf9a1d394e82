package io.sluice.protocol.record;

/**
 * The codec named by bits 0-2 of a batch's attributes. Sluice stores and serves compressed batches
 * as opaque bytes (the 61-byte header stays readable and is covered by the CRC), so this enum only
 * names the codecs; it carries no codec.
 */
public enum CompressionType {
  NONE(0, "none"),
  GZIP(1, "gzip"),
  SNAPPY(2, "snappy"),
  LZ4(3, "lz4"),
  ZSTD(4, "zstd");

  private final int id;
  private final String label;

  CompressionType(int id, String label) {
    this.id = id;
    this.label = label;
  }

  /** The value of attribute bits 0-2. */
  public int id() {
    return id;
  }

  /** Kafka's configuration name ({@code compression.type}), e.g. {@code gzip}. */
  public String label() {
    return label;
  }

  /**
   * The codec for attribute bits 0-2.
   *
   * @throws InvalidRecordException ({@code INVALID_RECORD}) for ids 5-7, which no codec uses
   */
  public static CompressionType forId(int id) {
    return switch (id) {
      case 0 -> NONE;
      case 1 -> GZIP;
      case 2 -> SNAPPY;
      case 3 -> LZ4;
      case 4 -> ZSTD;
      default -> throw InvalidRecordException.invalid("unknown compression id=" + id);
    };
  }
}
