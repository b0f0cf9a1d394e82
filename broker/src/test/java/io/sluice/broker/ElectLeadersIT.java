package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ElectLeadersRequest;
import io.sluice.protocol.message.ElectLeadersResponse;
import io.sluice.protocol.wire.WireReader;
import io.sluice.testing.Await;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.EligibleLeadersNotAvailableException;
import org.apache.kafka.common.errors.PreferredLeaderNotAvailableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leader election on request (ElectLeaders) with three brokers in this JVM on an in-process
 * ZooKeeper and {@code auto.leader.rebalance.enable=false}, driven by kafka-clients' {@code
 * Admin.electLeaders}: leadership returns to a restarted preferred replica only when asked; an
 * unclean election is refused while it is not needed or possible and elects an out-of-sync replica,
 * losing what only the old leader had, when no in-sync replica is live; bad partitions get Kafka's
 * errors; a partition named twice is answered once.
 */
class ElectLeadersIT {
  private static final long WAIT_MS = 60_000;

  private InProcessCluster cluster;

  @BeforeEach
  void startCluster() throws Exception {
    cluster =
        InProcessCluster.launch(
            3, Map.of("replica.lag.time.max.ms", "1000", "auto.leader.rebalance.enable", "false"));
  }

  @AfterEach
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private String bootstrap() {
    return cluster.bootstrap();
  }

  private static void waitFor(String what, BooleanSupplier condition) {
    Await.until(what, Duration.ofMillis(WAIT_MS), condition);
  }

  private static TopicPartitionInfo describe(Admin admin, String topic, int partition) {
    try {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      return d.partitions().get(partition);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      return null;
    }
  }

  private static Set<Integer> isr(TopicPartitionInfo info) {
    return info == null ? Set.of() : info.isr().stream().map(Node::id).collect(Collectors.toSet());
  }

  private static int leader(TopicPartitionInfo info) {
    return info == null || info.leader() == null ? -1 : info.leader().id();
  }

  private static Map<TopicPartition, Optional<Throwable>> elect(
      Admin admin, ElectionType type, Set<TopicPartition> partitions) throws Exception {
    return admin.electLeaders(type, partitions).partitions().get();
  }

  private static Throwable failure(
      Map<TopicPartition, Optional<Throwable>> results, TopicPartition tp) {
    Optional<Throwable> result = results.get(tp);
    assertTrue(result != null && result.isPresent(), tp + ": " + results);
    return result.get();
  }

  @Test
  void preferredElection_movesLeadershipBackOnlyOnRequest_andRefusesBadPartitions()
      throws Exception {
    String topic = "moved";
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all().get();
      for (int p = 0; p < 3; p++) {
        int partition = p;
        waitFor("three in-sync replicas", () -> isr(describe(admin, topic, partition)).size() == 3);
      }
      TopicPartitionInfo first = describe(admin, topic, 0);
      int preferred = first.replicas().get(0).id();
      assertEquals(preferred, leader(first));
      List<TopicPartition> ledByPreferred = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        if (describe(admin, topic, p).replicas().get(0).id() == preferred) {
          ledByPreferred.add(new TopicPartition(topic, p));
        }
      }

      cluster.stop(preferred);
      waitFor(
          "a new leader for " + topic + "-0",
          () -> {
            int now = leader(describe(admin, topic, 0));
            return now > 0 && now != preferred;
          });
      cluster.start(preferred);
      for (TopicPartition tp : ledByPreferred) {
        waitFor(
            "the preferred replica back in sync on " + tp,
            () -> isr(describe(admin, topic, tp.partition())).contains(preferred));
      }
      // auto.leader.rebalance.enable=false: in sync again, but not leading.
      for (TopicPartition tp : ledByPreferred) {
        assertNotEquals(preferred, leader(describe(admin, topic, tp.partition())), tp.toString());
      }

      Set<TopicPartition> all =
          Set.of(
              new TopicPartition(topic, 0),
              new TopicPartition(topic, 1),
              new TopicPartition(topic, 2));
      Map<TopicPartition, Optional<Throwable>> results = elect(admin, ElectionType.PREFERRED, all);
      assertEquals(all, results.keySet());
      for (TopicPartition tp : all) {
        if (ledByPreferred.contains(tp)) {
          assertEquals(Optional.empty(), results.get(tp), tp.toString());
        } else {
          assertInstanceOf(ElectionNotNeededException.class, failure(results, tp));
        }
      }
      for (TopicPartition tp : all) {
        TopicPartitionInfo info = describe(admin, topic, tp.partition());
        waitFor(
            "the preferred replica leading " + tp,
            () -> {
              TopicPartitionInfo now = describe(admin, topic, tp.partition());
              return now != null && leader(now) == now.replicas().get(0).id();
            });
        assertEquals(3, info.replicas().size());
      }
      // Done: asked again, nothing is needed; for every partition (null), nothing is listed.
      assertInstanceOf(
          ElectionNotNeededException.class,
          failure(
              elect(admin, ElectionType.PREFERRED, Set.of(ledByPreferred.get(0))),
              ledByPreferred.get(0)));
      assertEquals(Map.of(), elect(admin, ElectionType.PREFERRED, null));

      TopicPartition unknownTopic = new TopicPartition("no-such-topic", 0);
      TopicPartition negative = new TopicPartition(topic, -1);
      TopicPartition beyond = new TopicPartition(topic, 3);
      Map<TopicPartition, Optional<Throwable>> bad =
          elect(admin, ElectionType.PREFERRED, Set.of(unknownTopic, negative, beyond));
      for (TopicPartition tp : List.of(unknownTopic, negative, beyond)) {
        assertInstanceOf(UnknownTopicOrPartitionException.class, failure(bad, tp));
      }

