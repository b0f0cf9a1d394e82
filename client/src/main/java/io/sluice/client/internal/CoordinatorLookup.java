package io.sluice.client.internal;

import io.sluice.client.SluiceClientException;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.message.FindCoordinatorRequest;
import io.sluice.protocol.message.FindCoordinatorResponse;
import io.sluice.protocol.wire.WireReader;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Sends requests to one group's coordinator, found with FindCoordinator (v4+ batches keys, earlier
 * versions take one) and cached until {@link #reset}.
 *
 * <p>Thread-safe: the coordinator id is a volatile cache; two threads that both miss it both look
 * it up, which is harmless.
 */
final class CoordinatorLookup {
  private final NodeConnections connections;
  private final String groupId;
  private volatile int coordinator = Integer.MIN_VALUE;

  CoordinatorLookup(NodeConnections connections, String groupId) {
    this.connections = connections;
    this.groupId = groupId;
  }

  /** Sends {@code request} at the version agreed with the coordinator. */
  <R> CompletableFuture<R> send(
      ApiKey api, ApiMessage request, BiFunction<WireReader, Short, R> parser) {
    return connection().thenCompose(c -> c.send(api, request, parser));
  }

  /** Forgets the coordinator (after NOT_COORDINATOR or a broken connection). */
  void reset() {
    coordinator = Integer.MIN_VALUE;
  }

  private CompletableFuture<BrokerConnection> connection() {
    int known = coordinator;
    if (known != Integer.MIN_VALUE) {
      return connections.connection(known);
    }
    return connections
        .anyConnection()
        .thenCompose(
            c -> {
              short v = c.requireVersion(ApiKey.FIND_COORDINATOR);
              FindCoordinatorRequest request = new FindCoordinatorRequest().setKeyType((byte) 0);
              if (v >= 4) {
                request.setCoordinatorKeys(List.of(groupId));
              } else {
                request.setKey(groupId);
              }
              return c.send(
                      ApiKey.FIND_COORDINATOR, v, request, r -> FindCoordinatorResponse.read(r, v))
                  .thenApply(response -> toNode(response, v));
            })
        .thenCompose(
            node -> {
              connections.addNode(node);
              coordinator = node.id();
              return connections.connection(node.id());
            });
  }

  private Node toNode(FindCoordinatorResponse response, short version) {
    Errors error;
    Node node;
    if (version >= 4) {
      FindCoordinatorResponse.Coordinator c = response.coordinators().get(0);
      error = Errors.forCode(c.errorCode());
      node = new Node(c.nodeId(), c.host(), c.port());
    } else {
      error = Errors.forCode(response.errorCode());
      node = new Node(response.nodeId(), response.host(), response.port());
    }
    if (error != Errors.NONE) {
      throw new SluiceClientException(
          error, null, "no coordinator for group '" + groupId + "': " + error);
    }
    return node;
  }
}
