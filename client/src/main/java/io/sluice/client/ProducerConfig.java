package io.sluice.client;

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
 *     retried batch is never written twice
 * @param maxInFlight {@code max.in.flight.requests.per.connection}, at most 5 when idempotent
 * @param maxRequestSize {@code max.request.size}: bytes of one produce request, and of one record
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
    int maxRequestSize) {

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
        "enable.idempotence=true needs acks=all (-1)");
    ConfigChecks.require(maxRequestSize > 0, "max.request.size", maxRequestSize);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Fluent builder, preset with Kafka's defaults (except the bootstrap default below). */
  public static final class Builder {
    private String bootstrapServers = "127.0.0.1:9092";
    private String clientId = "sluice-producer";
    private short acks = -1;
    private int batchSize = 16384;
    private long lingerMs = 5;
    private long bufferMemory = 32L * 1024 * 1024;
    private long maxBlockMs = 60_000;
    private long deliveryTimeoutMs = 120_000;
    private long requestTimeoutMs = 30_000;
    private long retryBackoffMs = 100;
    private boolean enableIdempotence = true;
    private int maxInFlight = 5;
    private int maxRequestSize = 1024 * 1024;

    private Builder() {}

    public Builder bootstrapServers(String value) {
      this.bootstrapServers = value;
      return this;
    }

    public Builder clientId(String value) {
      this.clientId = value;
      return this;
    }

    /** 0, 1, or -1 for "all". Idempotence needs "all": set it off for 0 or 1. */
    public Builder acks(int value) {
      this.acks = (short) value;
      return this;
    }

    public Builder batchSize(int value) {
      this.batchSize = value;
      return this;
    }

    public Builder lingerMs(long value) {
      this.lingerMs = value;
      return this;
    }

    public Builder bufferMemory(long value) {
      this.bufferMemory = value;
      return this;
    }

    public Builder maxBlockMs(long value) {
      this.maxBlockMs = value;
      return this;
    }

    public Builder deliveryTimeoutMs(long value) {
      this.deliveryTimeoutMs = value;
      return this;
    }

    public Builder requestTimeoutMs(long value) {
      this.requestTimeoutMs = value;
      return this;
    }

    public Builder retryBackoffMs(long value) {
      this.retryBackoffMs = value;
      return this;
    }

    public Builder enableIdempotence(boolean value) {
      this.enableIdempotence = value;
      return this;
    }

    public Builder maxInFlight(int value) {
      this.maxInFlight = value;
      return this;
    }

    public Builder maxRequestSize(int value) {
      this.maxRequestSize = value;
      return this;
    }

    /**
     * Applies settings given by their Kafka key names ({@code acks=all}, {@code linger.ms=10}). An
     * unknown key or a malformed value fails with the key named.
     */
    public Builder properties(Map<String, String> properties) {
      properties.forEach(this::set);
      return this;
    }

    private void set(String key, String value) {
      switch (key) {
        case "bootstrap.servers" -> bootstrapServers = value;
        case "client.id" -> clientId = value;
        case "acks" ->
            acks = (short) ("all".equals(value) ? -1 : ConfigChecks.parseInt(key, value));
        case "batch.size" -> batchSize = ConfigChecks.parseInt(key, value);
        case "linger.ms" -> lingerMs = ConfigChecks.parseLong(key, value);
        case "buffer.memory" -> bufferMemory = ConfigChecks.parseLong(key, value);
        case "max.block.ms" -> maxBlockMs = ConfigChecks.parseLong(key, value);
        case "delivery.timeout.ms" -> deliveryTimeoutMs = ConfigChecks.parseLong(key, value);
        case "request.timeout.ms" -> requestTimeoutMs = ConfigChecks.parseLong(key, value);
        case "retry.backoff.ms" -> retryBackoffMs = ConfigChecks.parseLong(key, value);
        case "enable.idempotence" -> enableIdempotence = ConfigChecks.parseBoolean(key, value);
        case "max.in.flight.requests.per.connection" ->
            maxInFlight = ConfigChecks.parseInt(key, value);
        case "max.request.size" -> maxRequestSize = ConfigChecks.parseInt(key, value);
        default -> throw new IllegalArgumentException("unknown producer setting " + key);
      }
    }

    public ProducerConfig build() {
      return new ProducerConfig(
          bootstrapServers,
          clientId,
          acks,
          batchSize,
          lingerMs,
          bufferMemory,
          maxBlockMs,
          deliveryTimeoutMs,
          requestTimeoutMs,
          retryBackoffMs,
          enableIdempotence,
          maxInFlight,
          maxRequestSize);
    }
  }
}
