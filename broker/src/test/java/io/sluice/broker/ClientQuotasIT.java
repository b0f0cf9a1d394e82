package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterClientQuotasOptions;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client quotas through kafka-clients' Admin on a single node: alterClientQuotas and
 * describeClientQuotas for users, client ids, (user, client id) pairs and defaults, Kafka's
 * filters, validateOnly, removal, Kafka's errors for bad input, and quotas that survive a restart
 * (the {@code client-quotas} file).
 */
class ClientQuotasIT {
  @TempDir Path dir;

  private static ClientQuotaEntity entity(String... typeAndName) {
    Map<String, String> parts = new HashMap<>();
    for (int i = 0; i < typeAndName.length; i += 2) {
      parts.put(typeAndName[i], typeAndName[i + 1]);
    }
    return new ClientQuotaEntity(parts);
  }

  private static ClientQuotaAlteration set(ClientQuotaEntity entity, String key, Double value) {
    return new ClientQuotaAlteration(entity, List.of(new ClientQuotaAlteration.Op(key, value)));
  }

  private static Map<ClientQuotaEntity, Map<String, Double>> describe(
      Admin admin, boolean strict, ClientQuotaFilterComponent... components) throws Exception {
    List<ClientQuotaFilterComponent> list = List.of(components);
    return admin
        .describeClientQuotas(
            strict ? ClientQuotaFilter.containsOnly(list) : ClientQuotaFilter.contains(list))
        .entities()
        .get();
  }

  @Test
  void alterThenDescribe_filters_removal_restart() throws Exception {
    ClientQuotaEntity alice = entity("user", "alice");
    ClientQuotaEntity aliceApp = entity("user", "alice", "client-id", "app");
    ClientQuotaEntity defaultUser = entity("user", null);
    ClientQuotaEntity app = entity("client-id", "app");
    ClientQuotaEntity defaultClient = entity("client-id", null);
    ClientQuotaEntity spaced = entity("user", "CN=x y,O=z");
    try (EmbeddedBroker broker = EmbeddedBroker.start(dir, Map.of());
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      assertEquals(Map.of(), describe(admin, false));
      admin
          .alterClientQuotas(
              List.of(
                  set(alice, "producer_byte_rate", 100000.0),
                  set(aliceApp, "consumer_byte_rate", 2048.0),
                  set(defaultUser, "producer_byte_rate", 5000.0),
                  set(app, "consumer_byte_rate", 7000.0),
                  set(defaultClient, "producer_byte_rate", 1000.0),
                  set(spaced, "producer_byte_rate", 300.0)))
          .all()
          .get();
      Map<ClientQuotaEntity, Map<String, Double>> everything =
          Map.of(
              alice, Map.of("producer_byte_rate", 100000.0),
              aliceApp, Map.of("consumer_byte_rate", 2048.0),
              defaultUser, Map.of("producer_byte_rate", 5000.0),
              app, Map.of("consumer_byte_rate", 7000.0),
              defaultClient, Map.of("producer_byte_rate", 1000.0),
              spaced, Map.of("producer_byte_rate", 300.0));
      assertEquals(everything, describe(admin, false));

      // kafka-configs --describe --entity-type users: strict "any user", defaults included
      assertEquals(
          Map.of(
              alice, everything.get(alice),
              defaultUser, everything.get(defaultUser),
              spaced, everything.get(spaced)),
          describe(admin, true, ClientQuotaFilterComponent.ofEntityType("user")));
      // non-strict: alice's user and (user, client) entities
      assertEquals(
          Map.of(alice, everything.get(alice), aliceApp, everything.get(aliceApp)),
          describe(admin, false, ClientQuotaFilterComponent.ofEntity("user", "alice")));
      assertEquals(
          Map.of(alice, everything.get(alice)),
          describe(admin, true, ClientQuotaFilterComponent.ofEntity("user", "alice")));
      assertEquals(
          Map.of(defaultClient, everything.get(defaultClient)),
          describe(admin, true, ClientQuotaFilterComponent.ofDefaultEntity("client-id")));
      assertEquals(
          Map.of(aliceApp, everything.get(aliceApp)),
          describe(
              admin,
              true,
              ClientQuotaFilterComponent.ofEntity("user", "alice"),
              ClientQuotaFilterComponent.ofEntityType("client-id")));

      // validateOnly changes nothing; a removal (null value) removes the key and the entity
      admin
          .alterClientQuotas(
              List.of(set(alice, "producer_byte_rate", 1.0)),
              new AlterClientQuotasOptions().validateOnly(true))
          .all()
          .get();
      assertEquals(everything, describe(admin, false));
      admin.alterClientQuotas(List.of(set(app, "consumer_byte_rate", null))).all().get();
      Map<ClientQuotaEntity, Map<String, Double>> afterRemoval = new HashMap<>(everything);
      afterRemoval.remove(app);
      assertEquals(afterRemoval, describe(admin, false));
    }
    assertTrue(Files.readString(dir.resolve("client-quotas")).contains("user=CN%3Dx%20y%2CO%3Dz"));
    try (EmbeddedBroker broker = EmbeddedBroker.start(dir, Map.of());
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      Map<ClientQuotaEntity, Map<String, Double>> afterRestart = describe(admin, false);
      assertEquals(5, afterRestart.size(), afterRestart.toString());
      assertEquals(Map.of("producer_byte_rate", 300.0), afterRestart.get(spaced));
      assertEquals(Map.of("consumer_byte_rate", 2048.0), afterRestart.get(aliceApp));
    }
  }

