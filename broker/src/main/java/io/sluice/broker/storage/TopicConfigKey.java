package io.sluice.broker.storage;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Kafka's topic-level configuration keys that Sluice implements. Each one overrides, for one topic,
 * the broker key it names as its synonym ({@code retention.ms} overrides {@code log.retention.ms});
 * a topic without an override has the broker's value. A topic's overrides are stored with its
 * partitions ({@link TopicConfigFile}) and applied over the broker's {@link LogConfig} by {@link
 * LogConfig#withOverrides}.
 *
 * <p>Values are parsed and checked as Kafka checks them, and a bad one is refused with {@code
 * INVALID_CONFIG} and Kafka's wording: {@code Invalid value abc for configuration retention.ms: Not
 * a number of type LONG}. Immutable.
 */
public enum TopicConfigKey {
  CLEANUP_POLICY(
      "cleanup.policy",
      "log.cleanup.policy",
      Type.LIST,
      "delete (retention removes old segments), compact (the cleaner keeps the latest record per"
          + " key) or both.",
      LogConfig::cleanupPolicy,
      (b, v) -> b.cleanupPolicy(v)),
  RETENTION_MS(
      "retention.ms",
      "log.retention.ms",
      Type.LONG,
      -1,
      "Age after which segments go (policy delete); -1: never.",
      c -> Long.toString(c.retentionMs()),
      (b, v) -> b.retentionMs(Long.parseLong(v))),
  RETENTION_BYTES(
      "retention.bytes",
      "log.retention.bytes",
      Type.LONG,
      -1,
      "Partition size above which old segments go (policy delete); -1: no limit.",
      c -> Long.toString(c.retentionBytes()),
      (b, v) -> b.retentionBytes(Long.parseLong(v))),
  SEGMENT_BYTES(
      "segment.bytes",
      "log.segment.bytes",
      Type.INT,
      1024,
      "Segment size before a roll.",
      c -> Integer.toString(c.segmentBytes()),
      (b, v) -> b.segmentBytes(Integer.parseInt(v))),
  SEGMENT_MS(
      "segment.ms",
      "log.roll.ms",
      Type.LONG,
      1,
      "Segment age before a roll.",
      c -> Long.toString(c.rollMs()),
      (b, v) -> b.rollMs(Long.parseLong(v))),
  SEGMENT_INDEX_BYTES(
      "segment.index.bytes",
      "log.index.size.max.bytes",
      Type.INT,
      48,
      "Largest offset index of a segment.",
      c -> Integer.toString(c.indexSizeMaxBytes()),
      (b, v) -> b.indexSizeMaxBytes(Integer.parseInt(v))),
  INDEX_INTERVAL_BYTES(
      "index.interval.bytes",
      "log.index.interval.bytes",
      Type.INT,
      0,
      "Log bytes between offset-index entries.",
      c -> Integer.toString(c.indexIntervalBytes()),
      (b, v) -> b.indexIntervalBytes(Integer.parseInt(v))),
  FLUSH_MS(
      "flush.ms",
      "log.flush.interval.ms",
      Type.LONG,
      1,
      "Longest time appended data stays unflushed.",
      c -> Long.toString(c.flushIntervalMs()),
      (b, v) -> b.flushIntervalMs(Long.parseLong(v))),
  FLUSH_MESSAGES(
      "flush.messages",
      "log.flush.interval.messages",
      Type.LONG,
      1,
      "Messages appended before a flush is forced.",
      c -> Long.toString(c.flushIntervalMessages()),
      (b, v) -> b.flushIntervalMessages(Long.parseLong(v))),
  MAX_MESSAGE_BYTES(
      "max.message.bytes",
      "message.max.bytes",
      Type.INT,
      61,
      "Largest record batch a producer may send to the topic.",
      c -> Integer.toString(c.maxMessageBytes()),
      (b, v) -> b.maxMessageBytes(Integer.parseInt(v))),
  MESSAGE_TIMESTAMP_TYPE(
      "message.timestamp.type",
      "log.message.timestamp.type",
      Type.STRING,
      "CreateTime (the producer's) or LogAppendTime (the broker stamps each batch).",
      LogConfig::timestampType,
      (b, v) -> b.timestampType(v)),
  MESSAGE_TIMESTAMP_BEFORE_MAX_MS(
      "message.timestamp.before.max.ms",
      "message.timestamp.before.max.ms",
      Type.LONG,
      0,
      "How far behind the broker's clock a CreateTime may be.",
      c -> Long.toString(c.timestampBeforeMaxMs()),
      (b, v) -> b.timestampBeforeMaxMs(Long.parseLong(v))),
  MESSAGE_TIMESTAMP_AFTER_MAX_MS(
      "message.timestamp.after.max.ms",
      "message.timestamp.after.max.ms",
      Type.LONG,
      0,
      "How far ahead of the broker's clock a CreateTime may be.",
      c -> Long.toString(c.timestampAfterMaxMs()),
      (b, v) -> b.timestampAfterMaxMs(Long.parseLong(v))),
  MIN_CLEANABLE_DIRTY_RATIO(
      "min.cleanable.dirty.ratio",
      "log.cleaner.min.cleanable.ratio",
      Type.DOUBLE,
      "Share of a compacted log not yet cleaned above which the cleaner cleans it.",
      c -> Double.toString(c.minCleanableDirtyRatio()),
      (b, v) -> b.minCleanableDirtyRatio(Double.parseDouble(v))),
  DELETE_RETENTION_MS(
      "delete.retention.ms",
      "log.cleaner.delete.retention.ms",
      Type.LONG,
      0,
      "How long a tombstone stays in a compacted log.",
      c -> Long.toString(c.deleteRetentionMs()),
      (b, v) -> b.deleteRetentionMs(Long.parseLong(v))),
  MIN_COMPACTION_LAG_MS(
      "min.compaction.lag.ms",
      "log.cleaner.min.compaction.lag.ms",
      Type.LONG,
      0,
      "Records younger than this are never compacted.",
      c -> Long.toString(c.minCompactionLagMs()),
      (b, v) -> b.minCompactionLagMs(Long.parseLong(v))),
  MAX_COMPACTION_LAG_MS(
      "max.compaction.lag.ms",
      "log.cleaner.max.compaction.lag.ms",
      Type.LONG,
      1,
      "Records older than this are compacted whatever the dirty ratio.",
      c -> Long.toString(c.maxCompactionLagMs()),
      (b, v) -> b.maxCompactionLagMs(Long.parseLong(v))),
  MIN_INSYNC_REPLICAS(
      "min.insync.replicas",
      "min.insync.replicas",
      Type.INT,
      1,
      "In-sync replicas an acks=all write needs.",
      c -> Integer.toString(c.minInsyncReplicas()),
      (b, v) -> b.minInsyncReplicas(Integer.parseInt(v)));

