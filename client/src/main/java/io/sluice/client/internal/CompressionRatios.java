package io.sluice.client.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per topic, the producer's estimate of compressed size over uncompressed size, so that a
 * compressed batch is closed when its <em>compressed</em> size would reach {@code batch.size}, as
 * Kafka's producer does: the accumulator lets a batch hold {@code batch.size / ratio} uncompressed
 * bytes. The estimate starts at 1 (no gain assumed), follows an observed improvement slowly (0.005
 * per batch) and a deterioration quickly (0.05 per batch, or at once to the observed ratio),
 * Kafka's steps, so that one well-compressing batch does not make the next one oversized.
 *
 * <p>Thread-safe: the sender updates it after encoding, the application threads read it when they
 * open a batch.
 */
final class CompressionRatios {
  private static final float IMPROVING_STEP = 0.005f;
  private static final float DETERIORATING_STEP = 0.05f;

  private final boolean enabled;
  private final ConcurrentHashMap<String, Float> ratios = new ConcurrentHashMap<>();

  /**
   * @param enabled false without compression: the ratio is always 1
   */
  CompressionRatios(boolean enabled) {
    this.enabled = enabled;
  }

  /** The current estimate for {@code topic}, in (0, 1] or above 1 for incompressible records. */
  float ratio(String topic) {
    return enabled ? ratios.getOrDefault(topic, 1.0f) : 1.0f;
  }

  /** The uncompressed bytes a batch of {@code topic} may hold to stay near {@code batchSize}. */
  int uncompressedLimit(String topic, int batchSize) {
    return (int) Math.min(Integer.MAX_VALUE, batchSize / (double) ratio(topic));
  }

  /** One encoded batch: {@code uncompressed} bytes became {@code compressed}. */
  void observe(String topic, int uncompressed, int compressed) {
    if (!enabled || uncompressed <= 0) {
      return;
    }
    float observed = compressed / (float) uncompressed;
    ratios.compute(
        topic,
        (t, current) -> {
          float estimate = current == null ? 1.0f : current;
          if (observed > estimate) {
            return Math.max(estimate + DETERIORATING_STEP, observed);
          }
          if (observed < estimate) {
            return Math.max(estimate - IMPROVING_STEP, observed);
          }
          return estimate;
        });
  }
}