  @Test
  void badInput_invalidRequestWithKafkasMessages_nothingStored() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(dir, Map.of());
        Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
      ClientQuotaEntity alice = entity("user", "alice");
      assertInvalid(
          admin,
          set(alice, "producer_byte_rate", -100.0),
          "Quota producer_byte_rate must be greater than 0");
      assertInvalid(
          admin,
          set(alice, "producer_byte_rate", 0.0),
          "Quota producer_byte_rate must be greater than 0");
      assertInvalid(
          admin,
          set(alice, "producer_byte_rate", 10.5),
          "Configuration producer_byte_rate must be a Long value");
      assertInvalid(admin, set(alice, "bytes_per_fortnight", 1.0), "Invalid configuration key");
      assertInvalid(
          admin, set(entity("user", ""), "producer_byte_rate", 1.0), "Empty user not supported");
      assertInvalid(
          admin,
          set(entity("client-id", ""), "producer_byte_rate", 1.0),
          "Empty client-id not supported");
      assertInvalid(
          admin, set(entity("group", "g"), "producer_byte_rate", 1.0), "Unhandled client quota");
      assertInvalid(
          admin, set(alice, "request_percentage", 50.0), "request_percentage is not supported");
      // one bad entry fails alone: the good one next to it is stored
      var result =
          admin.alterClientQuotas(
              List.of(
                  set(entity("user", "bob"), "producer_byte_rate", -1.0),
                  set(entity("user", "carol"), "producer_byte_rate", 4096.0)));
      assertThrows(ExecutionException.class, () -> result.all().get());
      result.values().get(entity("user", "carol")).get();
      assertEquals(
          Map.of(entity("user", "carol"), Map.of("producer_byte_rate", 4096.0)),
          describe(admin, false));
      // a bad filter: the whole describe fails
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  describe(
                      admin,
                      false,
                      ClientQuotaFilterComponent.ofEntity("user", "a"),
                      ClientQuotaFilterComponent.ofEntity("user", "b")));
      assertInstanceOf(InvalidRequestException.class, e.getCause());
    }
  }

  private static void assertInvalid(Admin admin, ClientQuotaAlteration alteration, String message) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> admin.alterClientQuotas(List.of(alteration)).all().get());
    assertInstanceOf(InvalidRequestException.class, e.getCause(), e.toString());
    assertTrue(e.getCause().getMessage().contains(message), e.getCause().getMessage());
  }
}
