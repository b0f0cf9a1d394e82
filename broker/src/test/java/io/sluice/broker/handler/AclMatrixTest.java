package io.sluice.broker.handler;

import static io.sluice.broker.handler.AclHarness.acl;
import static io.sluice.broker.security.acl.AclOperation.ALTER;
import static io.sluice.broker.security.acl.AclOperation.ALTER_CONFIGS;
import static io.sluice.broker.security.acl.AclOperation.CLUSTER_ACTION;
import static io.sluice.broker.security.acl.AclOperation.CREATE;
import static io.sluice.broker.security.acl.AclOperation.DELETE;
import static io.sluice.broker.security.acl.AclOperation.DESCRIBE;
import static io.sluice.broker.security.acl.AclOperation.DESCRIBE_CONFIGS;
import static io.sluice.broker.security.acl.AclOperation.IDEMPOTENT_WRITE;
import static io.sluice.broker.security.acl.AclOperation.READ;
import static io.sluice.broker.security.acl.AclOperation.WRITE;
import static io.sluice.broker.security.acl.AclPermissionType.ALLOW;
import static io.sluice.broker.security.acl.AclPermissionType.DENY;
import static io.sluice.broker.security.acl.PatternType.LITERAL;
import static io.sluice.broker.security.acl.PatternType.PREFIXED;
import static io.sluice.broker.security.acl.ResourceType.CLUSTER;
import static io.sluice.broker.security.acl.ResourceType.GROUP;
import static io.sluice.broker.security.acl.ResourceType.TOPIC;
import static io.sluice.broker.security.acl.ResourceType.TRANSACTIONAL_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.netty.buffer.Unpooled;
import io.sluice.broker.security.acl.AclBinding;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.security.acl.ResourceType;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.AlterClientQuotasRequest;
import io.sluice.protocol.message.AlterClientQuotasResponse;
import io.sluice.protocol.message.AlterConfigsRequest;
import io.sluice.protocol.message.AlterConfigsResponse;
import io.sluice.protocol.message.AlterPartitionReassignmentsRequest;
import io.sluice.protocol.message.AlterPartitionReassignmentsResponse;
import io.sluice.protocol.message.CreateAclsRequest;
import io.sluice.protocol.message.CreateAclsResponse;
import io.sluice.protocol.message.CreatePartitionsRequest;
import io.sluice.protocol.message.CreatePartitionsResponse;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import io.sluice.protocol.message.DeleteAclsRequest;
import io.sluice.protocol.message.DeleteAclsResponse;
import io.sluice.protocol.message.DeleteGroupsRequest;
import io.sluice.protocol.message.DeleteGroupsResponse;
import io.sluice.protocol.message.DeleteRecordsRequest;
import io.sluice.protocol.message.DeleteRecordsResponse;
import io.sluice.protocol.message.DeleteTopicsRequest;
import io.sluice.protocol.message.DeleteTopicsResponse;
import io.sluice.protocol.message.DescribeAclsRequest;
import io.sluice.protocol.message.DescribeAclsResponse;
import io.sluice.protocol.message.DescribeClientQuotasRequest;
import io.sluice.protocol.message.DescribeClientQuotasResponse;
import io.sluice.protocol.message.DescribeConfigsRequest;
import io.sluice.protocol.message.DescribeConfigsResponse;
import io.sluice.protocol.message.DescribeGroupsRequest;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.DescribeLogDirsRequest;
import io.sluice.protocol.message.DescribeLogDirsResponse;
import io.sluice.protocol.message.DescribeProducersRequest;
import io.sluice.protocol.message.DescribeProducersResponse;
import io.sluice.protocol.message.DescribeUserScramCredentialsRequest;
import io.sluice.protocol.message.DescribeUserScramCredentialsResponse;
import io.sluice.protocol.message.ElectLeadersRequest;
import io.sluice.protocol.message.ElectLeadersResponse;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.FindCoordinatorRequest;
import io.sluice.protocol.message.FindCoordinatorResponse;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.IncrementalAlterConfigsRequest;
import io.sluice.protocol.message.IncrementalAlterConfigsResponse;
import io.sluice.protocol.message.InitProducerIdRequest;
import io.sluice.protocol.message.InitProducerIdResponse;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import io.sluice.protocol.message.ListGroupsRequest;
import io.sluice.protocol.message.ListGroupsResponse;
import io.sluice.protocol.message.ListOffsetsRequest;
import io.sluice.protocol.message.ListOffsetsResponse;
import io.sluice.protocol.message.ListPartitionReassignmentsRequest;
import io.sluice.protocol.message.ListPartitionReassignmentsResponse;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import io.sluice.protocol.message.OffsetDeleteRequest;
import io.sluice.protocol.message.OffsetDeleteResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import io.sluice.protocol.message.OffsetForLeaderEpochRequest;
import io.sluice.protocol.message.OffsetForLeaderEpochResponse;
import io.sluice.protocol.message.ProduceRequest;
import io.sluice.protocol.message.ProduceResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import io.sluice.protocol.wire.ByteBufRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ACL matrix against the handlers: for each API and the operation Kafka checks, the request of
 * an ordinary principal is refused with Kafka's error without an ACL, served with a LITERAL ACL, a
 * PREFIXED one and the LITERAL {@code *}, refused again when a DENY joins the ALLOW (deny wins),
 * and served for a super user without any ACL. Plus Metadata's filtering, auto-creation,
 * ListGroups' filtering, and {@code allow.everyone.if.no.acl.found}.
 */
class AclMatrixTest {
  private static final String ALICE = "User:alice";
  private static final String TOPIC_NAME = "orders";
  private static final String GROUP_NAME = "app";

  @TempDir Path dir;

