package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.CreateAclsRequest;
import io.sluice.protocol.message.CreateAclsResponse;
import io.sluice.protocol.message.DescribeAclsRequest;
import io.sluice.protocol.message.DescribeAclsResponse;
import io.sluice.protocol.wire.WireReader;
import io.sluice.testing.ExpectedLogs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ACLs in cluster mode: two brokers in this JVM on an in-process ZooKeeper, the authorizer on, the
 * brokers' own principal ({@code User:ANONYMOUS} on the PLAINTEXT inter-broker listener) a super
 * user. An ACL created through broker 1 (a raw CreateAcls sent to it alone) is stored in ZooKeeper,
 * listed by broker 2 and enforced by both; replication keeps working with the authorizer on ({@code
 * acks=all} with {@code min.insync.replicas=2} needs the followers' fetches).
 */
class ClusterAclIT {
  private static final long WAIT_MS = 60_000;
  private static final String TOPIC = "acl-orders";
  private static TestCertificates certs;

  private InProcessCluster cluster;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.get();
  }

  @BeforeEach
  void startCluster() throws Exception {
    cluster =
        InProcessCluster.launch(
            2,
            AclTls.broker(
                certs,
                "default.replication.factor",
                "2",
                "min.insync.replicas",
                "2",
                "replica.lag.time.max.ms",
                "5000"));
  }

  @AfterEach
  void stopCluster() throws Exception {
    cluster.close();
  }

  private String bootstrap(String listener) {
    List<String> all = new ArrayList<>();
    cluster.running().values().forEach(b -> all.add(b.bootstrapServers(listener)));
    return String.join(",", all);
  }

  @Test
  void aclCreatedThroughOneBroker_enforcedByBoth_replicationUnaffected() throws Exception {
    try (Admin superUser = Admin.create(KafkaClients.admin(bootstrap("PLAINTEXT")))) {
      superUser.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 2))).all().get();
      TopicDescription described =
          superUser.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
      Set<Integer> leaders = new HashSet<>();
      for (TopicPartitionInfo p : described.partitions()) {
        leaders.add(p.leader().id());
        assertEquals(2, p.replicas().size());
      }
      assertEquals(Set.of(1, 2), leaders, "one partition led by each broker");

      ExpectedLogs.expect(
          "ERROR", "org.apache.kafka.clients.Metadata", "Topic authorization failed");
      ExecutionException refused = assertThrows(ExecutionException.class, () -> produceToBoth(1));
      assertInstanceOf(TopicAuthorizationException.class, refused.getCause());

      // The ACL goes to broker 1 alone; broker 2 learns it through its ZooKeeper watch.
      CreateAclsResponse created = createAclThroughBroker1();
      assertEquals(0, created.results().get(0).errorCode());
      long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
      while (describeAclsOnBroker2() == 0) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("broker 2 never saw the ACL");
        }
        Thread.sleep(20);
      }

      // acks=all with min.insync.replicas=2: answered only once each follower fetched the batch.
      produceToBoth(5);
      for (TopicPartitionInfo p :
          superUser.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions()) {
        assertEquals(2, p.isr().size(), "both replicas in sync for partition " + p.partition());
      }
    }
  }

  /** Produces {@code n} records to each partition as the certificate's principal, acks=all. */
  private void produceToBoth(int n) throws Exception {
    Properties props = AclTls.app(certs, KafkaClients.producer(bootstrap("SSL")));
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int partition = 0; partition < 2; partition++) {
        for (int i = 0; i < n; i++) {
          producer
              .send(
                  new ProducerRecord<>(
                      TOPIC, partition, null, ("v" + i).getBytes(StandardCharsets.UTF_8)))
              .get();
        }
      }
    }
  }

  private CreateAclsResponse createAclThroughBroker1() throws Exception {
    CreateAclsRequest request = new CreateAclsRequest();
    request
        .creations()
        .add(
            new CreateAclsRequest.AclCreation()
                .setResourceType((byte) 2) // TOPIC
                .setResourceName("acl-")
                .setResourcePatternType((byte) 4) // PREFIXED
                .setPrincipal(AclTls.APP)
                .setHost("*")
                .setOperation((byte) 4) // WRITE
                .setPermissionType((byte) 3)); // ALLOW
    try (RawConnection raw =
        new RawConnection(cluster.broker(1).broker().localAddresses().get("PLAINTEXT"))) {
      raw.send(ApiKey.CREATE_ACLS.id(), (short) 1, 7, request);
      return CreateAclsResponse.read(reader(raw.readFrame(), 7), (short) 1);
    }
  }

  /** The number of ACL resources broker 2 lists (DescribeAcls v1, every ACL). */
  private int describeAclsOnBroker2() throws Exception {
    DescribeAclsRequest request =
        new DescribeAclsRequest()
            .setResourceTypeFilter((byte) 1)
            .setResourceNameFilter(null)
            .setPrincipalFilter(null)
            .setHostFilter(null)
            .setPatternTypeFilter((byte) 1)
            .setOperation((byte) 1)
            .setPermissionType((byte) 1);
    try (RawConnection raw =
        new RawConnection(cluster.broker(2).broker().localAddresses().get("PLAINTEXT"))) {
      raw.send(ApiKey.DESCRIBE_ACLS.id(), (short) 1, 8, request);
      DescribeAclsResponse response =
          DescribeAclsResponse.read(reader(raw.readFrame(), 8), (short) 1);
      assertEquals(0, response.errorCode());
      return response.resources().size();
    }
  }

  /** A reader over a v0 response header's body, the correlation id checked. */
  private static WireReader reader(ByteBuffer frame, int correlationId) {
    assertEquals(correlationId, frame.getInt());
    return new WireReader(Unpooled.wrappedBuffer(frame));
  }
}