  /** A value's type, with the id DescribeConfigs (v3+) gives it. */
  public enum Type {
    STRING(2),
    INT(3),
    LONG(5),
    DOUBLE(6),
    LIST(7);

    private final byte id;

    Type(int id) {
      this.id = (byte) id;
    }

    /** Kafka's {@code ConfigType} id in DescribeConfigs responses. */
    public byte id() {
      return id;
    }
  }

  private static final Map<String, TopicConfigKey> BY_NAME = new HashMap<>();

  static {
    for (TopicConfigKey key : values()) {
      BY_NAME.put(key.key, key);
    }
  }

  private final String key;
  private final String brokerKey;
  private final Type type;
  private final long min;
  private final String doc;
  private final Function<LogConfig, String> getter;
  private final BiConsumer<LogConfig.Builder, String> setter;

  TopicConfigKey(
      String key,
      String brokerKey,
      Type type,
      String doc,
      Function<LogConfig, String> getter,
      BiConsumer<LogConfig.Builder, String> setter) {
    this(key, brokerKey, type, Long.MIN_VALUE, doc, getter, setter);
  }

  TopicConfigKey(
      String key,
      String brokerKey,
      Type type,
      long min,
      String doc,
      Function<LogConfig, String> getter,
      BiConsumer<LogConfig.Builder, String> setter) {
    this.key = key;
    this.brokerKey = brokerKey;
    this.type = type;
    this.min = min;
    this.doc = doc;
    this.getter = getter;
    this.setter = setter;
  }

