package io.sluice.client;

import static io.sluice.client.ConfigKey.BOOTSTRAP_SERVERS;
import static io.sluice.client.ConfigKey.REQUEST_TIMEOUT_MS;
import static io.sluice.client.ConfigKey.RETRY_BACKOFF_MS;

import io.sluice.client.serialization.ByteArrayDeserializer;
import java.util.List;
import java.util.Map;

/**
 * Consumer settings, named and defaulted as Kafka's consumer names them. Validated once, when
 * built.
 *
 * @param groupId {@code group.id}: the group whose committed offsets are used; null for none
 * @param autoOffsetReset {@code auto.offset.reset}: "earliest", "latest" or "none" (fail)
 * @param fetchMinBytes {@code fetch.min.bytes}: the broker waits for this much data...
 * @param fetchMaxWaitMs {@code fetch.max.wait.ms}: ...or this long
 * @param fetchMaxBytes {@code fetch.max.bytes}: bytes of one fetch response
 * @param maxPartitionFetchBytes {@code max.partition.fetch.bytes}: bytes per partition per fetch
 * @param maxPollRecords {@code max.poll.records}: records returned by one poll
 * @param checkCrcs {@code check.crcs}: verify each received batch's CRC32C (on by default)
 * @param enableAutoCommit {@code enable.auto.commit}: a subscribed consumer commits its positions
 *     every {@code auto.commit.interval.ms}, before a rebalance and on close
 * @param sessionTimeoutMs {@code session.timeout.ms}: the coordinator expels a member silent longer
 * @param heartbeatIntervalMs {@code heartbeat.interval.ms}: below the session timeout
 * @param maxPollIntervalMs {@code max.poll.interval.ms}: the rebalance timeout, and the longest
 *     pause between polls before the member leaves its group
 * @param partitionAssignmentStrategy {@code partition.assignment.strategy}: {@code range}, {@code
 *     roundrobin} (or Kafka's class names of them), in order of preference
 * @param groupInstanceId {@code group.instance.id}: a static member's id, or null
 * @param keyDeserializer {@code key.deserializer}: class name of the {@link
 *     io.sluice.client.serialization.Deserializer} a {@link Consumer} built from this config uses
 *     for keys (bytes as they are by default; Kafka's built-in class names work too)
 * @param valueDeserializer {@code value.deserializer}: the same for values
 * @param security {@code security.protocol} and the {@code ssl.*} keys: TLS to the brokers
 */
