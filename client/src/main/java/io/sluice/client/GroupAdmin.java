package io.sluice.client;

import io.sluice.client.internal.Await;
import io.sluice.client.internal.GroupAdminRequests;
import io.sluice.client.internal.MetadataCache;
import io.sluice.client.internal.NodeConnections;
import io.sluice.client.internal.OffsetLookup;
import io.sluice.client.internal.group.ConsumerProtocol;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.ListGroupsResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Consumer-group administration: list groups, describe one (members and their partitions), read its
 * committed offsets, and set them while the group has no members. Every call blocks until the
 * broker answered or {@code timeout} passed, and fails with a {@link SluiceClientException} naming
 * the group.
 *
 * <p>Thread-safe.
 */
public final class GroupAdmin implements AutoCloseable {
  private static final long BACKOFF_MS = 100;

  private final NodeConnections connections;
  private final GroupAdminRequests requests;
  private final OffsetLookup offsets;
  private final long timeoutMs;

  /** A group as ListGroups names it; {@code state} is empty from brokers older than v4. */
  public record GroupListing(String groupId, String protocolType, String state) {}

  /**
   * A member of a group.
   *
   * @param assignment its partitions, decoded when the group's protocol type is {@code consumer}
   */
  public record MemberDescription(
      String memberId,
      String groupInstanceId,
      String clientId,
      String host,
      List<TopicPartition> assignment) {}

  /** A group as DescribeGroups describes it; {@code state} is Kafka's (Empty, Stable, ...). */
  public record GroupDescription(
      String groupId,
      String state,
      String protocolType,
      String protocol,
      List<MemberDescription> members) {}

  public GroupAdmin(String bootstrapServers, Duration timeout) {
    this(bootstrapServers, timeout, SecurityConfig.PLAINTEXT);
  }

  /** With TLS settings ({@link SecurityConfig#from} reads Kafka's client keys). */
  public GroupAdmin(String bootstrapServers, Duration timeout, SecurityConfig security) {
    this.timeoutMs = timeout.toMillis();
    this.connections =
        new NodeConnections(
            bootstrapServers, "sluice-admin", timeoutMs, 16 << 20, "sluice-admin", security);
    this.requests = new GroupAdminRequests(connections);
    this.offsets = new OffsetLookup(connections, new MetadataCache(connections));
  }

  public List<GroupListing> listGroups() {
    List<GroupListing> result = new ArrayList<>();
    for (ListGroupsResponse.ListedGroup g : Await.get(requests.listGroups(), timeoutMs)) {
      result.add(
          new GroupListing(
              g.groupId(), g.protocolType(), g.groupState() == null ? "" : g.groupState()));
    }
    result.sort(java.util.Comparator.comparing(GroupListing::groupId));
    return result;
  }

  /** Describes a group; one that does not exist is described as Dead with no members. */
  public GroupDescription describeGroup(String groupId) {
    DescribeGroupsResponse.DescribedGroup g = Await.get(requests.describeGroup(groupId), timeoutMs);
    List<MemberDescription> members = new ArrayList<>();
    for (DescribeGroupsResponse.DescribedGroupMember m : g.members()) {
      members.add(
          new MemberDescription(
              m.memberId(),
              m.groupInstanceId(),
              m.clientId(),
              m.clientHost(),
              assignment(g.protocolType(), m.memberAssignment())));
    }
    return new GroupDescription(
        g.groupId(), g.groupState(), g.protocolType(), g.protocolData(), members);
  }

  private static List<TopicPartition> assignment(String protocolType, byte[] bytes) {
    if (!ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType)) {
      return List.of();
    }
    try {
      return ConsumerProtocol.assignedPartitions(bytes);
    } catch (RuntimeException e) {
      return List.of(); // a member of another client's making: shown without partitions
    }
  }

  /** Every committed offset of the group, ordered by topic and partition. */
  public Map<TopicPartition, Long> committedOffsets(String groupId) {
    return Await.get(requests.committed(groupId), timeoutMs);
  }

  /** The offsets of the next records to be written (the log ends). */
  public Map<TopicPartition, Long> logEndOffsets(Collection<TopicPartition> partitions) {
    return offsets.offsets(partitions, OffsetLookup.LATEST, timeoutMs, BACKOFF_MS);
  }

  /** The log start offsets. */
  public Map<TopicPartition, Long> logStartOffsets(Collection<TopicPartition> partitions) {
    return offsets.offsets(partitions, OffsetLookup.EARLIEST, timeoutMs, BACKOFF_MS);
  }

  /**
   * The offset of the first record with a timestamp at or after {@code timestampMs}, per partition;
   * the log end where there is none.
   */
  public Map<TopicPartition, Long> offsetsForTime(
      Collection<TopicPartition> partitions, long timestampMs) {
    if (timestampMs < 0) {
      throw new IllegalArgumentException("timestamp=" + timestampMs + " must be >= 0");
    }
    Map<TopicPartition, Long> found =
        offsets.offsets(partitions, timestampMs, timeoutMs, BACKOFF_MS);
    List<TopicPartition> none = new ArrayList<>();
    found.forEach(
        (tp, offset) -> {
          if (offset < 0) {
            none.add(tp);
          }
        });
    if (!none.isEmpty()) {
      found.putAll(logEndOffsets(none));
    }
    return found;
  }

  /**
   * Sets the group's committed offsets. The coordinator refuses ({@code UNKNOWN_MEMBER_ID}) while
   * the group has members.
   */
  public void commitOffsets(String groupId, Map<TopicPartition, Long> offsets) {
    Await.get(requests.commit(groupId, offsets), timeoutMs);
  }

  /**
   * Deletes an empty group: its state and committed offsets.
   *
   * @throws SluiceClientException with {@code NON_EMPTY_GROUP} while it has members, {@code
   *     GROUP_ID_NOT_FOUND} if it does not exist
   */
  public void deleteGroup(String groupId) {
    Await.get(requests.deleteGroup(groupId), timeoutMs);
  }

  /**
   * Deletes the group's committed offsets of these partitions.
   *
   * @throws SluiceClientException with {@code GROUP_SUBSCRIBED_TO_TOPIC} if a member subscribes to
   *     one of their topics, {@code GROUP_ID_NOT_FOUND} if the group does not exist
   */
  public void deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
    Await.get(requests.deleteOffsets(groupId, partitions), timeoutMs);
  }

  @Override
  public void close() {
    connections.close();
  }
}
