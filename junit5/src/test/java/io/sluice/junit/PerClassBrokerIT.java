package io.sluice.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.sluice.broker.EmbeddedBroker;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** One broker for the whole class: static fields, {@code @BeforeAll}, state kept between tests. */
@SluiceBroker(lifecycle = SluiceBroker.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerClassBrokerIT {
  static EmbeddedBroker shared;
  @BootstrapServers static String sharedBootstrap;
  EmbeddedBroker broker;

  @BeforeAll
  static void seed(@BootstrapServers String bootstrap) throws Exception {
    assertEquals(shared.bootstrapServers(), bootstrap);
    assertEquals(sharedBootstrap, bootstrap);
    Kafka.send(bootstrap, "seeded", "one", "two");
  }

  @Test
  @Order(1)
  void everyTestSeesTheClassBroker() throws Exception {
    assertSame(shared, broker);
    assertEquals(List.of(2L), Kafka.send(sharedBootstrap, "seeded", "three"));
  }

  @Test
  @Order(2)
  void stateCarriesOverBetweenTests() {
    assertSame(shared, broker);
    assertEquals(List.of("one", "two", "three"), Kafka.read(sharedBootstrap, "seeded", 3));
  }

  @Test
  @Order(3)
  @SluiceBroker
  void aMethodAnnotationStillGetsItsOwnBroker(EmbeddedBroker own) throws Exception {
    assertNotSame(shared, own);
    assertSame(own, broker);
    assertEquals(List.of(0L), Kafka.send(own.bootstrapServers(), "seeded", "alone"));
  }

  @Nested
  class Inner {
    @Test
    void aNestedClassSeesTheEnclosingBroker(EmbeddedBroker fromParameter) {
      assertSame(shared, fromParameter);
    }
  }
}
