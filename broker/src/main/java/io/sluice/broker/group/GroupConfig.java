package io.sluice.broker.group;

/**
 * The group coordinator's settings, validated once when built. The server's configuration maps
 * Kafka's {@code server.properties} keys onto it:
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>component</th><th>default</th></tr>
 *   <tr><td>{@code group.initial.rebalance.delay.ms}</td><td>initialRebalanceDelayMs</td><td>50</td></tr>
 *   <tr><td>{@code group.min.session.timeout.ms}</td><td>minSessionTimeoutMs</td><td>6000</td></tr>
 *   <tr><td>{@code group.max.session.timeout.ms}</td><td>maxSessionTimeoutMs</td><td>1800000</td></tr>
 *   <tr><td>{@code group.max.size}</td><td>maxSize</td><td>2147483647</td></tr>
 * </table>
 *
 * <p>{@code maxMetadataBytes} bounds the protocol metadata one member may send in a JoinGroup (the
 * sum over its protocols). It has no Kafka key: Kafka bounds the same bytes indirectly, by the
 * maximum record size of its offsets topic (1 MiB by default), and so does this default.
 *
 * <p>Why 50 ms for the initial delay and not Kafka's 3000: the delay exists so that consumers
 * started together form one generation instead of one rebalance per arrival. Consumers started by
 * one process or one deployment arrive within a few milliseconds of each other, and every rebalance
 * it saves would cost a full JoinGroup/SyncGroup round trip of every member. A single consumer on a
 * developer's laptop pays the delay once, which at 50 ms stays invisible next to the client's own
 * bootstrap; 3 s is the most reported surprise about Kafka's groups.
 */
public record GroupConfig(
    int initialRebalanceDelayMs,
    int minSessionTimeoutMs,
    int maxSessionTimeoutMs,
    int maxSize,
    int maxMetadataBytes) {

  public static final int DEFAULT_INITIAL_REBALANCE_DELAY_MS = 50;
  public static final int DEFAULT_MIN_SESSION_TIMEOUT_MS = 6_000;
  public static final int DEFAULT_MAX_SESSION_TIMEOUT_MS = 1_800_000;
  public static final int DEFAULT_MAX_SIZE = Integer.MAX_VALUE;
  public static final int DEFAULT_MAX_METADATA_BYTES = 1024 * 1024;

  public GroupConfig {
    if (initialRebalanceDelayMs < 0) {
      throw new IllegalArgumentException(
          "group.initial.rebalance.delay.ms=" + initialRebalanceDelayMs + " must be >= 0");
    }
    if (minSessionTimeoutMs < 1) {
      throw new IllegalArgumentException(
          "group.min.session.timeout.ms=" + minSessionTimeoutMs + " must be >= 1");
    }
    if (maxSessionTimeoutMs < minSessionTimeoutMs) {
      throw new IllegalArgumentException(
          "group.max.session.timeout.ms="
              + maxSessionTimeoutMs
              + " must be >= group.min.session.timeout.ms="
              + minSessionTimeoutMs);
    }
    if (maxSize < 1) {
      throw new IllegalArgumentException("group.max.size=" + maxSize + " must be >= 1");
    }
    if (maxMetadataBytes < 0) {
      throw new IllegalArgumentException("maxMetadataBytes=" + maxMetadataBytes + " must be >= 0");
    }
  }

  /** Kafka's defaults, except the initial rebalance delay (see the class comment). */
  public static GroupConfig defaults() {
    return new GroupConfig(
        DEFAULT_INITIAL_REBALANCE_DELAY_MS,
        DEFAULT_MIN_SESSION_TIMEOUT_MS,
        DEFAULT_MAX_SESSION_TIMEOUT_MS,
        DEFAULT_MAX_SIZE,
        DEFAULT_MAX_METADATA_BYTES);
  }

  public GroupConfig withInitialRebalanceDelayMs(int value) {
    return new GroupConfig(
        value, minSessionTimeoutMs, maxSessionTimeoutMs, maxSize, maxMetadataBytes);
  }

  public GroupConfig withSessionTimeoutRange(int min, int max) {
    return new GroupConfig(initialRebalanceDelayMs, min, max, maxSize, maxMetadataBytes);
  }

  public GroupConfig withMaxSize(int value) {
    return new GroupConfig(
        initialRebalanceDelayMs, minSessionTimeoutMs, maxSessionTimeoutMs, value, maxMetadataBytes);
  }

  public GroupConfig withMaxMetadataBytes(int value) {
    return new GroupConfig(
        initialRebalanceDelayMs, minSessionTimeoutMs, maxSessionTimeoutMs, maxSize, value);
  }
}
