package io.sluice.broker.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kafka's precedence of quota entities (KIP-55), the shared-rate tags, and the names' forms. */
class QuotaConfigsTest {
  private static final String D = QuotaEntity.DEFAULT;
  private static final String KEY = QuotaType.PRODUCE.key();

  /** The 8 levels, most specific first, each with its value (its level number). */
  private static final List<QuotaEntity> LEVELS =
      List.of(
          new QuotaEntity("alice", "app"),
          new QuotaEntity("alice", D),
          new QuotaEntity("alice", null),
          new QuotaEntity(D, "app"),
          new QuotaEntity(D, D),
          new QuotaEntity(D, null),
          new QuotaEntity(null, "app"),
          new QuotaEntity(null, D));

  @Test
  void resolve_eachLevelWinsOverEveryLessSpecificOne() {
    // Remove the levels one at a time from the most specific: each time the next one applies.
    Map<QuotaEntity, Map<String, Double>> all = new LinkedHashMap<>();
    for (int i = 0; i < LEVELS.size(); i++) {
      all.put(LEVELS.get(i), Map.of(KEY, (double) (i + 1)));
    }
    for (int level = 0; level < LEVELS.size(); level++) {
      QuotaConfigs configs = QuotaConfigs.of(all);
      QuotaConfigs.Resolved resolved = configs.resolve(QuotaType.PRODUCE, "alice", "app");
      assertEquals(level + 1, resolved.limit(), "level " + (level + 1));
      all.remove(LEVELS.get(level));
    }
    assertNull(QuotaConfigs.of(all).resolve(QuotaType.PRODUCE, "alice", "app"));
  }

  @Test
  void resolve_tagsNameWhoSharesTheRate() {
    String[][] expected = {
      {"alice", "app"}, {"alice", "app"}, {"alice", ""}, {"alice", "app"},
      {"alice", "app"}, {"alice", ""}, {"", "app"}, {"", "app"}
    };
    for (int i = 0; i < LEVELS.size(); i++) {
      QuotaConfigs.Resolved resolved =
          QuotaConfigs.of(Map.of(LEVELS.get(i), Map.of(KEY, 10.0)))
              .resolve(QuotaType.PRODUCE, "alice", "app");
      assertEquals(expected[i][0], resolved.user(), "level " + (i + 1));
      assertEquals(expected[i][1], resolved.clientId(), "level " + (i + 1));
    }
  }

  @Test
  void resolve_isPerQuotaType() {
    QuotaConfigs configs =
        QuotaConfigs.of(
            Map.of(
                new QuotaEntity("alice", null), Map.of(QuotaType.FETCH.key(), 5.0),
                new QuotaEntity(null, D), Map.of(KEY, 7.0)));
    assertEquals(7.0, configs.resolve(QuotaType.PRODUCE, "alice", "app").limit());
    assertEquals(5.0, configs.resolve(QuotaType.FETCH, "alice", "app").limit());
    assertEquals(
        new QuotaConfigs.Resolved(7.0, "", "bob-app"),
        configs.resolve(QuotaType.PRODUCE, "bob", "bob-app"));
    assertNull(configs.resolve(QuotaType.FETCH, "bob", "bob-app"));
    assertTrue(configs.configured(QuotaType.PRODUCE));
    assertTrue(configs.configured(QuotaType.FETCH));
    assertFalse(QuotaConfigs.EMPTY.configured(QuotaType.PRODUCE));
  }

