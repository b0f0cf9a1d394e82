package io.sluice.protocol.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Shared fixtures for the record tests: seeded random records and batches built from them. */
final class TestBatches {
  private TestBatches() {}

  /** What a test appends and later expects back. */
  record Input(long timestamp, byte[] key, byte[] value, List<Header> headers) {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(ByteBuffer buf) {
    if (buf == null) {
      return null;
    }
    byte[] out = new byte[buf.remaining()];
    buf.duplicate().get(out);
    return out;
  }

  /** Random records: null and empty keys/values, 0-3 headers (some null values), timestamps +/-. */
  static List<Input> randomInputs(Random random, int count, long baseTimestamp) {
    List<Input> inputs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long timestamp = baseTimestamp + random.nextInt(2_000_000) - 1_000_000;
      List<Header> headers = new ArrayList<>();
      int headerCount = random.nextInt(4);
      for (int h = 0; h < headerCount; h++) {
        byte[] value = random.nextInt(4) == 0 ? null : randomBytes(random, random.nextInt(20));
        headers.add(Header.of("h" + h + "-\u00e9", value));
      }
      inputs.add(
          new Input(
              timestamp, maybeBytes(random, 40), maybeBytes(random, 300), List.copyOf(headers)));
    }
    return inputs;
  }

  private static byte[] maybeBytes(Random random, int maxLength) {
    int kind = random.nextInt(5);
    if (kind == 0) {
      return null;
    }
    if (kind == 1) {
      return new byte[0];
    }
    return randomBytes(random, random.nextInt(maxLength) + 1);
  }

  static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Our builder over the given records; producer fields set, to check they survive. */
  static ByteBuffer build(List<Input> inputs) {
    return build(inputs, Compression.none());
  }

  /** {@link #build(List)} with a codec. */
  static ByteBuffer build(List<Input> inputs, Compression compression) {
    RecordBatchBuilder builder =
        new RecordBatchBuilder(64)
            .producer(4242L, (short) 7, 100)
            .partitionLeaderEpoch(3)
            .compression(compression);
    for (Input input : inputs) {
      builder.append(
          input.timestamp(), input.key(), input.value(), input.headers().toArray(new Header[0]));
    }
    return builder.build();
  }

  /** A valid uncompressed batch of {@code count} records, each with a value of {@code size}. */
  static ByteBuffer fixedSize(int count, int size, long seed) {
    Random random = new Random(seed);
    RecordBatchBuilder builder = new RecordBatchBuilder(count * (size + 16) + 64);
    for (int i = 0; i < count; i++) {
      builder.append(
          1_700_000_000_000L + i,
          utf8("key-" + i),
          randomBytes(random, size),
          Header.of("h", null));
    }
    return builder.build();
  }
}