      // What no Admin sends (it sends a set): a partition named twice, the topic listed twice.
      ElectLeadersRequest twice =
          new ElectLeadersRequest()
              .setElectionType((byte) 0)
              .setTimeoutMs(30_000)
              .setTopicPartitions(
                  List.of(
                      new ElectLeadersRequest.TopicPartitions()
                          .setTopic(topic)
                          .setPartitions(List.of(0, 0)),
                      new ElectLeadersRequest.TopicPartitions()
                          .setTopic(topic)
                          .setPartitions(List.of(1))));
      ElectLeadersResponse response;
      try (RawConnection raw =
          new RawConnection(cluster.running().firstEntry().getValue().broker().localAddress())) {
        raw.send(ApiKey.ELECT_LEADERS.id(), (short) 1, 7, twice);
        ByteBuffer frame = raw.readFrame();
        assertEquals(7, frame.getInt());
        response =
            ElectLeadersResponse.read(new WireReader(Unpooled.wrappedBuffer(frame)), (short) 1);
      }
      assertEquals(Errors.NONE.code(), response.errorCode());
      assertEquals(1, response.replicaElectionResults().size());
      ElectLeadersResponse.ReplicaElectionResult result = response.replicaElectionResults().get(0);
      assertEquals(topic, result.topic());
      assertEquals(
          List.of(0, 1),
          result.partitionResult().stream()
              .map(ElectLeadersResponse.PartitionResult::partitionId)
              .toList());
      for (ElectLeadersResponse.PartitionResult r : result.partitionResult()) {
        assertEquals(Errors.ELECTION_NOT_NEEDED.code(), r.errorCode());
      }
    }
  }

  private void produce(String topic, int from, int count, String acks) throws Exception {
    Properties props = KafkaClients.producer(bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, acks);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = from; i < from + count; i++) {
        producer
            .send(
                new ProducerRecord<>(
                    topic, 0, null, ("record-" + i).getBytes(StandardCharsets.UTF_8)))
            .get();
      }
    }
  }

  /** Values of the partition's records from offset 0, read through {@code broker}'s address. */
  private List<String> readAll(String topic, int expected) throws InterruptedException {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(KafkaClients.consumer(bootstrap()))) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
      while (values.size() < expected) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("read only " + values);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          assertEquals(values.size(), r.offset());
          values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }

  private static List<String> records(int from, int to) {
    List<String> values = new ArrayList<>();
    for (int i = from; i < to; i++) {
      values.add("record-" + i);
    }
    return values;
  }

  @Test
  void uncleanElection_onlyWhenNoInSyncReplicaIsLive_losesWhatOnlyTheOldLeaderHad()
      throws Exception {
    String topic = "unclean";
    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 2))).all().get();
      waitFor("two in-sync replicas", () -> isr(describe(admin, topic, 0)).size() == 2);
      TopicPartition tp = new TopicPartition(topic, 0);
      TopicPartitionInfo created = describe(admin, topic, 0);
      int leader = leader(created);
      int follower =
          created.replicas().stream().map(Node::id).filter(id -> id != leader).findFirst().get();
      assertEquals(leader, created.replicas().get(0).id());

      assertInstanceOf(
          ElectionNotNeededException.class,
          failure(elect(admin, ElectionType.UNCLEAN, Set.of(tp)), tp));

      produce(topic, 0, 10, "all");
      cluster.stop(follower);
      produce(topic, 10, 5, "1"); // only on the leader
      waitFor(
          "the leader alone in sync", () -> isr(describe(admin, topic, 0)).equals(Set.of(leader)));
      cluster.stop(leader);
      waitFor("the partition offline", () -> leader(describe(admin, topic, 0)) == -1);

      // No replica live at all.
      assertInstanceOf(
          EligibleLeadersNotAvailableException.class,
          failure(elect(admin, ElectionType.UNCLEAN, Set.of(tp)), tp));

      // The out-of-sync follower returns: not elected by itself, nor by a preferred election.
      cluster.start(follower);
      waitFor(
          "the follower registered",
          () -> {
            try {
              return admin.describeCluster().nodes().get().stream()
                  .anyMatch(n -> n.id() == follower);
            } catch (Exception e) {
              return false;
            }
          });
      assertEquals(-1, leader(describe(admin, topic, 0)));
      assertInstanceOf(
          PreferredLeaderNotAvailableException.class,
          failure(elect(admin, ElectionType.PREFERRED, Set.of(tp)), tp));

      Map<TopicPartition, Optional<Throwable>> unclean =
          elect(admin, ElectionType.UNCLEAN, Set.of(tp));
      assertEquals(Map.of(tp, Optional.empty()), unclean);
      waitFor("the follower leading", () -> leader(describe(admin, topic, 0)) == follower);
      assertEquals(Set.of(follower), isr(describe(admin, topic, 0)));
      assertInstanceOf(
          ElectionNotNeededException.class,
          failure(elect(admin, ElectionType.UNCLEAN, Set.of(tp)), tp));

      // The five records only the old leader had are gone; the partition goes on from offset 10.
      produce(topic, 100, 1, "1");
      List<String> expected = records(0, 10);
      expected.add("record-100");
      assertEquals(expected, readAll(topic, 11));

      // The old leader returns, truncates to the new leader's log, rejoins, and leads again on
      // request with the same records.
      cluster.start(leader);
      waitFor("the old leader back in sync", () -> isr(describe(admin, topic, 0)).size() == 2);
      assertEquals(Map.of(tp, Optional.empty()), elect(admin, ElectionType.PREFERRED, Set.of(tp)));
      waitFor("the old leader leading", () -> leader(describe(admin, topic, 0)) == leader);
      assertEquals(expected, readAll(topic, 11));
    }
  }
}
