package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.sluice.broker.cluster.ZooKeeperServers;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.FindCoordinatorRequest;
import io.sluice.protocol.message.FindCoordinatorResponse;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import io.sluice.protocol.wire.WireReader;
import io.sluice.testing.ExpectedLogs;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Several named listeners at once, as a container has them (one for other containers, one for the
 * host). The listeners bind two loopback addresses (127.0.0.1 and 127.0.0.2), so a client told the
 * other listener's address would see the wrong host: kafka-clients on each listener get the
 * addresses of the listener they connected to, in Metadata and FindCoordinator, and work end to end
 * through it. In cluster mode a broker answers with the other brokers' endpoints of the same
 * listener and leaves out a broker that lacks it, as Kafka does.
 */
class MultipleListenersIT {
  private static final Map<String, String> TWO_LISTENERS =
      Map.of(
          "listeners", "INTERNAL://127.0.0.1:0,EXTERNAL://127.0.0.2:0",
          "listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT");

  @Test
  void eachClientIsGivenTheAddressOfItsOwnListener() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(TWO_LISTENERS)) {
      String internal = broker.bootstrapServers("INTERNAL");
      String external = broker.bootstrapServers("EXTERNAL");
      assertEquals(internal, broker.bootstrapServers(), "the first listener is the default");
      assertTrue(internal.startsWith("127.0.0.1:"), internal);
      assertTrue(external.startsWith("127.0.0.2:"), external);
      assertEquals(List.of(internal), nodes(internal));
      assertEquals(List.of(external), nodes(external));
      assertEquals(
          List.of("INTERNAL", "EXTERNAL"), List.copyOf(broker.broker().localAddresses().keySet()));
    }
  }

  @Test
  void produceOnOneListenerConsumeInAGroupOnTheOther() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(TWO_LISTENERS)) {
      String internal = broker.bootstrapServers("INTERNAL");
      String external = broker.bootstrapServers("EXTERNAL");
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(KafkaClients.producer(external))) {
        for (int i = 0; i < 10; i++) {
          assertEquals(
              i,
              producer
                  .send(new ProducerRecord<>("both", 0, null, ("v" + i).getBytes()))
                  .get()
                  .offset());
        }
      }
      Properties consumerProps = KafkaClients.consumer(internal);
      consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "g");
      List<String> values = new ArrayList<>();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
        consumer.subscribe(List.of("both"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (values.size() < 10 && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            values.add(new String(r.value()));
          }
        }
        consumer.commitSync();
      }
      assertEquals(List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"), values);
      // The committed offset is visible through the other listener too.
      try (Admin admin = Admin.create(KafkaClients.admin(external))) {
        assertEquals(
            10,
            admin
                .listConsumerGroupOffsets("g")
                .partitionsToOffsetAndMetadata()
                .get()
                .get(new TopicPartition("both", 0))
                .offset());
      }
    }
  }

  @Test
  void theListenersShareOneConnectionLimit() throws Exception {
    Map<String, String> config = new java.util.HashMap<>(TWO_LISTENERS);
    config.put("max.connections", "1");
    try (EmbeddedBroker broker = EmbeddedBroker.start(config)) {
      Map<String, InetSocketAddress> bound = broker.broker().localAddresses();
      try (RawConnection first = new RawConnection(bound.get("INTERNAL"))) {
        waitFor("one open connection", () -> broker.broker().serverStats().openConnections() == 1);
        ExpectedLogs.expect("WARN", "io.sluice.broker.server.RejectionLog", "max.connections=1");
        try (RawConnection second = new RawConnection(bound.get("EXTERNAL"))) {
          assertTrue(second.closedByBrokerWithin(Duration.ofSeconds(10)));
        }
        assertEquals(1, broker.broker().serverStats().rejectedConnections());
        assertFalse(first.closedByBrokerWithin(Duration.ofMillis(100)), "the first one stays");
      }
    }
  }

  @Test
  void inClusterModeABrokerWithoutTheClientsListenerIsLeftOut() throws Exception {
    try (TestingServer zk = ZooKeeperServers.standalone()) {
      String connect = zk.getConnectString() + "/sluice";
      Map<String, String> one = new java.util.HashMap<>(TWO_LISTENERS);
      one.put("zookeeper.connect", connect);
      one.put("broker.id", "1");
      one.put("offsets.topic.replication.factor", "1");
      Map<String, String> two =
          Map.of(
              "listeners", "INTERNAL://127.0.0.1:0",
              "listener.security.protocol.map", "INTERNAL:PLAINTEXT",
              "zookeeper.connect", connect,
              "broker.id", "2",
              "offsets.topic.replication.factor", "1");
      try (EmbeddedBroker first = EmbeddedBroker.start(one);
          EmbeddedBroker second = EmbeddedBroker.start(two)) {
        String internal = first.bootstrapServers("INTERNAL");
        InetSocketAddress externalBound = first.broker().localAddresses().get("EXTERNAL");
        try (Admin admin = Admin.create(KafkaClients.admin(internal))) {
          waitFor(
              "both brokers in the view of broker 1",
              () -> {
                try {
                  return admin.describeCluster().nodes().get().size() == 2;
                } catch (Exception e) {
                  return false;
                }
              });
          admin.createTopics(List.of(new NewTopic("split", 2, (short) 1))).all().get();
        }
        List<String> both = new ArrayList<>(List.of(internal, second.bootstrapServers("INTERNAL")));
        both.sort(null);
        assertEquals(
            both, nodes(internal), "on INTERNAL: both brokers at their INTERNAL addresses");
        assertEquals(
            List.of(first.bootstrapServers("EXTERNAL")),
            nodes(first.bootstrapServers("EXTERNAL")),
            "on EXTERNAL: broker 2 has no such listener");

        try (RawConnection raw = new RawConnection(externalBound)) {
          MetadataResponse v12 = metadata(raw, (short) 12, "split");
          assertEquals(1, v12.brokers().size());
          assertEquals(1, v12.brokers().get(0).nodeId());
          assertEquals("127.0.0.2", v12.brokers().get(0).host());
          assertEquals(externalBound.getPort(), v12.brokers().get(0).port());
          MetadataResponse v5 = metadata(raw, (short) 5, "split");
          List<MetadataResponse.MetadataResponsePartition> partitions =
              v12.topics().get(0).partitions();
          assertEquals(2, partitions.size());
          int ledByOne = 0;
          for (int p = 0; p < 2; p++) {
            MetadataResponse.MetadataResponsePartition partition = partitions.get(p);
            MetadataResponse.MetadataResponsePartition old = v5.topics().get(0).partitions().get(p);
            int leader = partition.replicaNodes().get(0); // one replica: the leader
            if (leader == 1) {
              ledByOne++;
              assertEquals(Errors.NONE.code(), partition.errorCode());
              assertEquals(1, partition.leaderId());
            } else {
              assertEquals(Errors.LISTENER_NOT_FOUND.code(), partition.errorCode());
              assertEquals(Errors.LEADER_NOT_AVAILABLE.code(), old.errorCode(), "before v6");
              assertEquals(-1, partition.leaderId());
            }
          }
          assertEquals(1, ledByOne, "placement spreads the two partitions over both brokers");

          // Groups: the coordinator's INTERNAL address, or not available on EXTERNAL when it is
          // broker 2.
          InetSocketAddress internalBound = first.broker().localAddresses().get("INTERNAL");
          try (RawConnection viaInternal = new RawConnection(internalBound)) {
            // The first FindCoordinator creates __consumer_offsets; until its partitions have
            // leaders the answer is COORDINATOR_NOT_AVAILABLE.
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (findCoordinator(viaInternal, "group-0").errorCode() != Errors.NONE.code()) {
              assertTrue(System.nanoTime() < deadline, "__consumer_offsets created in time");
              Thread.sleep(50);
            }
            boolean sawTwo = false;
            boolean sawOne = false;
            for (int g = 0; g < 40 && !(sawOne && sawTwo); g++) {
              FindCoordinatorResponse in = findCoordinator(viaInternal, "group-" + g);
              FindCoordinatorResponse ex = findCoordinator(raw, "group-" + g);
              assertEquals(Errors.NONE.code(), in.errorCode());
              if (in.nodeId() == 2) {
                sawTwo = true;
                assertEquals(Errors.COORDINATOR_NOT_AVAILABLE.code(), ex.errorCode());
              } else {
                sawOne = true;
                assertEquals(1, in.nodeId());
                assertEquals("127.0.0.1", in.host());
                assertEquals(Errors.NONE.code(), ex.errorCode());
                assertEquals("127.0.0.2", ex.host());
                assertEquals(externalBound.getPort(), ex.port());
              }
            }
            assertTrue(sawOne && sawTwo, "groups on both coordinators");
          }
        }
      }
    }
  }

  private static int correlation;

  /** Metadata for one topic (no auto-creation) over a raw connection, at {@code version}. */
  private static MetadataResponse metadata(RawConnection raw, short version, String topic)
      throws Exception {
    int id = ++correlation;
    raw.send(
        ApiKey.METADATA.id(),
        version,
        id,
        new MetadataRequest()
            .setAllowAutoTopicCreation(false)
            .setTopics(
                new ArrayList<>(
                    List.of(new MetadataRequest.MetadataRequestTopic().setName(topic)))));
    ByteBuffer frame = raw.readFrame();
    assertEquals(id, frame.getInt());
    if (version >= 9) {
      frame.get(); // response header v1: empty tagged fields
    }
    return MetadataResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), version);
  }

  /** FindCoordinator v2 (one group key, response header v0). */
  private static FindCoordinatorResponse findCoordinator(RawConnection raw, String group)
      throws Exception {
    int id = ++correlation;
    raw.send(
        ApiKey.FIND_COORDINATOR.id(),
        (short) 2,
        id,
        new FindCoordinatorRequest().setKey(group).setKeyType((byte) 0));
    ByteBuffer frame = raw.readFrame();
    assertEquals(id, frame.getInt());
    return FindCoordinatorResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), (short) 2);
  }

  /** The brokers a client bootstrapped at {@code bootstrap} learns about, as host:port. */
  private static List<String> nodes(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap))) {
      Collection<Node> nodes = admin.describeCluster().nodes().get();
      List<String> addresses = new ArrayList<>();
      for (Node node : nodes) {
        addresses.add(node.host() + ":" + node.port());
      }
      addresses.sort(null);
      return addresses;
    }
  }

  private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