  /**
   * One row: a request of {@code alice} needing {@code op} on the resource; {@code denied} is the
   * error without it, {@code allowed} the error with it (null: just not {@code denied}); {@code
   * needs} are the other ACLs the request needs (given in every variant); {@code setup} runs as the
   * super user first.
   */
  record Case(
      String name,
      ResourceType type,
      String resource,
      AclOperation op,
      Errors denied,
      Errors allowed,
      List<AclBinding> needs,
      Consumer<AclHarness> setup,
      Function<AclHarness, Short> call) {
    @Override
    public String toString() {
      return name + ": " + op + " on " + type + " " + resource;
    }
  }

  private static Case row(
      String name,
      ResourceType type,
      String resource,
      AclOperation op,
      Errors denied,
      Errors allowed,
      Function<AclHarness, Short> call) {
    return new Case(name, type, resource, op, denied, allowed, List.of(), h -> {}, call);
  }

  private static Case needing(Case c, AclBinding... needs) {
    return new Case(
        c.name, c.type, c.resource, c.op, c.denied, c.allowed, List.of(needs), c.setup, c.call);
  }

  private static Case withSetup(Case c, Consumer<AclHarness> setup) {
    return new Case(c.name, c.type, c.resource, c.op, c.denied, c.allowed, c.needs, setup, c.call);
  }

  private static AclBinding allow(ResourceType type, String name, AclOperation op) {
    return acl(type, name, LITERAL, ALICE, op, ALLOW);
  }

