package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Throughput and latency accounting for the perf commands: counts records and bytes, records
 * latencies (microseconds) in an HdrHistogram, prints a progress line per interval and a summary
 * with p50/p95/p99/p99.9/max.
 *
 * <p>Thread safety: {@link #record} may be called from any one thread at a time concurrently with
 * {@link #progress} and {@link #summary} on another (the {@link Recorder} hands interval histograms
 * over without locks; the counters are read as of the last interval).
 */
final class LatencyReport {
  /** One hour in microseconds: the largest latency tracked, with 3 significant digits. */
  private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

  private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
  private final Histogram total = new Histogram(HIGHEST_MICROS, 3);
  private final LongSupplier nanoClock;
  private final long startNanos;
  private volatile long records;
  private volatile long bytes;
  private long lastRecords;
  private long lastBytes;
  private long lastNanos;

  LatencyReport(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
    this.lastNanos = startNanos;
  }

  /** Accounts one record of {@code size} bytes that took {@code latencyNanos}. */
  void record(int size, long latencyNanos) {
    recorder.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, latencyNanos / 1000)));
    records++;
    bytes += size;
  }

  /** Accounts one record without a latency (a consumer's read). */
  void count(int size) {
    records++;
    bytes += size;
  }

  /** Accounts {@code count} records of {@code size} bytes in all, without latencies. */
  void count(long count, long size) {
    records += count;
    bytes += size;
  }

  long records() {
    return records;
  }

  /** Prints the rates and latencies of the interval since the previous progress line. */
  void progress(PrintWriter out) {
    long now = nanoClock.getAsLong();
    Histogram interval = recorder.getIntervalHistogram();
    total.add(interval);
    long r = records;
    long b = bytes;
    double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
    String latency =
        interval.getTotalCount() == 0
            ? ""
            : String.format(
                ", latency ms p50 %.2f p99 %.2f max %.2f",
                ms(interval.getValueAtPercentile(50)),
                ms(interval.getValueAtPercentile(99)),
                ms(interval.getMaxValue()));
    out.printf(
        "%d records, %.1f records/s, %.2f MB/s%s%n",
        r - lastRecords, (r - lastRecords) / seconds, (b - lastBytes) / seconds / 1e6, latency);
    out.flush();
    lastRecords = r;
    lastBytes = b;
    lastNanos = now;
  }

  /** The final figures; call once, after the last {@link #record}. */
  Summary summary() {
    total.add(recorder.getIntervalHistogram());
    double seconds = Math.max(1e-9, (nanoClock.getAsLong() - startNanos) / 1e9);
    boolean hasLatency = total.getTotalCount() > 0;
    return new Summary(
        records,
        bytes,
        seconds,
        records / seconds,
        bytes / seconds / 1e6,
        hasLatency ? ms(total.getValueAtPercentile(50)) : Double.NaN,
        hasLatency ? ms(total.getValueAtPercentile(95)) : Double.NaN,
        hasLatency ? ms(total.getValueAtPercentile(99)) : Double.NaN,
        hasLatency ? ms(total.getValueAtPercentile(99.9)) : Double.NaN,
        hasLatency ? ms(total.getMaxValue()) : Double.NaN);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  /** Totals of a run. Latencies in milliseconds; NaN when none was recorded. */
  record Summary(
      long records,
      long bytes,
      double seconds,
      double recordsPerSecond,
      double megabytesPerSecond,
      double p50,
      double p95,
      double p99,
      double p999,
      double max) {

    String text(String verb) {
      String line =
          String.format(
              "%d records %s in %.2f s, %.1f records/s, %.2f MB/s",
              records, verb, seconds, recordsPerSecond, megabytesPerSecond);
      if (Double.isNaN(p50)) {
        return line;
      }
      return line
          + String.format(
              ", latency ms p50 %.2f p95 %.2f p99 %.2f p99.9 %.2f max %.2f",
              p50, p95, p99, p999, max);
    }

    ObjectNode json(ObjectMapper mapper) {
      ObjectNode node = mapper.createObjectNode();
      node.put("records", records);
      node.put("bytes", bytes);
      node.put("seconds", seconds);
      node.put("recordsPerSec", recordsPerSecond);
      node.put("mbPerSec", megabytesPerSecond);
      if (!Double.isNaN(p50)) {
        ObjectNode latency = node.putObject("latencyMs");
        latency.put("p50", p50);
        latency.put("p95", p95);
        latency.put("p99", p99);
        latency.put("p99.9", p999);
        latency.put("max", max);
      }
      return node;
    }
  }
}
