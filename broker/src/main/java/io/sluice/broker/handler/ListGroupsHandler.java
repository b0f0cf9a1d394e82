package io.sluice.broker.handler;

import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.group.GroupOverview;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ListGroupsRequest;
import io.sluice.protocol.message.ListGroupsResponse;
import java.util.Locale;

/**
 * ListGroups: every group, filtered by state (v4+) and type (v5+; all groups here are {@code
 * classic}), both case-insensitively as Kafka does.
 */
final class ListGroupsHandler extends VersionedHandler {
  static final String GROUP_TYPE = "classic";

  private final GroupCoordinator coordinator;

  ListGroupsHandler(GroupCoordinator coordinator) {
    super(ApiKey.LIST_GROUPS, 0, 5);
    this.coordinator = coordinator;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    ListGroupsRequest req = ListGroupsRequest.read(request.reader(), version);
    ListGroupsResponse response = new ListGroupsResponse();
    for (GroupOverview group : coordinator.listGroups()) {
      if (matches(req, group)) {
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
