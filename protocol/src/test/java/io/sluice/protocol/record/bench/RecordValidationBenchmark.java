package io.sluice.protocol.record.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput of {@link RecordBatch#validate()} (magic, CRC32C, header checks, record walk) on 16
 * KiB batches of 1 KiB records, beside a plain {@link CRC32C} over the same bytes: the walk's cost
 * is the gap between the two. 256 batches (4 MiB) are validated again and again, 512 MiB per round;
 * 3 warm-up rounds, then 5 measured rounds, median reported.
 *
 * <p>Excluded from the normal build (tag {@code benchmark}); run it with:
 *
 * <pre>
 * mvn -B -q -o -pl protocol test -Dsurefire.excludedGroups= \
 *     -Dgroups=benchmark -Dtest=RecordValidationBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("benchmark")
class RecordValidationBenchmark {
  private static final int BATCH_SIZE = 16 * 1024;
  private static final int VALUE_SIZE = 1024;
  private static final int BATCHES = 256;
  private static final long BYTES_PER_ROUND = 512L << 20;
  private static final int WARMUP_ROUNDS = 3;
  private static final int MEASURED_ROUNDS = 5;

  private static long sink;

  @Test
  void validate_16KiBBatchesOf1KiBRecords_versusPlainCrc32c() {
    Random random = new Random(1);
    ByteBuffer[] batches = new ByteBuffer[BATCHES];
    long batchBytes = 0;
    int records = 0;
    for (int b = 0; b < BATCHES; b++) {
      RecordBatchBuilder builder = new RecordBatchBuilder(BATCH_SIZE);
      ByteBuffer value = ByteBuffer.allocate(VALUE_SIZE);
      random.nextBytes(value.array());
      byte[] key = ("key-" + b).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      while (builder.hasRoomFor(b, ByteBuffer.wrap(key), value, BATCH_SIZE)) {
        builder.append(1_700_000_000_000L + b, ByteBuffer.wrap(key), value);
      }
      batches[b] = builder.build();
      batchBytes += batches[b].remaining();
      records += builder.recordCount();
    }
    int passes = (int) Math.max(1, BYTES_PER_ROUND / batchBytes);
    double[] validateMbps = new double[MEASURED_ROUNDS];
    double[] crcMbps = new double[MEASURED_ROUNDS];
    for (int round = 0; round < WARMUP_ROUNDS + MEASURED_ROUNDS; round++) {
      long start = System.nanoTime();
      long validated = validateAll(batches, passes);
      double validateSeconds = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      crcAll(batches, passes);
      double crcSeconds = (System.nanoTime() - start) / 1e9;
      assertEquals((long) records * passes, validated);
      if (round >= WARMUP_ROUNDS) {
        validateMbps[round - WARMUP_ROUNDS] = batchBytes * passes / validateSeconds / 1e6;
        crcMbps[round - WARMUP_ROUNDS] = batchBytes * passes / crcSeconds / 1e6;
      }
    }
    double validate = median(validateMbps);
    double crc = median(crcMbps);
    System.out.printf(
        "record-validation: %d batches, %d records (%.1f KiB/batch), %d MiB/round, median of %d:"
            + " validate %.0f MB/s, plain CRC32C %.0f MB/s, ratio %.2f (sink %d)%n",
        BATCHES,
        records,
        batchBytes / 1024.0 / BATCHES,
        batchBytes * passes >> 20,
        MEASURED_ROUNDS,
        validate,
        crc,
        validate / crc,
        sink);
  }

  private static long validateAll(ByteBuffer[] batches, int passes) {
    long records = 0;
    for (int p = 0; p < passes; p++) {
      for (ByteBuffer buf : batches) {
        RecordBatch batch = RecordBatch.at(buf, 0);
        batch.validate();
        records += batch.recordCount();
      }
    }
    return records;
  }

  private static void crcAll(ByteBuffer[] batches, int passes) {
    CRC32C crc = new CRC32C();
    for (int p = 0; p < passes; p++) {
      for (ByteBuffer buf : batches) {
        crc.reset();
        crc.update(buf.duplicate());
        sink += crc.getValue();
      }
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