public record ConsumerConfig(
    String bootstrapServers,
    String clientId,
    String groupId,
    String autoOffsetReset,
    int fetchMinBytes,
    int fetchMaxWaitMs,
    int fetchMaxBytes,
    int maxPartitionFetchBytes,
    int maxPollRecords,
    long requestTimeoutMs,
    long retryBackoffMs,
    boolean checkCrcs,
    boolean enableAutoCommit,
    int autoCommitIntervalMs,
    int sessionTimeoutMs,
    int heartbeatIntervalMs,
    int maxPollIntervalMs,
    List<String> partitionAssignmentStrategy,
    String groupInstanceId,
    String keyDeserializer,
    String valueDeserializer,
    SecurityConfig security) {

  public ConsumerConfig {
    ConfigChecks.require(
        bootstrapServers != null && !bootstrapServers.isBlank(),
        "bootstrap.servers",
        bootstrapServers);
    ConfigChecks.require(
        "earliest".equals(autoOffsetReset)
            || "latest".equals(autoOffsetReset)
            || "none".equals(autoOffsetReset),
        "auto.offset.reset",
        autoOffsetReset);
    ConfigChecks.require(fetchMinBytes >= 0, "fetch.min.bytes", fetchMinBytes);
    ConfigChecks.require(fetchMaxWaitMs >= 0, "fetch.max.wait.ms", fetchMaxWaitMs);
    ConfigChecks.require(fetchMaxBytes > 0, "fetch.max.bytes", fetchMaxBytes);
    ConfigChecks.require(
        maxPartitionFetchBytes > 0, "max.partition.fetch.bytes", maxPartitionFetchBytes);
    ConfigChecks.require(maxPollRecords > 0, "max.poll.records", maxPollRecords);
    ConfigChecks.require(requestTimeoutMs > fetchMaxWaitMs, "request.timeout.ms", requestTimeoutMs);
    ConfigChecks.require(retryBackoffMs >= 0, "retry.backoff.ms", retryBackoffMs);
    partitionAssignmentStrategy =
        GroupConfigChecks.validate(
            autoCommitIntervalMs,
            sessionTimeoutMs,
            heartbeatIntervalMs,
            maxPollIntervalMs,
            groupInstanceId,
            partitionAssignmentStrategy);
  }

  private static final ConfigKey<String> CLIENT_ID = ConfigKey.text("client.id", "sluice-consumer");
  private static final ConfigKey<String> GROUP_ID = ConfigKey.text("group.id", null);
  private static final ConfigKey<String> AUTO_OFFSET_RESET =
      ConfigKey.text("auto.offset.reset", "latest");
  private static final ConfigKey<Integer> FETCH_MIN_BYTES = ConfigKey.intKey("fetch.min.bytes", 1);
  private static final ConfigKey<Integer> FETCH_MAX_WAIT_MS =
      ConfigKey.intKey("fetch.max.wait.ms", 500);
  private static final ConfigKey<Integer> FETCH_MAX_BYTES =
      ConfigKey.intKey("fetch.max.bytes", 50 << 20);
  private static final ConfigKey<Integer> MAX_PARTITION_FETCH_BYTES =
      ConfigKey.intKey("max.partition.fetch.bytes", 1 << 20);
  private static final ConfigKey<Integer> MAX_POLL_RECORDS =
      ConfigKey.intKey("max.poll.records", 500);
  private static final ConfigKey<Boolean> CHECK_CRCS = ConfigKey.bool("check.crcs", true);
  private static final ConfigKey<Boolean> ENABLE_AUTO_COMMIT =
      ConfigKey.bool("enable.auto.commit", true);
  private static final ConfigKey<Integer> AUTO_COMMIT_INTERVAL_MS =
      ConfigKey.intKey("auto.commit.interval.ms", 5_000);
  private static final ConfigKey<Integer> SESSION_TIMEOUT_MS =
      ConfigKey.intKey("session.timeout.ms", 45_000);
  private static final ConfigKey<Integer> HEARTBEAT_INTERVAL_MS =
      ConfigKey.intKey("heartbeat.interval.ms", 3_000);
  private static final ConfigKey<Integer> MAX_POLL_INTERVAL_MS =
      ConfigKey.intKey("max.poll.interval.ms", 300_000);
  private static final ConfigKey<List<String>> PARTITION_ASSIGNMENT_STRATEGY =
      ConfigKey.list("partition.assignment.strategy", List.of("range"));
  private static final ConfigKey<String> GROUP_INSTANCE_ID =
      ConfigKey.text("group.instance.id", null);
  private static final ConfigKey<String> KEY_DESERIALIZER =
      ConfigKey.text("key.deserializer", ByteArrayDeserializer.class.getName());
  private static final ConfigKey<String> VALUE_DESERIALIZER =
      ConfigKey.text("value.deserializer", ByteArrayDeserializer.class.getName());

  /**
   * Every key the consumer accepts, with Kafka's names and defaults (but the bootstrap address).
   */
  private static final List<ConfigKey<?>> KEYS =
      ConfigKey.withSecurity(
          List.of(
              BOOTSTRAP_SERVERS,
              CLIENT_ID,
              GROUP_ID,
              AUTO_OFFSET_RESET,
              FETCH_MIN_BYTES,
              FETCH_MAX_WAIT_MS,
              FETCH_MAX_BYTES,
              MAX_PARTITION_FETCH_BYTES,
              MAX_POLL_RECORDS,
              REQUEST_TIMEOUT_MS,
              RETRY_BACKOFF_MS,
              CHECK_CRCS,
              ENABLE_AUTO_COMMIT,
              AUTO_COMMIT_INTERVAL_MS,
              SESSION_TIMEOUT_MS,
              HEARTBEAT_INTERVAL_MS,
              MAX_POLL_INTERVAL_MS,
              PARTITION_ASSIGNMENT_STRATEGY,
              GROUP_INSTANCE_ID,
              KEY_DESERIALIZER,
              VALUE_DESERIALIZER));

  public static Builder builder() {
    return new Builder();
  }

  /** Fluent builder over the key table above; unset keys take its defaults. */
  public static final class Builder {
    private final ConfigValues values = new ConfigValues("consumer", KEYS);

    private Builder() {}

    private <T> Builder with(ConfigKey<T> key, T value) {
      values.set(key, value);
      return this;
    }

    public Builder bootstrapServers(String value) {
      return with(BOOTSTRAP_SERVERS, value);
    }

    public Builder clientId(String value) {
      return with(CLIENT_ID, value);
    }

    public Builder groupId(String value) {
      return with(GROUP_ID, value);
    }

    public Builder autoOffsetReset(String value) {
      return with(AUTO_OFFSET_RESET, value);
    }

    public Builder fetchMinBytes(int value) {
      return with(FETCH_MIN_BYTES, value);
    }

    public Builder fetchMaxWaitMs(int value) {
      return with(FETCH_MAX_WAIT_MS, value);
    }

    public Builder fetchMaxBytes(int value) {
      return with(FETCH_MAX_BYTES, value);
    }

    public Builder maxPartitionFetchBytes(int value) {
      return with(MAX_PARTITION_FETCH_BYTES, value);
    }

    public Builder maxPollRecords(int value) {
      return with(MAX_POLL_RECORDS, value);
    }

    public Builder requestTimeoutMs(long value) {
      return with(REQUEST_TIMEOUT_MS, value);
    }

    public Builder retryBackoffMs(long value) {
      return with(RETRY_BACKOFF_MS, value);
    }

    public Builder checkCrcs(boolean value) {
      return with(CHECK_CRCS, value);
    }

    public Builder enableAutoCommit(boolean value) {
      return with(ENABLE_AUTO_COMMIT, value);
    }

    public Builder autoCommitIntervalMs(int value) {
      return with(AUTO_COMMIT_INTERVAL_MS, value);
    }

    public Builder sessionTimeoutMs(int value) {
      return with(SESSION_TIMEOUT_MS, value);
    }

    public Builder heartbeatIntervalMs(int value) {
      return with(HEARTBEAT_INTERVAL_MS, value);
    }

    public Builder maxPollIntervalMs(int value) {
      return with(MAX_POLL_INTERVAL_MS, value);
    }

    public Builder partitionAssignmentStrategy(List<String> value) {
      return with(PARTITION_ASSIGNMENT_STRATEGY, value);
    }

    public Builder groupInstanceId(String value) {
      return with(GROUP_INSTANCE_ID, value);
    }

    /** The deserializer class for keys, used by {@code new Consumer<>(config)}. */
    public Builder keyDeserializer(Class<?> value) {
      return with(KEY_DESERIALIZER, value.getName());
    }

    public Builder valueDeserializer(Class<?> value) {
      return with(VALUE_DESERIALIZER, value.getName());
    }

    /**
     * Applies settings given by their Kafka key names, as text or typed values; an unknown key or a
     * malformed value fails with the key named.
     */
    public Builder properties(Map<String, ?> properties) {
      values.setAll(properties);
      return this;
    }

    public ConsumerConfig build() {
      return new ConsumerConfig(
          values.get(BOOTSTRAP_SERVERS),
          values.get(CLIENT_ID),
          values.get(GROUP_ID),
          values.get(AUTO_OFFSET_RESET),
          values.get(FETCH_MIN_BYTES),
          values.get(FETCH_MAX_WAIT_MS),
          values.get(FETCH_MAX_BYTES),
          values.get(MAX_PARTITION_FETCH_BYTES),
          values.get(MAX_POLL_RECORDS),
          values.get(REQUEST_TIMEOUT_MS),
          values.get(RETRY_BACKOFF_MS),
          values.get(CHECK_CRCS),
          values.get(ENABLE_AUTO_COMMIT),
          values.get(AUTO_COMMIT_INTERVAL_MS),
          values.get(SESSION_TIMEOUT_MS),
          values.get(HEARTBEAT_INTERVAL_MS),
          values.get(MAX_POLL_INTERVAL_MS),
          values.get(PARTITION_ASSIGNMENT_STRATEGY),
          values.get(GROUP_INSTANCE_ID),
          values.get(KEY_DESERIALIZER),
          values.get(VALUE_DESERIALIZER),
          ConfigKey.security(values));
    }
  }
}
