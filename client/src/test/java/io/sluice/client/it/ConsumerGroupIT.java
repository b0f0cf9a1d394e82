package io.sluice.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.TopicPartition;
import io.sluice.client.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Consumer groups over real sockets against Sluice's broker: three members share a six-partition
 * topic without overlap, one leaves, one joins late; every produced record is consumed at least
 * once and the committed offsets end at the log ends. Run with Sluice's consumer alone, for both
 * assignors, and with kafka-clients' consumer in the same group.
 */
@Timeout(180)
class ConsumerGroupIT {
  private static final String TOPIC = "orders";
  private static final int PARTITIONS = 6;
  private static final int PER_ROUND = 600;

  private TestBroker broker;
  private final Map<String, Integer> received = new ConcurrentHashMap<>();
  private final List<GroupMember> running = new ArrayList<>();
  private int produced;

  private interface MemberFactory {
    GroupMember create(String name, String bootstrap, String group, Map<String, Integer> received);
  }

  @BeforeEach
  void start() {
    broker = TestBroker.start();
    broker.createTopic(TOPIC, PARTITIONS);
  }

  @AfterEach
  void stop() throws Exception {
    for (GroupMember m : running) {
      m.stop();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void range_threeSluiceMembersOneLeavesOneJoins_allConsumedAndCommittedToLogEnd()
      throws Exception {
    scenario("range-group", sluice("range"), sluice("range"), sluice("range"), sluice("range"));
  }

  @Test
  void roundRobin_threeSluiceMembersOneLeavesOneJoins_allConsumedAndCommittedToLogEnd()
      throws Exception {
    scenario(
        "rr-group",
        sluice("roundrobin"),
        sluice("roundrobin"),
        sluice("roundrobin"),
        sluice("roundrobin"));
  }

  @Test
  void mixedGroup_kafkaAndSluiceMembers_shareAndCommitToLogEnd() throws Exception {
    // kafka-clients leads first and assigns to Sluice's consumers; after it leaves, another
    // member leads. One kafka-clients member keeps Kafka's default [range, cooperative-sticky]:
    // the group agrees on range, the one protocol every member lists.
    scenario("mixed-group", kafka("range"), sluice("range"), kafka("default"), sluice("range"));
  }

  private static MemberFactory sluice(String strategy) {
    return (name, bootstrap, group, received) ->
        new GroupMember.Sluice(name, bootstrap, group, TOPIC, strategy, received);
  }

  private static MemberFactory kafka(String strategy) {
    return (name, bootstrap, group, received) ->
        new GroupMember.Kafka(name, bootstrap, group, TOPIC, strategy, received);
  }

  /**
   * Member 0 starts (and leads), members 1-2 join, member 0 leaves (another leads), member 3 joins
   * late; records flow throughout.
   */
  private void scenario(String group, MemberFactory... factories) throws Exception {
    List<GroupMember> members = new ArrayList<>();
    // The first member alone forms the first generation, so it leads the ones that follow.
    members.add(start(factories[0], "m0", group));
    awaitShared(members);
    for (int i = 1; i < 3; i++) {
      members.add(start(factories[i], "m" + i, group));
    }
    produce();
    awaitShared(members);
    produce();

    GroupMember leaving = members.remove(0);
    leaving.stop();
    running.remove(leaving);
    awaitShared(members);
    produce();

    members.add(start(factories[3], "m3", group));
    awaitShared(members);
    produce();

    awaitAllReceived();
    for (GroupMember m : List.copyOf(running)) {
      m.stop();
      running.remove(m);
    }
    assertCommittedAtLogEnd(group);
  }

  private GroupMember start(MemberFactory factory, String name, String group) {
    GroupMember m = factory.create(name, broker.bootstrap(), group, received).start();
    running.add(m);
    return m;
  }

  private void produce() throws Exception {
    try (Producer<byte[], byte[]> producer =
        new Producer<>(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).build())) {
      for (int i = 0; i < PER_ROUND; i++) {
        int n = produced + i;
        producer.send(
            new ProducerRecord<>(
                TOPIC,
                n % PARTITIONS,
                null,
                ("k" + n).getBytes(StandardCharsets.UTF_8),
                ("v" + n).getBytes(StandardCharsets.UTF_8),
                List.of()));
      }
      producer.flush();
    }
    produced += PER_ROUND;
  }

  /**
   * Waits until the members' assignments are disjoint, cover all six partitions, and give each
   * member some: with six partitions and at most three members, both assignors give two each.
   */
  private static void awaitShared(List<GroupMember> members) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    String last = "";
    while (System.currentTimeMillis() < deadline) {
      int sum = 0;
      boolean everyoneHasSome = true;
      Set<TopicPartition> union = new HashSet<>();
      StringBuilder state = new StringBuilder();
      for (GroupMember m : members) {
        Set<TopicPartition> snapshot = Set.copyOf(m.assignment);
        sum += snapshot.size();
        everyoneHasSome &= !snapshot.isEmpty();
        union.addAll(snapshot);
        state
            .append(m.name)
            .append('=')
            .append(new TreeSet<>(snapshot.stream().map(Object::toString).toList()))
            .append(' ');
      }
      last = state.toString();
      // A new member holds nothing until the rebalance it causes completes; wait for it.
      if (sum == PARTITIONS && union.size() == PARTITIONS && everyoneHasSome) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("group never settled on 6 disjoint partitions: " + last);
  }

  private void awaitAllReceived() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    Set<String> expected = expectedKeys();
    while (System.currentTimeMillis() < deadline && !received.keySet().containsAll(expected)) {
      Thread.sleep(50);
    }
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(received.keySet());
    assertEquals(Set.of(), missing, "records never consumed");
    assertEquals(expected, new HashSet<>(received.keySet()), "records outside the log consumed");
  }

  private Set<String> expectedKeys() {
    Set<String> expected = new HashSet<>();
    for (int p = 0; p < PARTITIONS; p++) {
      long end = broker.endOffset(TOPIC, p);
      assertEquals(produced / PARTITIONS, end, "log end of partition " + p);
      for (long o = 0; o < end; o++) {
        expected.add(TOPIC + "-" + p + ":" + o);
      }
    }
    return expected;
  }

  private void assertCommittedAtLogEnd(String group) {
    Set<TopicPartition> all = new HashSet<>();
    for (int p = 0; p < PARTITIONS; p++) {
      all.add(new TopicPartition(TOPIC, p));
    }
    try (Consumer<byte[], byte[]> reader =
        new Consumer<>(
            ConsumerConfig.builder().bootstrapServers(broker.bootstrap()).groupId(group).build())) {
      Map<TopicPartition, Long> committed = reader.committed(all);
      for (TopicPartition tp : all) {
        assertEquals(
            broker.endOffset(TOPIC, tp.partition()),
            committed.get(tp),
            "committed offset of " + tp);
      }
    }
  }
}
