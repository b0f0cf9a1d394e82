package io.sluice.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.EmbeddedBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The default lifecycle: every test method gets its own fresh broker, configured by overrides. */
@SluiceBroker(overrides = "num.partitions=3")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerMethodBrokerIT {
  /** What the first test saw, for the second to compare with. */
  private static Path firstDataDir;

  private static String firstBootstrap;

  @BootstrapServers String bootstrap;
  EmbeddedBroker broker;
  private String seenInBeforeEach;

  @BeforeEach
  void setUp(@BootstrapServers String fromParameter) {
    seenInBeforeEach = fromParameter;
  }

  @Test
  @Order(1)
  void kafkaClientsRoundTripThroughTheInjectedBroker(
      @BootstrapServers String fromParameter, EmbeddedBroker fromParameterBroker) throws Exception {
    assertEquals(broker.bootstrapServers(), bootstrap);
    assertEquals(bootstrap, fromParameter);
    assertEquals(bootstrap, seenInBeforeEach);
    assertSame(broker, fromParameterBroker);
    assertTrue(bootstrap.startsWith("127.0.0.1:"), bootstrap);

    assertEquals(List.of(0L, 1L, 2L), Kafka.send(bootstrap, "orders", "a", "b", "c"));
    assertEquals(List.of("a", "b", "c"), Kafka.read(bootstrap, "orders", 3));
    assertEquals(3, partitions("orders"), "num.partitions=3 from the annotation");

    firstDataDir = broker.dataDir();
    firstBootstrap = bootstrap;
    assertTrue(Files.isDirectory(firstDataDir.resolve("orders-0")));
  }

  @Test
  @Order(2)
  void theNextTestGetsAFreshBrokerAndThePreviousOneIsGone() throws Exception {
    assertNotEquals(firstDataDir, broker.dataDir());
    assertFalse(Files.exists(firstDataDir), "the first broker's data directory is deleted");
    assertNotEquals(firstBootstrap, bootstrap);
    try (Admin admin = Admin.create(adminProps())) {
      assertFalse(admin.listTopics().names().get().contains("orders"));
    }
    assertEquals(List.of(0L), Kafka.send(bootstrap, "orders", "fresh"));
  }

  @Test
  @Order(3)
  @SluiceBroker(overrides = "num.partitions=5")
  void aMethodAnnotationWinsOverTheClass() throws Exception {
    Kafka.send(bootstrap, "wide", "x");
    assertEquals(5, partitions("wide"));
  }

  private int partitions(String topic) throws Exception {
    try (Admin admin = Admin.create(adminProps())) {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .size();
    }
  }

  private Properties adminProps() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return props;
  }
}
