package io.sluice.broker.quota;

/**
 * Kafka's {@code Rate} over a {@code SampledStat}, the measure client quotas bound: the sum of the
 * values recorded in the last {@code samples} windows of {@code windowMs} each, divided by the time
 * they cover, in units per second.
 *
 * <p>A window starts when the first value after the previous one's end is recorded, and is reused
 * once it is {@code samples} windows old. The time covered runs from the oldest window's start to
 * now, but counts at least {@code samples - 1} whole windows (so a first burst is spread over the
 * whole quota window, as in Kafka, rather than measured over a few milliseconds). {@link
 * #throttleMs} is Kafka's {@code QuotaUtils.throttleTime}: how long the client must stay silent for
 * the rate to come back to the bound, {@code (rate - bound) / bound * covered time}.
 *
 * <p>Not thread-safe: its owner serializes calls (see {@link ClientQuotas}).
 */
final class QuotaRate {
  private final int samples;
  private final long windowMs;
  private final long[] starts;
  private final double[] totals;
  private int used; // windows started so far, at most samples
  private int current;

  QuotaRate(int samples, long windowMs) {
    if (samples < 2 || windowMs < 1) {
      throw new IllegalArgumentException("need 2+ samples of 1+ ms");
    }
    this.samples = samples;
    this.windowMs = windowMs;
    this.starts = new long[samples];
    this.totals = new double[samples];
  }

  /** Adds {@code value} (negative to take back an earlier record) at {@code nowMs}. */
  void record(double value, long nowMs) {
    if (used == 0) {
      used = 1;
      current = 0;
      starts[0] = nowMs;
      totals[0] = 0;
    } else if (nowMs - starts[current] >= windowMs) {
      current = (current + 1) % samples;
      if (current >= used) {
        used = current + 1;
      }
      starts[current] = nowMs;
      totals[current] = 0;
    }
    totals[current] += value;
  }

  /** Units per second at {@code nowMs}. */
  double measure(long nowMs) {
    purgeObsolete(nowMs);
    double sum = 0;
    for (int i = 0; i < used; i++) {
      sum += totals[i];
    }
    return sum / (windowSize(nowMs) / 1000.0);
  }

  /** The time the rate is measured over, in ms (at least {@code samples - 1} windows, and 1). */
  long windowSize(long nowMs) {
    purgeObsolete(nowMs);
    long oldest = nowMs;
    for (int i = 0; i < used; i++) {
      oldest = Math.min(oldest, starts[i]);
    }
    long elapsed = nowMs - oldest;
    long fullWindows = elapsed / windowMs;
    long minFull = samples - 1;
    if (fullWindows < minFull) {
      elapsed += (minFull - fullWindows) * windowMs;
    }
    return Math.max(elapsed, 1);
  }

  /**
   * Kafka's throttle time at {@code nowMs} for a rate bounded by {@code bound}: 0 within the bound,
   * else {@code round((rate - bound) / bound * windowSize)}.
   */
  long throttleMs(double bound, long nowMs) {
    double rate = measure(nowMs);
    if (rate <= bound) {
      return 0;
    }
    return Math.round((rate - bound) / bound * windowSize(nowMs));
  }

  /** Windows older than all the samples together start again, empty, at {@code nowMs}. */
  private void purgeObsolete(long nowMs) {
    long expireAge = samples * windowMs;
    for (int i = 0; i < used; i++) {
      if (nowMs - starts[i] >= expireAge) {
        starts[i] = nowMs;
        totals[i] = 0;
      }
    }
  }
}
