package io.sluice.client;

import static io.sluice.client.ConfigKey.BOOTSTRAP_SERVERS;
import static io.sluice.client.ConfigKey.REQUEST_TIMEOUT_MS;
import static io.sluice.client.ConfigKey.RETRY_BACKOFF_MS;

import io.sluice.client.serialization.ByteArraySerializer;
import io.sluice.protocol.record.Compression;
import io.sluice.protocol.record.CompressionType;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Producer settings, named and defaulted as Kafka's producer names them. Validated once, when
 * built; a bad value fails with its key and value named.
 *
 * @param bootstrapServers {@code bootstrap.servers}: comma-separated {@code host:port} list
 * @param acks {@code acks}: 0, 1 or -1 ("all")
 * @param batchSize {@code batch.size}: bytes of records per partition batch
 * @param lingerMs {@code linger.ms}: how long a non-full batch waits for more records
 * @param bufferMemory {@code buffer.memory}: bytes of unsent and unacknowledged records held
 * @param maxBlockMs {@code max.block.ms}: how long {@code send} blocks when memory is full
 * @param deliveryTimeoutMs {@code delivery.timeout.ms}: upper bound from send to outcome
 * @param requestTimeoutMs {@code request.timeout.ms}: how long one request waits for its answer
 * @param retryBackoffMs {@code retry.backoff.ms}: pause before a retriable failure is retried
 * @param enableIdempotence {@code enable.idempotence}: producer id and sequence numbers, so that a
 *     retried batch is never written twice. As in Kafka, on unless set: left unset, it turns itself
 *     off when {@code acks} is not all or more than 5 requests may be in flight; set to true with
 *     {@code acks} other than all, the build fails
 * @param maxInFlight {@code max.in.flight.requests.per.connection}, at most 5 when idempotent
 * @param maxRequestSize {@code max.request.size}: bytes of one produce request, and of one record
 * @param keySerializer {@code key.serializer}: class name of the {@link
 *     io.sluice.client.serialization.Serializer} a {@link Producer} built from this config uses for
 *     keys (bytes as they are by default; Kafka's built-in class names work too)
 * @param valueSerializer {@code value.serializer}: the same for values
 * @param compression {@code compression.type} ({@code none}, {@code gzip}, {@code snappy}, {@code
 *     lz4}, {@code zstd}) with its level from {@code compression.gzip.level}, {@code
 *     compression.lz4.level} or {@code compression.zstd.level}: how each batch's records are
 *     compressed (docs/client.md, "Compression")
 */
public record ProducerConfig(
    String bootstrapServers,
    String clientId,
    short acks,
    int batchSize,
    long lingerMs,
    long bufferMemory,
    long maxBlockMs,
    long deliveryTimeoutMs,
    long requestTimeoutMs,
    long retryBackoffMs,
    boolean enableIdempotence,
    int maxInFlight,
    int maxRequestSize,
    String keySerializer,
    String valueSerializer,
    Compression compression) {

  public ProducerConfig {
    ConfigChecks.require(
        bootstrapServers != null && !bootstrapServers.isBlank(),
        "bootstrap.servers",
        bootstrapServers);
    ConfigChecks.require(acks == 0 || acks == 1 || acks == -1, "acks", acks);
    ConfigChecks.require(batchSize > 0, "batch.size", batchSize);
    ConfigChecks.require(lingerMs >= 0, "linger.ms", lingerMs);
    ConfigChecks.require(bufferMemory >= batchSize, "buffer.memory", bufferMemory);
    ConfigChecks.require(maxBlockMs >= 0, "max.block.ms", maxBlockMs);
    ConfigChecks.require(requestTimeoutMs > 0, "request.timeout.ms", requestTimeoutMs);
    ConfigChecks.require(
        deliveryTimeoutMs >= lingerMs + requestTimeoutMs, "delivery.timeout.ms", deliveryTimeoutMs);
    ConfigChecks.require(retryBackoffMs >= 0, "retry.backoff.ms", retryBackoffMs);
    ConfigChecks.require(
        maxInFlight >= 1 && (!enableIdempotence || maxInFlight <= 5),
        "max.in.flight.requests.per.connection",
        maxInFlight);
    ConfigChecks.require(
        !enableIdempotence || acks == -1,
        "acks",
        acks,
        "enable.idempotence=true needs acks=all (-1); leave it unset or set it to false");
    ConfigChecks.require(maxRequestSize > 0, "max.request.size", maxRequestSize);
    ConfigChecks.require(compression != null, "compression.type", null);
  }

  private static final ConfigKey<String> CLIENT_ID = ConfigKey.text("client.id", "sluice-producer");
  private static final ConfigKey<Short> ACKS =
      ConfigKey.custom("acks", (short) -1, ProducerConfig::parseAcks);
  private static final ConfigKey<Integer> BATCH_SIZE = ConfigKey.intKey("batch.size", 16384);
  private static final ConfigKey<Long> LINGER_MS = ConfigKey.longKey("linger.ms", 5);
  private static final ConfigKey<Long> BUFFER_MEMORY =
      ConfigKey.longKey("buffer.memory", 32L << 20);
  private static final ConfigKey<Long> MAX_BLOCK_MS = ConfigKey.longKey("max.block.ms", 60_000);
  private static final ConfigKey<Long> DELIVERY_TIMEOUT_MS =
      ConfigKey.longKey("delivery.timeout.ms", 120_000);
  private static final ConfigKey<Boolean> ENABLE_IDEMPOTENCE =
      ConfigKey.bool("enable.idempotence", true);
  private static final ConfigKey<Integer> MAX_IN_FLIGHT =
      ConfigKey.intKey("max.in.flight.requests.per.connection", 5);
  private static final ConfigKey<Integer> MAX_REQUEST_SIZE =
      ConfigKey.intKey("max.request.size", 1 << 20);
  private static final ConfigKey<String> KEY_SERIALIZER =
      ConfigKey.text("key.serializer", ByteArraySerializer.class.getName());
  private static final ConfigKey<String> VALUE_SERIALIZER =
      ConfigKey.text("value.serializer", ByteArraySerializer.class.getName());
  private static final ConfigKey<CompressionType> COMPRESSION_TYPE =
      ConfigKey.custom("compression.type", CompressionType.NONE, ProducerConfig::parseCompression);
  private static final ConfigKey<Integer> GZIP_LEVEL =
      ConfigKey.intKey("compression.gzip.level", Compression.GZIP_DEFAULT_LEVEL);
  private static final ConfigKey<Integer> LZ4_LEVEL =
      ConfigKey.intKey("compression.lz4.level", Compression.LZ4_DEFAULT_LEVEL);
  private static final ConfigKey<Integer> ZSTD_LEVEL =
      ConfigKey.intKey("compression.zstd.level", Compression.ZSTD_DEFAULT_LEVEL);

  /** Every key the producer accepts (Kafka's names and defaults, but the bootstrap address). */
  private static final List<ConfigKey<?>> KEYS =
      List.of(
          BOOTSTRAP_SERVERS,
          CLIENT_ID,
          ACKS,
          BATCH_SIZE,
          LINGER_MS,
          BUFFER_MEMORY,
          MAX_BLOCK_MS,
          DELIVERY_TIMEOUT_MS,
          REQUEST_TIMEOUT_MS,
          RETRY_BACKOFF_MS,
          ENABLE_IDEMPOTENCE,
          MAX_IN_FLIGHT,
          MAX_REQUEST_SIZE,
          KEY_SERIALIZER,
          VALUE_SERIALIZER,
          COMPRESSION_TYPE,
          GZIP_LEVEL,
          LZ4_LEVEL,
          ZSTD_LEVEL);

  private static CompressionType parseCompression(String value) {
    String name = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (CompressionType type : CompressionType.values()) {
      if (type.label().equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "invalid value compression.type=" + value + ": expected none, gzip, snappy, lz4 or zstd");
  }

  /** The codec with the level of its own key; a level the codec lacks fails naming that key. */
  private static Compression compression(ConfigValues values) {
    CompressionType type = values.get(COMPRESSION_TYPE);
    ConfigKey<Integer> levelKey =
        switch (type) {
          case GZIP -> GZIP_LEVEL;
          case LZ4 -> LZ4_LEVEL;
          case ZSTD -> ZSTD_LEVEL;
          case NONE, SNAPPY -> null;
        };
    if (levelKey == null) {
      return Compression.of(type);
    }
    int level = values.get(levelKey);
    try {
      return Compression.of(type, level);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid value " + levelKey.name() + "=" + level + ": " + e.getMessage(), e);
    }
  }

  private static short parseAcks(String value) {
    return (short) ("all".equals(value.trim()) ? -1 : ConfigChecks.parseInt("acks", value));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Fluent builder over the key table above; unset keys take its defaults. */
  public static final class Builder {
    private final ConfigValues values = new ConfigValues("producer", KEYS);

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

    /** 0, 1, or -1 for "all". With 0 or 1, idempotence turns off unless it was set to true. */
    public Builder acks(int value) {
      return with(ACKS, (short) value);
    }

    public Builder batchSize(int value) {
      return with(BATCH_SIZE, value);
    }

    public Builder lingerMs(long value) {
      return with(LINGER_MS, value);
    }

    public Builder bufferMemory(long value) {
      return with(BUFFER_MEMORY, value);
    }

    public Builder maxBlockMs(long value) {
      return with(MAX_BLOCK_MS, value);
    }

    public Builder deliveryTimeoutMs(long value) {
      return with(DELIVERY_TIMEOUT_MS, value);
    }

    public Builder requestTimeoutMs(long value) {
      return with(REQUEST_TIMEOUT_MS, value);
    }

    public Builder retryBackoffMs(long value) {
      return with(RETRY_BACKOFF_MS, value);
    }

    public Builder enableIdempotence(boolean value) {
      return with(ENABLE_IDEMPOTENCE, value);
    }

    public Builder maxInFlight(int value) {
      return with(MAX_IN_FLIGHT, value);
    }

    public Builder maxRequestSize(int value) {
      return with(MAX_REQUEST_SIZE, value);
    }

    /** The serializer class for keys, used by {@code new Producer<>(config)}. */
    public Builder keySerializer(Class<?> value) {
      return with(KEY_SERIALIZER, value.getName());
    }

    public Builder valueSerializer(Class<?> value) {
      return with(VALUE_SERIALIZER, value.getName());
    }

    /** {@code compression.type}: the codec of every batch, at its default level. */
    public Builder compressionType(CompressionType value) {
      return with(COMPRESSION_TYPE, value);
    }

    /**
     * Applies settings given by their Kafka key names ({@code acks=all}, {@code linger.ms=10}), as
     * text or typed values (a serializer may be given as a {@code Class}). An unknown key or a
     * malformed value fails with the key named.
     */
    public Builder properties(Map<String, ?> properties) {
      values.setAll(properties);
      return this;
    }

    public ProducerConfig build() {
      short acks = values.get(ACKS);
      int maxInFlight = values.get(MAX_IN_FLIGHT);
      boolean idempotence =
          values.isSet(ENABLE_IDEMPOTENCE)
              ? values.get(ENABLE_IDEMPOTENCE)
              : acks == -1 && maxInFlight <= 5;
      return new ProducerConfig(
          values.get(BOOTSTRAP_SERVERS),
          values.get(CLIENT_ID),
          acks,
          values.get(BATCH_SIZE),
          values.get(LINGER_MS),
          values.get(BUFFER_MEMORY),
          values.get(MAX_BLOCK_MS),
          values.get(DELIVERY_TIMEOUT_MS),
          values.get(REQUEST_TIMEOUT_MS),
          values.get(RETRY_BACKOFF_MS),
          idempotence,
          maxInFlight,
          values.get(MAX_REQUEST_SIZE),
          values.get(KEY_SERIALIZER),
          values.get(VALUE_SERIALIZER),
          compression(values));
    }
  }
}