  /** Kafka's topic-level name, e.g. {@code retention.ms}. */
  public String key() {
    return key;
  }

  /** The broker key whose value a topic without an override has, e.g. {@code log.retention.ms}. */
  public String brokerKey() {
    return brokerKey;
  }

  public Type type() {
    return type;
  }

  public String doc() {
    return doc;
  }

  /** This key's value in {@code config}, formatted as DescribeConfigs shows it. */
  public String valueOf(LogConfig config) {
    return getter.apply(config);
  }

  /** The key with this name, or null. */
  public static TopicConfigKey forName(String name) {
    return BY_NAME.get(name);
  }

  /**
   * The key with this name.
   *
   * @throws SluiceException {@code INVALID_CONFIG} naming an unknown key
   */
  public static TopicConfigKey require(String name) {
    TopicConfigKey key = BY_NAME.get(name);
    if (key == null) {
      throw new SluiceException(Errors.INVALID_CONFIG, "Unknown topic config name: " + name);
    }
    return key;
  }

  /**
   * Checks {@code value} (type, range, allowed words) and, if it is good, sets it on {@code
   * builder}.
   *
   * @throws SluiceException {@code INVALID_CONFIG} naming the key and the value
   */
  void apply(LogConfig.Builder builder, String value) {
    setter.accept(builder, validate(value));
  }

  /**
   * The value, trimmed, if it is valid for this key.
   *
   * @throws SluiceException {@code INVALID_CONFIG} naming the key and the value
   */
  public String validate(String value) {
    if (value == null) {
      throw new SluiceException(
          Errors.INVALID_CONFIG, "Null value not supported for topic configs: " + key);
    }
    String v = value.trim();
    switch (type) {
      case INT, LONG -> {
        long parsed;
        try {
          parsed = type == Type.INT ? Integer.parseInt(v) : Long.parseLong(v);
        } catch (NumberFormatException e) {
          throw invalid(value, "Not a number of type " + type);
        }
        if (parsed < min) {
          throw invalid(value, "Value must be at least " + min);
        }
      }
      case DOUBLE -> {
        double parsed;
        try {
          parsed = Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw invalid(value, "Not a number of type DOUBLE");
        }
        if (!(parsed >= 0 && parsed <= 1)) {
          throw invalid(value, "Value must be between 0 and 1");
        }
      }
      case LIST -> {
        if (v.isEmpty()) {
          throw invalid(value, "Empty list not allowed; the values are compact and delete");
        }
        for (String item : v.split(",", -1)) {
          String word = item.trim().toLowerCase(Locale.ROOT);
          if (!word.equals(LogConfig.COMPACT) && !word.equals(LogConfig.DELETE)) {
            throw invalid(value, "String must be one of: compact, delete");
          }
        }
        v = v.toLowerCase(Locale.ROOT);
      }
      case STRING -> {
        if (!v.equals(LogConfig.CREATE_TIME) && !v.equals(LogConfig.LOG_APPEND_TIME)) {
          throw invalid(value, "String must be one of: CreateTime, LogAppendTime");
        }
      }
      default -> throw new IllegalStateException(type.toString());
    }
    return v;
  }

  private SluiceException invalid(String value, String why) {
    return new SluiceException(
        Errors.INVALID_CONFIG, "Invalid value " + value + " for configuration " + key + ": " + why);
  }
}