  @Test
  void with_setsAndRemovesKeys_anEntityWithoutQuotasGoes() {
    QuotaEntity alice = new QuotaEntity("alice", null);
    QuotaConfigs one = QuotaConfigs.EMPTY.with(Map.of(alice, Map.of(KEY, 100.0)));
    assertEquals(Map.of(alice, Map.of(KEY, 100.0)), one.entities());
    Map<String, Double> remove = new HashMap<>();
    remove.put(KEY, null);
    remove.put(QuotaType.FETCH.key(), 3.0);
    QuotaConfigs two = one.with(Map.of(alice, remove));
    assertEquals(Map.of(alice, Map.of(QuotaType.FETCH.key(), 3.0)), two.entities());
    assertFalse(two.configured(QuotaType.PRODUCE));
    Map<String, Double> removeAll = new HashMap<>();
    removeAll.put(QuotaType.FETCH.key(), null);
    assertEquals(Map.of(), two.with(Map.of(alice, removeAll)).entities());
    assertEquals(Map.of(alice, Map.of(KEY, 100.0)), one.entities(), "snapshots never change");
  }

  @Test
  void sanitize_asKafkasSanitizer() {
    Map<String, String> expected =
        Map.of(
            "alice", "alice",
            "CN=a b,O=c", "CN%3Da%20b%2CO%3Dc",
            "a*b", "a%2Ab",
            "a+b", "a%2Bb",
            "user@EXAMPLE.COM", "user%40EXAMPLE.COM");
    expected.forEach(
        (name, sanitized) -> {
          assertEquals(sanitized, QuotaEntity.sanitize(name), name);
          assertEquals(name, QuotaEntity.desanitize(sanitized), name);
        });
    assertEquals("%3Cdefault%3E", QuotaEntity.sanitize("<default>"), "never the default");
    assertEquals(null, QuotaEntity.apiName(D));
    assertEquals("a b", QuotaEntity.apiName("a%20b"));
  }

  @Test
  void entity_textForm_roundTrips() {
    for (QuotaEntity entity : LEVELS) {
      assertEquals(entity, QuotaEntity.parse(entity.toString()));
    }
    assertEquals("user=alice,client-id=app", new QuotaEntity("alice", "app").toString());
    assertThrows(IllegalArgumentException.class, () -> QuotaEntity.parse("user="));
    assertThrows(IllegalArgumentException.class, () -> QuotaEntity.parse("ip=1.2.3.4"));
    assertThrows(IllegalArgumentException.class, () -> QuotaEntity.parse("user=a,user=b"));
    assertThrows(IllegalArgumentException.class, () -> new QuotaEntity(null, null));
  }

  @Test
  void format_wholeNumbersWithoutFraction() {
    assertEquals("1048576", QuotaConfigs.format(1048576.0));
    assertEquals("0.5", QuotaConfigs.format(0.5));
  }

  @Test
  void requests_kafkasValidation() {
    assertNull(QuotaRequests.valueProblem(KEY, 1024.0));
    assertNull(QuotaRequests.valueProblem(KEY, null));
    assertEquals(
        "Quota producer_byte_rate must be greater than 0", QuotaRequests.valueProblem(KEY, -5.0));
    assertEquals(
        "Quota producer_byte_rate must be greater than 0", QuotaRequests.valueProblem(KEY, 0.0));
    assertEquals(
        "Configuration producer_byte_rate must be a Long value",
        QuotaRequests.valueProblem(KEY, 1.5));
    assertEquals("Invalid configuration key foo", QuotaRequests.valueProblem("foo", 1.0));
    assertTrue(QuotaRequests.valueProblem("request_percentage", 50.0).contains("not supported"));
    assertEquals("Invalid empty client quota entity", QuotaRequests.entityProblem(List.of()));
    assertEquals(
        "Empty user not supported", QuotaRequests.entityProblem(List.of(Map.entry("user", ""))));
    assertEquals(
        "Invalid client quota entity, duplicate entity entry user",
        QuotaRequests.entityProblem(List.of(Map.entry("user", "a"), Map.entry("user", "b"))));
    assertEquals(
        "Unhandled client quota entity type: group",
        QuotaRequests.entityProblem(List.of(Map.entry("group", "a"))));
    assertNull(
        QuotaRequests.entityProblem(List.of(Map.entry("user", "a"), Map.entry("client-id", "b"))));
  }
}
