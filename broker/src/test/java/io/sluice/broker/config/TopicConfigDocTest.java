package io.sluice.broker.config;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.storage.TopicConfigKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/topics.md} lists every topic-level key with its broker synonym, and every synonym is
 * a key the broker accepts.
 */
class TopicConfigDocTest {
  @Test
  void topicsDoc_everyTopicKeyWithBrokerKey_listed() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "topics.md"));
    for (TopicConfigKey key : TopicConfigKey.values()) {
      String row = "| `" + key.key() + "` | `" + key.brokerKey() + "` |";
      assertTrue(doc.contains(row), "docs/topics.md lacks the row starting " + row);
      assertNotNull(ConfigKey.forName(key.brokerKey()), key.brokerKey() + " is a broker key");
    }
  }
}