  private static final Errors TOPIC_DENIED = Errors.TOPIC_AUTHORIZATION_FAILED;
  private static final Errors GROUP_DENIED = Errors.GROUP_AUTHORIZATION_FAILED;
  private static final Errors CLUSTER_DENIED = Errors.CLUSTER_AUTHORIZATION_FAILED;
  private static final String CLUSTER_NAME = ResourceType.CLUSTER_NAME;

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    cases.add(
        row(
            "Produce",
            TOPIC,
            TOPIC_NAME,
            WRITE,
            TOPIC_DENIED,
            Errors.NONE,
            h -> produce(h, ALICE)));
    cases.add(
        row(
            "Fetch (consumer)",
            TOPIC,
            TOPIC_NAME,
            READ,
            TOPIC_DENIED,
            Errors.NONE,
            h -> fetch(h, ALICE, -1)));
    cases.add(
        row(
            "Fetch (follower)",
            CLUSTER,
            CLUSTER_NAME,
            CLUSTER_ACTION,
            TOPIC_DENIED,
            Errors.NOT_LEADER_OR_FOLLOWER, // a single node has no followers
            h -> fetch(h, ALICE, 1)));
    cases.add(
        row(
            "ListOffsets",
            TOPIC,
            TOPIC_NAME,
            DESCRIBE,
            TOPIC_DENIED,
            Errors.NONE,
            h -> {
              ListOffsetsRequest r = new ListOffsetsRequest().setReplicaId(-1);
              r.topics()
                  .add(
                      new ListOffsetsRequest.ListOffsetsTopic()
                          .setName(TOPIC_NAME)
                          .setPartitions(
                              List.of(
                                  new ListOffsetsRequest.ListOffsetsPartition()
                                      .setPartitionIndex(0)
                                      .setTimestamp(-1))));
              ListOffsetsResponse out =
                  (ListOffsetsResponse) h.send(ALICE, ApiKey.LIST_OFFSETS, 7, r);
              return out.topics().get(0).partitions().get(0).errorCode();
            }));
    cases.add(
        row(
            "OffsetForLeaderEpoch (consumer)",
            TOPIC,
            TOPIC_NAME,
            DESCRIBE,
            TOPIC_DENIED,
            Errors.NONE,
            h -> offsetForLeaderEpoch(h, -1)));
    cases.add(
        row(
            "OffsetForLeaderEpoch (follower)",
            CLUSTER,
            CLUSTER_NAME,
            CLUSTER_ACTION,
            CLUSTER_DENIED,
            Errors.NONE,
            h -> offsetForLeaderEpoch(h, 1)));
    cases.add(
        row(
            "Metadata",
            TOPIC,
            TOPIC_NAME,
            DESCRIBE,
            TOPIC_DENIED,
            Errors.NONE,
            h -> metadata(h, ALICE, TOPIC_NAME, false).topics().get(0).errorCode()));
    cases.add(
        row(
            "CreateTopics (topic)",
            TOPIC,
            "fresh",
            CREATE,
            TOPIC_DENIED,
            Errors.NONE,
            h -> createTopic(h, "fresh")));
    cases.add(
        row(
            "CreateTopics (cluster)",
            CLUSTER,
            CLUSTER_NAME,
            CREATE,
            TOPIC_DENIED,
            Errors.NONE,
            h -> createTopic(h, "fresh")));
    cases.add(
        row(
            "DeleteTopics",
            TOPIC,
            TOPIC_NAME,
            DELETE,
            TOPIC_DENIED,
            Errors.NONE,
            h -> {
              DeleteTopicsRequest r =
                  new DeleteTopicsRequest().setTopicNames(List.of(TOPIC_NAME)).setTimeoutMs(5000);
              DeleteTopicsResponse out =
                  (DeleteTopicsResponse) h.send(ALICE, ApiKey.DELETE_TOPICS, 5, r);
              return out.responses().get(0).errorCode();
            }));
    cases.add(
        row(
            "DeleteRecords",
            TOPIC,
            TOPIC_NAME,
            DELETE,
            TOPIC_DENIED,
            Errors.NONE,
            h -> {
              DeleteRecordsRequest r = new DeleteRecordsRequest().setTimeoutMs(5000);
              r.topics()
                  .add(
                      new DeleteRecordsRequest.DeleteRecordsTopic()
                          .setName(TOPIC_NAME)
                          .setPartitions(
                              List.of(
                                  new DeleteRecordsRequest.DeleteRecordsPartition()
                                      .setPartitionIndex(0)
                                      .setOffset(0))));
              DeleteRecordsResponse out =
                  (DeleteRecordsResponse) h.send(ALICE, ApiKey.DELETE_RECORDS, 2, r);
              return out.topics().get(0).partitions().get(0).errorCode();
            }));
    cases.add(
        row(
            "CreatePartitions",
            TOPIC,
            TOPIC_NAME,
            ALTER,
            TOPIC_DENIED,
            null,
            h -> {
              CreatePartitionsRequest r = new CreatePartitionsRequest().setTimeoutMs(5000);
              r.topics()
                  .add(
                      new CreatePartitionsRequest.CreatePartitionsTopic()
                          .setName(TOPIC_NAME)
                          .setCount(h.logs.partitionCount(TOPIC_NAME) + 1));
              CreatePartitionsResponse out =
                  (CreatePartitionsResponse) h.send(ALICE, ApiKey.CREATE_PARTITIONS, 3, r);
              return out.results().get(0).errorCode();
            }));
    cases.add(
        row(
            "DescribeConfigs (topic)",
            TOPIC,
            TOPIC_NAME,
            DESCRIBE_CONFIGS,
            TOPIC_DENIED,
            Errors.NONE,
            h -> describeConfigs(h, ConfigEntries.TOPIC, TOPIC_NAME)));
    cases.add(
        row(
            "DescribeConfigs (broker)",
            CLUSTER,
            CLUSTER_NAME,
            DESCRIBE_CONFIGS,
            CLUSTER_DENIED,
            Errors.NONE,
            h -> describeConfigs(h, ConfigEntries.BROKER, "0")));
    cases.add(
        row(
            "AlterConfigs (topic)",
            TOPIC,
            TOPIC_NAME,
            ALTER_CONFIGS,
            TOPIC_DENIED,
            Errors.NONE,
            h -> alterConfigs(h, ConfigEntries.TOPIC, TOPIC_NAME, true)));
    cases.add(
        row(
            "AlterConfigs (broker)",
            CLUSTER,
            CLUSTER_NAME,
            ALTER_CONFIGS,
            CLUSTER_DENIED,
            Errors.NONE,
            h -> alterConfigs(h, ConfigEntries.BROKER, "0", false)));
    cases.add(
        row(
            "IncrementalAlterConfigs (topic)",
            TOPIC,
            TOPIC_NAME,
            ALTER_CONFIGS,
            TOPIC_DENIED,
            Errors.NONE,
            h -> {
              IncrementalAlterConfigsRequest r = new IncrementalAlterConfigsRequest();
              r.resources()
                  .add(
                      new IncrementalAlterConfigsRequest.AlterConfigsResource()
                          .setResourceType(ConfigEntries.TOPIC)
                          .setResourceName(TOPIC_NAME)
                          .setConfigs(
                              List.of(
                                  new IncrementalAlterConfigsRequest.AlterableConfig()
                                      .setName("retention.ms")
                                      .setConfigOperation((byte) 0)
                                      .setValue("60000"))));
              IncrementalAlterConfigsResponse out =
                  (IncrementalAlterConfigsResponse)
                      h.send(ALICE, ApiKey.INCREMENTAL_ALTER_CONFIGS, 1, r);
              return out.responses().get(0).errorCode();
            }));
    cases.add(
        row(
            "DescribeLogDirs",
            CLUSTER,
            CLUSTER_NAME,
            DESCRIBE,
            CLUSTER_DENIED,
            Errors.NONE,
            h -> {
              DescribeLogDirsResponse out =
                  (DescribeLogDirsResponse)
                      h.send(
                          ALICE,
                          ApiKey.DESCRIBE_LOG_DIRS,
                          4,
                          new DescribeLogDirsRequest().setTopics(null));
              return out.errorCode();
            }));
    cases.add(
        row(
            "InitProducerId (idempotent, cluster)",
            CLUSTER,
            CLUSTER_NAME,
            IDEMPOTENT_WRITE,
            CLUSTER_DENIED,
            Errors.NONE,
            h -> initProducerId(h, null)));
    cases.add(
        row(
            "InitProducerId (idempotent, WRITE on a topic)",
            TOPIC,
            TOPIC_NAME,
            WRITE,
            CLUSTER_DENIED,
            Errors.NONE,
            h -> initProducerId(h, null)));
    cases.add(
        row(
            "InitProducerId (transactional id)",
            TRANSACTIONAL_ID,
            "tx-1",
            WRITE,
            Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
            Errors.INVALID_REQUEST, // transactions are not implemented
            h -> initProducerId(h, "tx-1")));
    cases.add(
        row(
            "DescribeProducers",
            TOPIC,
            TOPIC_NAME,
            READ,
            TOPIC_DENIED,
            Errors.NONE,
            h -> {
              DescribeProducersRequest r = new DescribeProducersRequest();
              r.topics()
                  .add(
                      new DescribeProducersRequest.TopicRequest()
                          .setName(TOPIC_NAME)
                          .setPartitionIndexes(List.of(0)));
              DescribeProducersResponse out =
                  (DescribeProducersResponse) h.send(ALICE, ApiKey.DESCRIBE_PRODUCERS, 0, r);
              return out.topics().get(0).partitions().get(0).errorCode();
            }));
    cases.add(
        row(
            "FindCoordinator (group)",
            GROUP,
            GROUP_NAME,
            DESCRIBE,
            GROUP_DENIED,
            Errors.NONE,
            h -> findCoordinator(h, (byte) 0, GROUP_NAME)));
    cases.add(
        row(
            "FindCoordinator (transaction)",
            TRANSACTIONAL_ID,
            "tx-1",
            DESCRIBE,
            Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
            Errors.INVALID_REQUEST,
            h -> findCoordinator(h, (byte) 1, "tx-1")));
    cases.add(
        row(
            "JoinGroup",
            GROUP,
            GROUP_NAME,
            READ,
            GROUP_DENIED,
            Errors.MEMBER_ID_REQUIRED,
            h -> {
              JoinGroupRequest r =
                  new JoinGroupRequest()
                      .setGroupId(GROUP_NAME)
                      .setSessionTimeoutMs(10000)
                      .setRebalanceTimeoutMs(10000)
                      .setMemberId("")
                      .setProtocolType("consumer")
                      .setProtocols(
                          List.of(
                              new JoinGroupRequest.JoinGroupRequestProtocol()
                                  .setName("range")
                                  .setMetadata(new byte[0])));
              return ((JoinGroupResponse) h.send(ALICE, ApiKey.JOIN_GROUP, 9, r)).errorCode();
            }));
    cases.add(
        row(
            "SyncGroup",
            GROUP,
            GROUP_NAME,
            READ,
            GROUP_DENIED,
            null,
            h -> {
              SyncGroupRequest r =
                  new SyncGroupRequest()
                      .setGroupId(GROUP_NAME)
                      .setGenerationId(1)
                      .setMemberId("m-1")
                      .setProtocolType("consumer")
                      .setProtocolName("range");
              return ((SyncGroupResponse) h.send(ALICE, ApiKey.SYNC_GROUP, 5, r)).errorCode();
            }));
    cases.add(
        row(
            "Heartbeat",
            GROUP,
            GROUP_NAME,
            READ,
            GROUP_DENIED,
            null,
            h -> {
              HeartbeatRequest r =
                  new HeartbeatRequest().setGroupId(GROUP_NAME).setGenerationId(1).setMemberId("m");
              return ((HeartbeatResponse) h.send(ALICE, ApiKey.HEARTBEAT, 4, r)).errorCode();
            }));
    cases.add(
        row(
            "LeaveGroup",
            GROUP,
            GROUP_NAME,
            READ,
            GROUP_DENIED,
            null,
            h -> {
              LeaveGroupRequest r = new LeaveGroupRequest().setGroupId(GROUP_NAME);
              r.members().add(new LeaveGroupRequest.MemberIdentity().setMemberId("m"));
              return ((LeaveGroupResponse) h.send(ALICE, ApiKey.LEAVE_GROUP, 5, r)).errorCode();
            }));
    cases.add(
        needing(
            row(
                "OffsetCommit (group)",
                GROUP,
                GROUP_NAME,
                READ,
                GROUP_DENIED,
                Errors.NONE,
                h -> offsetCommit(h, ALICE)),
            allow(TOPIC, TOPIC_NAME, READ)));
    cases.add(
        needing(
            row(
                "OffsetCommit (topic)",
                TOPIC,
                TOPIC_NAME,
                READ,
                TOPIC_DENIED,
                Errors.NONE,
                h -> offsetCommit(h, ALICE)),
            allow(GROUP, GROUP_NAME, READ)));
    cases.add(
        needing(
            row(
                "OffsetFetch (group)",
                GROUP,
                GROUP_NAME,
                DESCRIBE,
                GROUP_DENIED,
                Errors.NONE,
                h -> offsetFetch(h).errorCode()),
            allow(TOPIC, TOPIC_NAME, DESCRIBE)));
    cases.add(
        needing(
            row(
                "OffsetFetch (topic)",
                TOPIC,
                TOPIC_NAME,
                DESCRIBE,
                TOPIC_DENIED,
                Errors.NONE,
                h -> offsetFetch(h).topics().get(0).partitions().get(0).errorCode()),
            allow(GROUP, GROUP_NAME, DESCRIBE)));
    cases.add(
        row(
            "DescribeGroups",
            GROUP,
            GROUP_NAME,
            DESCRIBE,
            GROUP_DENIED,
            Errors.NONE,
            h -> {
              DescribeGroupsRequest r = new DescribeGroupsRequest().setGroups(List.of(GROUP_NAME));
              return ((DescribeGroupsResponse) h.send(ALICE, ApiKey.DESCRIBE_GROUPS, 5, r))
                  .groups()
                  .get(0)
                  .errorCode();
            }));
    cases.add(
        row(
            "DeleteGroups",
            GROUP,
            GROUP_NAME,
            DELETE,
            GROUP_DENIED,
            Errors.GROUP_ID_NOT_FOUND,
            h -> {
              DeleteGroupsRequest r = new DeleteGroupsRequest().setGroupsNames(List.of(GROUP_NAME));
              return ((DeleteGroupsResponse) h.send(ALICE, ApiKey.DELETE_GROUPS, 2, r))
                  .results()
                  .get(0)
                  .errorCode();
            }));
    Consumer<AclHarness> committed = h -> offsetCommit(h, AclHarness.ADMIN);
    cases.add(
        withSetup(
            needing(
                row(
                    "OffsetDelete (group)",
                    GROUP,
                    GROUP_NAME,
                    DELETE,
                    GROUP_DENIED,
                    Errors.NONE,
                    h -> offsetDelete(h).errorCode()),
                allow(TOPIC, TOPIC_NAME, READ)),
            committed));
    cases.add(
        withSetup(
            needing(
                row(
                    "OffsetDelete (topic)",
                    TOPIC,
                    TOPIC_NAME,
                    READ,
                    TOPIC_DENIED,
                    Errors.NONE,
                    h -> offsetDelete(h).topics().get(0).partitions().get(0).errorCode()),
                allow(GROUP, GROUP_NAME, DELETE)),
            committed));
    cases.add(
        row(
            "ElectLeaders",
            CLUSTER,
            CLUSTER_NAME,
            ALTER,
            CLUSTER_DENIED,
            Errors.ELECTION_NOT_NEEDED, // a single node's one replica leads already
            h -> {
              ElectLeadersRequest r =
                  new ElectLeadersRequest()
                      .setTopicPartitions(
                          List.of(
                              new ElectLeadersRequest.TopicPartitions()
                                  .setTopic(TOPIC_NAME)
                                  .setPartitions(List.of(0))));
              return ((ElectLeadersResponse) h.send(ALICE, ApiKey.ELECT_LEADERS, 2, r))
                  .replicaElectionResults()
                  .get(0)
                  .partitionResult()
                  .get(0)
                  .errorCode();
            }));
    cases.add(
        row(
            "CreateAcls",
            CLUSTER,
            CLUSTER_NAME,
            ALTER,
            CLUSTER_DENIED,
            Errors.NONE,
            h -> {
              CreateAclsRequest r = new CreateAclsRequest();
              r.creations()
                  .add(
                      new CreateAclsRequest.AclCreation()
                          .setResourceType(TOPIC.code())
                          .setResourceName("other")
                          .setResourcePatternType(LITERAL.code())
                          .setPrincipal("User:carol")
                          .setHost("*")
                          .setOperation(READ.code())
                          .setPermissionType(ALLOW.code()));
              return ((CreateAclsResponse) h.send(ALICE, ApiKey.CREATE_ACLS, 3, r))
                  .results()
                  .get(0)
                  .errorCode();
            }));
    cases.add(
        row(
            "DescribeAcls",
            CLUSTER,
            CLUSTER_NAME,
            DESCRIBE,
            CLUSTER_DENIED,
            Errors.NONE,
            h -> {
              DescribeAclsRequest r =
                  new DescribeAclsRequest()
                      .setResourceTypeFilter(ResourceType.ANY.code())
                      .setResourceNameFilter(null)
                      .setPrincipalFilter(null)
                      .setHostFilter(null)
                      .setPatternTypeFilter(io.sluice.broker.security.acl.PatternType.ANY.code())
                      .setOperation(AclOperation.ANY.code())
                      .setPermissionType(
                          io.sluice.broker.security.acl.AclPermissionType.ANY.code());
              return ((DescribeAclsResponse) h.send(ALICE, ApiKey.DESCRIBE_ACLS, 3, r)).errorCode();
            }));
    cases.add(
        row(
            "DeleteAcls",
            CLUSTER,
            CLUSTER_NAME,
            ALTER,
            CLUSTER_DENIED,
            Errors.NONE,
            h -> {
              DeleteAclsRequest r = new DeleteAclsRequest();
              r.filters()
                  .add(
                      new DeleteAclsRequest.DeleteAclsFilter()
                          .setResourceTypeFilter(TOPIC.code())
                          .setResourceNameFilter("nothing-here")
                          .setPatternTypeFilter(LITERAL.code())
                          .setOperation(AclOperation.ANY.code())
                          .setPermissionType(
                              io.sluice.broker.security.acl.AclPermissionType.ANY.code()));
              return ((DeleteAclsResponse) h.send(ALICE, ApiKey.DELETE_ACLS, 3, r))
                  .filterResults()
                  .get(0)
                  .errorCode();
            }));
    cases.add(
        row(
            "DescribeUserScramCredentials",
            CLUSTER,
            CLUSTER_NAME,
            DESCRIBE,
            CLUSTER_DENIED,
            Errors.NONE,
            h ->
                ((DescribeUserScramCredentialsResponse)
                        h.send(
                            ALICE,
                            ApiKey.DESCRIBE_USER_SCRAM_CREDENTIALS,
                            0,
                            new DescribeUserScramCredentialsRequest().setUsers(null)))
                    .errorCode()));
    // Partition reassignment: the top-level error, which every partition repeats when refused.
    cases.add(
        row(
            "AlterPartitionReassignments",
            CLUSTER,
            CLUSTER_NAME,
            ALTER,
            CLUSTER_DENIED,
            Errors.NONE,
            h -> {
              AlterPartitionReassignmentsRequest r = new AlterPartitionReassignmentsRequest();
              r.topics()
                  .add(
                      new AlterPartitionReassignmentsRequest.ReassignableTopic()
                          .setName(TOPIC_NAME)
                          .setPartitions(
                              List.of(
                                  new AlterPartitionReassignmentsRequest.ReassignablePartition()
                                      .setPartitionIndex(0)
                                      .setReplicas(List.of(0)))));
              AlterPartitionReassignmentsResponse answer =
                  (AlterPartitionReassignmentsResponse)
                      h.send(ALICE, ApiKey.ALTER_PARTITION_REASSIGNMENTS, 1, r);
              short partition = answer.responses().get(0).partitions().get(0).errorCode();
              return answer.errorCode() != Errors.NONE.code() ? answer.errorCode() : partition;
            }));
    cases.add(
        row(
            "ListPartitionReassignments",
            CLUSTER,
            CLUSTER_NAME,
            DESCRIBE,
            CLUSTER_DENIED,
            Errors.NONE,
            h ->
                ((ListPartitionReassignmentsResponse)
                        h.send(
                            ALICE,
                            ApiKey.LIST_PARTITION_REASSIGNMENTS,
                            0,
                            new ListPartitionReassignmentsRequest().setTopics(null)))
                    .errorCode()));
    cases.add(
        row(
            "DescribeClientQuotas",
            CLUSTER,
            CLUSTER_NAME,
            DESCRIBE_CONFIGS,
            CLUSTER_DENIED,
            Errors.NONE,
            h ->
                ((DescribeClientQuotasResponse)
                        h.send(
                            ALICE,
                            ApiKey.DESCRIBE_CLIENT_QUOTAS,
                            1,
                            new DescribeClientQuotasRequest()))
                    .errorCode()));
    cases.add(
        row(
            "AlterClientQuotas",
            CLUSTER,
            CLUSTER_NAME,
            ALTER_CONFIGS,
            CLUSTER_DENIED,
            Errors.NONE,
            h -> {
              AlterClientQuotasRequest r = new AlterClientQuotasRequest().setValidateOnly(true);
              r.entries()
                  .add(
                      new AlterClientQuotasRequest.EntryData()
                          .setEntity(
                              List.of(
                                  new AlterClientQuotasRequest.EntityData()
                                      .setEntityType("user")
                                      .setEntityName("bob")))
                          .setOps(
                              List.of(
                                  new AlterClientQuotasRequest.OpData()
                                      .setKey("producer_byte_rate")
                                      .setValue(1024))));
              return ((AlterClientQuotasResponse) h.send(ALICE, ApiKey.ALTER_CLIENT_QUOTAS, 1, r))
                  .entries()
                  .get(0)
                  .errorCode();
            }));
    return cases;
  }

  @TestFactory
  Stream<DynamicTest> everyApi_deniedWithoutAcl_allowedByLiteralPrefixedAndWildcard_denyWins() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
  }

  private void check(Case c) throws Exception {
    Path caseDir = Files.createTempDirectory(dir, "case");
    try (AclHarness h = new AclHarness(caseDir, false)) {
      h.topics.create(TOPIC_NAME, 1, false);
      c.setup.accept(h);

      h.grant(c.needs.toArray(AclBinding[]::new));
      assertEquals(c.denied.code(), c.call.apply(h), "no ACL for " + c.op + ": refused");

      h.grant(allow(c.type, c.resource, c.op));
      short literal = c.call.apply(h);
      if (c.allowed != null) {
        assertEquals(c.allowed.code(), literal, "a LITERAL ALLOW: served");
      } else {
        assertNotEquals(c.denied.code(), literal, "a LITERAL ALLOW: served");
      }

      h.grant(acl(c.type, c.resource, LITERAL, ALICE, c.op, DENY));
      assertEquals(c.denied.code(), c.call.apply(h), "ALLOW and DENY: the DENY wins");

      if (c.type != CLUSTER) { // the cluster resource has one name: no '*', no prefixes
        h.revokeAll();
        h.grant(c.needs.toArray(AclBinding[]::new));
        h.grant(acl(c.type, "*", LITERAL, ALICE, c.op, ALLOW));
        assertNotEquals(c.denied.code(), c.call.apply(h), "the LITERAL * ALLOW: served");

        h.revokeAll();
        h.grant(c.needs.toArray(AclBinding[]::new));
        String prefix = c.resource.substring(0, 2);
        h.grant(acl(c.type, prefix, PREFIXED, ALICE, c.op, ALLOW));
        assertNotEquals(c.denied.code(), c.call.apply(h), "a PREFIXED ALLOW: served");
        h.grant(acl(c.type, prefix, PREFIXED, "User:*", c.op, DENY));
        assertEquals(c.denied.code(), c.call.apply(h), "a PREFIXED DENY for User:* wins");
        h.grant(acl(c.type, c.resource, LITERAL, ALICE, AclOperation.ALL, ALLOW));
        assertEquals(c.denied.code(), c.call.apply(h), "still denied with ALL allowed");
      }

      h.revokeAll();
      h.grant(c.needs.toArray(AclBinding[]::new));
      assertEquals(c.denied.code(), c.call.apply(h), "the ACL removed: refused again");
    }
  }

  @Test
  void superUser_servedWithoutAnyAcl_evenWithDenyForEveryone() {
    try (AclHarness h = new AclHarness(dir, false)) {
      h.topics.create(TOPIC_NAME, 1, false);
      h.grant(acl(TOPIC, TOPIC_NAME, LITERAL, "User:*", AclOperation.ALL, DENY));
      assertEquals(Errors.NONE.code(), produce(h, AclHarness.ADMIN));
      assertEquals(Errors.NONE.code(), fetch(h, AclHarness.ADMIN, -1));
      assertEquals(TOPIC_DENIED.code(), produce(h, ALICE));
    }
  }

  @Test
  void allowEveryoneIfNoAclFound_onlyResourcesWithoutAcls() {
    try (AclHarness h = new AclHarness(dir, true)) {
      h.topics.create(TOPIC_NAME, 1, false);
      h.topics.create("guarded", 1, false);
      assertEquals(Errors.NONE.code(), produce(h, ALICE), "no ACL on the topic: open");
      h.grant(acl(TOPIC, TOPIC_NAME, LITERAL, "User:bob", WRITE, ALLOW));
      assertEquals(TOPIC_DENIED.code(), produce(h, ALICE), "an ACL for bob: closed to alice");
    }
  }

  @Test
  void metadata_allTopics_listsOnlyDescribable_andUnknownUnauthorizedTopicsAreNotRevealed() {
    try (AclHarness h = new AclHarness(dir, false)) {
      for (String t : List.of("orders", "orders-eu", "payroll")) {
        h.topics.create(t, 1, false);
      }
      h.grant(acl(TOPIC, "orders", PREFIXED, ALICE, READ, ALLOW));
      MetadataResponse all =
          (MetadataResponse)
              h.send(ALICE, ApiKey.METADATA, 12, new MetadataRequest().setTopics(null));
      assertEquals(
          List.of("orders", "orders-eu"),
          all.topics().stream()
              .map(MetadataResponse.MetadataResponseTopic::name)
              .sorted()
              .toList());
      MetadataResponse everything =
          (MetadataResponse)
              h.send(AclHarness.ADMIN, ApiKey.METADATA, 12, new MetadataRequest().setTopics(null));
      assertEquals(3, everything.topics().size());

      // An existing and a missing topic alice may not describe answer alike.
      assertEquals(
          TOPIC_DENIED.code(), metadata(h, ALICE, "payroll", false).topics().get(0).errorCode());
      assertEquals(
          TOPIC_DENIED.code(), metadata(h, ALICE, "secret", false).topics().get(0).errorCode());
      assertEquals(
          Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
          metadata(h, ALICE, "orders-missing", false).topics().get(0).errorCode(),
          "describable and missing: unknown");
      // Producing to a topic that does not exist, without WRITE: no hint that it is missing.
      assertEquals(TOPIC_DENIED.code(), produceTo(h, ALICE, "secret"));
    }
  }

  @Test
  void metadata_autoCreation_needsCreateOnTheClusterOrTheTopic() {
    try (AclHarness h = new AclHarness(dir, false)) {
      h.grant(acl(TOPIC, "new-", PREFIXED, ALICE, DESCRIBE, ALLOW));
      assertEquals(
          TOPIC_DENIED.code(), metadata(h, ALICE, "new-a", true).topics().get(0).errorCode());
      assertEquals(0, h.logs.partitionCount("new-a"), "not created");

      h.grant(acl(TOPIC, "new-a", LITERAL, ALICE, CREATE, ALLOW));
      MetadataResponse created = metadata(h, ALICE, "new-a", true);
      assertEquals(Errors.NONE.code(), created.topics().get(0).errorCode());
      assertEquals(1, h.logs.partitionCount("new-a"));

      h.grant(acl(CLUSTER, CLUSTER_NAME, LITERAL, ALICE, CREATE, ALLOW));
      assertEquals(
          Errors.NONE.code(), metadata(h, ALICE, "new-b", true).topics().get(0).errorCode());
      assertEquals(1, h.logs.partitionCount("new-b"));
    }
  }

  @Test
  void listGroups_describeOnClusterListsAll_elseOnlyDescribableGroups() {
    try (AclHarness h = new AclHarness(dir, false)) {
      h.topics.create(TOPIC_NAME, 1, false);
      for (String group : List.of("app", "app-2", "billing")) {
        OffsetCommitRequest r = commitRequest(group);
        h.send(AclHarness.ADMIN, ApiKey.OFFSET_COMMIT, 9, r);
      }
      assertEquals(List.of(), listGroups(h));
      h.grant(acl(GROUP, "app", PREFIXED, ALICE, DESCRIBE, ALLOW));
      assertEquals(List.of("app", "app-2"), listGroups(h));
      h.grant(acl(CLUSTER, CLUSTER_NAME, LITERAL, ALICE, DESCRIBE, ALLOW));
      assertEquals(List.of("app", "app-2", "billing"), listGroups(h));
    }
  }

  private static List<String> listGroups(AclHarness h) {
    ListGroupsResponse out =
        (ListGroupsResponse) h.send(ALICE, ApiKey.LIST_GROUPS, 4, new ListGroupsRequest());
    return out.groups().stream().map(ListGroupsResponse.ListedGroup::groupId).sorted().toList();
  }

  // --- requests

  private static short produce(AclHarness h, String principal) {
    return produceTo(h, principal, TOPIC_NAME);
  }

  private static short produceTo(AclHarness h, String principal, String topic) {
    byte[] batch =
        bytesOf(
            MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes())).buffer());
    ProduceRequest r = new ProduceRequest().setAcks((short) 1).setTimeoutMs(5000);
    r.topicData()
        .add(
            new ProduceRequest.TopicProduceData()
                .setName(topic)
                .setPartitionData(
                    List.of(
                        new ProduceRequest.PartitionProduceData()
                            .setIndex(0)
                            .setRecords(new ByteBufRecords(Unpooled.wrappedBuffer(batch))))));
    ProduceResponse out = (ProduceResponse) h.send(principal, ApiKey.PRODUCE, 9, r);
    return out.responses().get(0).partitionResponses().get(0).errorCode();
  }

  private static byte[] bytesOf(java.nio.ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static short fetch(AclHarness h, String principal, int replicaId) {
    FetchRequest r =
        new FetchRequest()
            .setReplicaId(replicaId)
            .setMaxWaitMs(0)
            .setMinBytes(1)
            .setMaxBytes(1 << 20)
            .setSessionEpoch(-1);
    r.topics()
        .add(
            new FetchRequest.FetchTopic()
                .setTopic(TOPIC_NAME)
                .setPartitions(
                    List.of(
                        new FetchRequest.FetchPartition()
                            .setPartition(0)
                            .setFetchOffset(0)
                            .setPartitionMaxBytes(1 << 20))));
    FetchResponse out = (FetchResponse) h.send(principal, ApiKey.FETCH, 12, r);
    return out.responses().get(0).partitions().get(0).errorCode();
  }

  private static short offsetForLeaderEpoch(AclHarness h, int replicaId) {
    OffsetForLeaderEpochRequest r = new OffsetForLeaderEpochRequest().setReplicaId(replicaId);
    r.topics()
        .add(
            new OffsetForLeaderEpochRequest.OffsetForLeaderTopic()
                .setTopic(TOPIC_NAME)
                .setPartitions(
                    List.of(
                        new OffsetForLeaderEpochRequest.OffsetForLeaderPartition()
                            .setPartition(0)
                            .setCurrentLeaderEpoch(-1)
                            .setLeaderEpoch(0))));
    OffsetForLeaderEpochResponse out =
        (OffsetForLeaderEpochResponse) h.send(ALICE, ApiKey.OFFSET_FOR_LEADER_EPOCH, 4, r);
    return out.topics().get(0).partitions().get(0).errorCode();
  }

  private static MetadataResponse metadata(
      AclHarness h, String principal, String topic, boolean autoCreate) {
    MetadataRequest r = new MetadataRequest().setAllowAutoTopicCreation(autoCreate);
    r.setTopics(
        new ArrayList<>(List.of(new MetadataRequest.MetadataRequestTopic().setName(topic))));
    return (MetadataResponse) h.send(principal, ApiKey.METADATA, 12, r);
  }

  private static short createTopic(AclHarness h, String topic) {
    CreateTopicsRequest r = new CreateTopicsRequest().setTimeoutMs(5000);
    r.topics()
        .add(
            new CreateTopicsRequest.CreatableTopic()
                .setName(topic)
                .setNumPartitions(1)
                .setReplicationFactor((short) 1));
    CreateTopicsResponse out = (CreateTopicsResponse) h.send(ALICE, ApiKey.CREATE_TOPICS, 7, r);
    return out.topics().get(0).errorCode();
  }

  private static short describeConfigs(AclHarness h, byte type, String name) {
    DescribeConfigsRequest r = new DescribeConfigsRequest();
    r.resources()
        .add(
            new DescribeConfigsRequest.DescribeConfigsResource()
                .setResourceType(type)
                .setResourceName(name)
                .setConfigurationKeys(null));
    DescribeConfigsResponse out =
        (DescribeConfigsResponse) h.send(ALICE, ApiKey.DESCRIBE_CONFIGS, 4, r);
    return out.results().get(0).errorCode();
  }

  private static short alterConfigs(AclHarness h, byte type, String name, boolean withKey) {
    AlterConfigsRequest r = new AlterConfigsRequest();
    r.resources()
        .add(
            new AlterConfigsRequest.AlterConfigsResource()
                .setResourceType(type)
                .setResourceName(name)
                .setConfigs(
                    withKey
                        ? List.of(
                            new AlterConfigsRequest.AlterableConfig()
                                .setName("retention.ms")
                                .setValue("60000"))
                        : List.of()));
    AlterConfigsResponse out = (AlterConfigsResponse) h.send(ALICE, ApiKey.ALTER_CONFIGS, 2, r);
    return out.responses().get(0).errorCode();
  }

  private static short initProducerId(AclHarness h, String transactionalId) {
    InitProducerIdRequest r =
        new InitProducerIdRequest()
            .setTransactionalId(transactionalId)
            .setTransactionTimeoutMs(60000)
            .setProducerId(-1)
            .setProducerEpoch((short) -1);
    return ((InitProducerIdResponse) h.send(ALICE, ApiKey.INIT_PRODUCER_ID, 4, r)).errorCode();
  }

  private static short findCoordinator(AclHarness h, byte keyType, String key) {
    FindCoordinatorRequest r =
        new FindCoordinatorRequest().setKeyType(keyType).setCoordinatorKeys(List.of(key));
    return ((FindCoordinatorResponse) h.send(ALICE, ApiKey.FIND_COORDINATOR, 4, r))
        .coordinators()
        .get(0)
        .errorCode();
  }

  private static OffsetCommitRequest commitRequest(String group) {
    OffsetCommitRequest r =
        new OffsetCommitRequest()
            .setGroupId(group)
            .setGenerationIdOrMemberEpoch(-1)
            .setMemberId("");
    r.topics()
        .add(
            new OffsetCommitRequest.OffsetCommitRequestTopic()
                .setName(TOPIC_NAME)
                .setPartitions(
                    List.of(
                        new OffsetCommitRequest.OffsetCommitRequestPartition()
                            .setPartitionIndex(0)
                            .setCommittedOffset(0)
                            .setCommittedLeaderEpoch(-1))));
    return r;
  }

  private static short offsetCommit(AclHarness h, String principal) {
    OffsetCommitResponse out =
        (OffsetCommitResponse)
            h.send(principal, ApiKey.OFFSET_COMMIT, 9, commitRequest(GROUP_NAME));
    return out.topics().get(0).partitions().get(0).errorCode();
  }

  private static OffsetFetchResponse offsetFetch(AclHarness h) {
    OffsetFetchRequest r = new OffsetFetchRequest().setGroupId(GROUP_NAME);
    r.setTopics(
        new ArrayList<>(
            List.of(
                new OffsetFetchRequest.OffsetFetchRequestTopic()
                    .setName(TOPIC_NAME)
                    .setPartitionIndexes(List.of(0)))));
    return (OffsetFetchResponse) h.send(ALICE, ApiKey.OFFSET_FETCH, 7, r);
  }

  /** Commits an offset as the super user (so the group has one to delete), then deletes it. */
  private static OffsetDeleteResponse offsetDelete(AclHarness h) {
    offsetCommit(h, AclHarness.ADMIN);
    OffsetDeleteRequest r = new OffsetDeleteRequest().setGroupId(GROUP_NAME);
    r.topics()
        .add(
            new OffsetDeleteRequest.OffsetDeleteRequestTopic()
                .setName(TOPIC_NAME)
                .setPartitions(
                    List.of(
                        new OffsetDeleteRequest.OffsetDeleteRequestPartition()
                            .setPartitionIndex(0))));
    return (OffsetDeleteResponse) h.send(ALICE, ApiKey.OFFSET_DELETE, 0, r);
  }
}
