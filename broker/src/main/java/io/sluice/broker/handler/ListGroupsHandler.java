package io.sluice.broker.handler;

import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.group.GroupOverview;
import io.sluice.broker.group.GroupState;
import io.sluice.broker.group.OffsetStore;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ListGroupsRequest;
import io.sluice.protocol.message.ListGroupsResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * ListGroups: every group, filtered by state (v4+) and type (v5+; all groups here are {@code
 * classic}), both case-insensitively as Kafka does. Groups that only have committed offsets (never
 * joined) are listed as Empty with no protocol type, as Kafka lists them.
 */
final class ListGroupsHandler extends VersionedHandler {
  static final String GROUP_TYPE = "classic";

  private final GroupCoordinator coordinator;
  private final OffsetStore offsets;
  private final Authorization authorization;

  ListGroupsHandler(
      GroupCoordinator coordinator, OffsetStore offsets, Authorization authorization) {
    super(ApiKey.LIST_GROUPS, 0, 5);
    this.coordinator = coordinator;
    this.offsets = offsets;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    ListGroupsRequest req = ListGroupsRequest.read(request.reader(), version);
    ListGroupsResponse response = new ListGroupsResponse();
    List<GroupOverview> groups = new ArrayList<>(coordinator.listGroups());
    Set<String> known = new HashSet<>();
    groups.forEach(group -> known.add(group.groupId()));
    for (String groupId : offsets.groupIds()) {
      if (!known.contains(groupId)) {
        groups.add(new GroupOverview(groupId, "", GroupState.EMPTY));
      }
    }
    // DESCRIBE on the cluster lists every group; else only the groups the client may describe.
    boolean everyGroup = authorization.cluster(request, AclOperation.DESCRIBE);
    for (GroupOverview group : groups) {
      if (matches(req, group)
          && (everyGroup || authorization.group(request, AclOperation.DESCRIBE, group.groupId()))) {
        response
            .groups()
            .add(
                new ListGroupsResponse.ListedGroup()
                    .setGroupId(group.groupId())
                    .setProtocolType(group.protocolType())
                    .setGroupState(group.state().displayName())
                    .setGroupType(GROUP_TYPE));
      }
    }
    responder.respond(response, version);
  }

  private static boolean matches(ListGroupsRequest req, GroupOverview group) {
    if (!req.statesFilter().isEmpty()
        && req.statesFilter().stream()
            .noneMatch(state -> state.equalsIgnoreCase(group.state().displayName()))) {
      return false;
    }
    return req.typesFilter().isEmpty()
        || req.typesFilter().stream()
            .anyMatch(type -> type.toLowerCase(Locale.ROOT).equals(GROUP_TYPE));
  }
}
