package io.sluice.broker.group;

import java.util.List;

/**
 * A JoinGroup as the coordinator sees it, whatever the wire version.
 *
 * @param memberId {@code ""} for a member that has none yet
 * @param groupInstanceId the static member's {@code group.instance.id}, or null for a dynamic one
 * @param rebalanceTimeoutMs how long a rebalance waits for this member to rejoin (JoinGroup v0 has
 *     none: the handler passes the session timeout, as Kafka does)
 * @param protocols the member's protocols, most preferred first
 * @param requireKnownMemberId JoinGroup v4+: a member without an id first gets {@code
 *     MEMBER_ID_REQUIRED} and an id to rejoin with
 */
public record JoinRequest(
    String groupId,
    String memberId,
    String groupInstanceId,
    String clientId,
    String clientHost,
    int sessionTimeoutMs,
    int rebalanceTimeoutMs,
    String protocolType,
    List<Protocol> protocols,
    boolean requireKnownMemberId) {

  public JoinRequest {
    memberId = memberId == null ? "" : memberId;
    clientId = clientId == null ? "" : clientId;
    clientHost = clientHost == null ? "" : clientHost;
    protocols = List.copyOf(protocols);
  }

  /** One protocol a member supports (for consumers: an assignor) and its opaque metadata. */
  public record Protocol(String name, byte[] metadata) {
    public Protocol {
      metadata = metadata == null ? new byte[0] : metadata;
    }
  }

  /** Total bytes of protocol metadata, bounded by {@link GroupConfig#maxMetadataBytes}. */
  long metadataBytes() {
    long total = 0;
    for (Protocol protocol : protocols) {
      total += protocol.metadata().length;
    }
    return total;
  }
}
