package io.sluice.broker.handler;

import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.group.OffsetStore;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DeleteGroupsRequest;
import io.sluice.protocol.message.DeleteGroupsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Deletes consumer groups as Kafka does: a group with members is refused ({@code NON_EMPTY_GROUP}),
 * an unknown one gets {@code GROUP_ID_NOT_FOUND}, an empty one loses its state and its committed
 * offsets. Answered once both deletions are durable.
 */
final class DeleteGroupsHandler extends VersionedHandler {
  private final GroupCoordinator groups;
  private final OffsetStore offsets;
  private final GroupOwnership owned;

  DeleteGroupsHandler(GroupCoordinator groups, OffsetStore offsets, GroupOwnership owned) {
    super(ApiKey.DELETE_GROUPS, 0, 3);
    this.groups = groups;
    this.offsets = offsets;
    this.owned = owned;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    DeleteGroupsRequest req = DeleteGroupsRequest.read(request.reader(), version);
    List<String> names = List.copyOf(req.groupsNames());
    List<CompletableFuture<Errors>> results = new ArrayList<>();
    for (String group : names) {
      results.add(
          owned.authorized(request, group, AclOperation.DELETE)
              ? delete(group)
              : CompletableFuture.completedFuture(Errors.GROUP_AUTHORIZATION_FAILED));
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture<?>[]::new))
        .whenComplete(
            (ignored, failure) -> {
              DeleteGroupsResponse response = new DeleteGroupsResponse();
              for (int i = 0; i < names.size(); i++) {
                Errors error =
                    results
                        .get(i)
                        .handle(
                            (e, f) ->
                                f == null
                                    ? e
                                    : GroupOwnership.errorOf(f, Errors.UNKNOWN_SERVER_ERROR))
                        .join();
                response
                    .results()
                    .add(
                        new DeleteGroupsResponse.DeletableGroupResult()
                            .setGroupId(names.get(i))
                            .setErrorCode(error.code()));
              }
              responder.respond(response, version);
            });
  }

  private CompletableFuture<Errors> delete(String group) {
    if (group == null || group.isEmpty()) {
      return CompletableFuture.completedFuture(Errors.INVALID_GROUP_ID);
    }
    Errors notOwned = owned.check(group);
    if (notOwned != Errors.NONE) {
      return CompletableFuture.completedFuture(notOwned);
    }
    boolean hasOffsets = !offsets.committed(group).isEmpty();
    return groups
        .deleteGroup(group, hasOffsets)
        .thenCompose(
            error ->
                error != Errors.NONE
                    ? CompletableFuture.completedFuture(error)
                    : offsets.deleteGroup(group).thenApply(had -> Errors.NONE));
  }
}
