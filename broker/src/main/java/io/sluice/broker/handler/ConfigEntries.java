package io.sluice.broker.handler;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.ConfigKey;
import io.sluice.broker.storage.LogConfig;
import io.sluice.broker.storage.TopicConfigKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configuration entries DescribeConfigs (and CreateTopics v5+) report, as Kafka reports them:
 * every topic-level key of a topic with its value and where it comes from ({@code TOPIC_CONFIG} for
 * an override, else the broker key's {@code STATIC_BROKER_CONFIG} when set in the broker's
 * configuration, else {@code DEFAULT_CONFIG}), and every broker key (read-only: Sluice has no
 * dynamic broker configuration). Synonyms list the value's sources from the one in effect down to
 * the default. Stateless apart from the broker configuration; thread-safe.
 */
final class ConfigEntries {
  static final byte TOPIC_CONFIG = 1;
  static final byte STATIC_BROKER_CONFIG = 4;
  static final byte DEFAULT_CONFIG = 5;

  /** Resource types of DescribeConfigs and the alter requests. */
  static final byte TOPIC = 2;

  static final byte BROKER = 4;

  record Synonym(String name, String value, byte source) {}

  record Entry(
      String name,
      String value,
      byte source,
      boolean readOnly,
      byte type,
      String doc,
      List<Synonym> synonyms) {}

  private final BrokerConfig broker;

  ConfigEntries(BrokerConfig broker) {
    this.broker = broker;
  }

  /** Every topic-level key of a topic with these overrides, in the key table's order. */
  List<Entry> topic(Map<String, String> overrides) {
    LogConfig base = broker.log();
    List<Entry> entries = new ArrayList<>();
    for (TopicConfigKey key : TopicConfigKey.values()) {
      List<Synonym> synonyms = new ArrayList<>();
      String override = overrides.get(key.key());
      if (override != null) {
        synonyms.add(new Synonym(key.key(), override, TOPIC_CONFIG));
      }
      synonyms.addAll(brokerSynonyms(key.brokerKey()));
      String value = override != null ? override : key.valueOf(base);
      entries.add(
          new Entry(
              key.key(),
              value,
              synonyms.get(0).source(),
              false,
              key.type().id(),
              key.doc(),
              synonyms));
    }
    return entries;
  }

  /** Every broker key, read-only. */
  List<Entry> broker() {
    List<Entry> entries = new ArrayList<>();
    for (ConfigKey key : ConfigKey.values()) {
      List<Synonym> synonyms = brokerSynonyms(key.key());
      entries.add(
          new Entry(
              key.key(),
              broker.value(key.key()),
              synonyms.get(0).source(),
              true,
              key.describeType(),
              key.doc(),
              synonyms));
    }
    return entries;
  }

  /** The broker key's static value if set, then its default. */
  private List<Synonym> brokerSynonyms(String brokerKey) {
    List<Synonym> synonyms = new ArrayList<>(2);
    String explicit = broker.explicit().get(brokerKey);
    if (explicit != null) {
      synonyms.add(new Synonym(brokerKey, explicit, STATIC_BROKER_CONFIG));
    }
    ConfigKey key = ConfigKey.forName(brokerKey);
    synonyms.add(new Synonym(brokerKey, key.defaultValue(), DEFAULT_CONFIG));
    return synonyms;
  }
}
