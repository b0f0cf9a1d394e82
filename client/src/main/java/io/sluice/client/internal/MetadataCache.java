package io.sluice.client.internal;

import io.sluice.client.SluiceClientException;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the client knows of the cluster: brokers and, per topic, the partition leaders. Refreshed on
 * demand (a topic seen for the first time, a leader error) by a Metadata request to any broker.
 *
 * <p>Thread-safe: topics live in a concurrent map of immutable {@link TopicInfo}s.
 */
public final class MetadataCache {
  private final NodeConnections connections;
  private final Map<String, TopicInfo> topics = new ConcurrentHashMap<>();

  public MetadataCache(NodeConnections connections) {
    this.connections = connections;
  }

  /** The last known state of {@code topic}, or null if it was never fetched. */
  TopicInfo topic(String topic) {
    return topics.get(topic);
  }

  /**
   * Fetches metadata for {@code names} (all topics when null) and updates the cache.
   *
   * @param autoCreate whether the broker may create missing topics (producers ask it to)
   */
  public CompletableFuture<Map<String, TopicInfo>> refresh(
      Collection<String> names, boolean autoCreate) {
    return connections
        .anyConnection()
        .thenCompose(
            connection -> {
              short version = connection.requireVersion(ApiKey.METADATA);
              MetadataRequest request = new MetadataRequest();
              if (names == null) {
                request.setTopics(null);
              } else {
                List<MetadataRequest.MetadataRequestTopic> list = new ArrayList<>();
                for (String name : names) {
                  list.add(new MetadataRequest.MetadataRequestTopic().setName(name));
                }
                request.setTopics(list);
              }
              if (version >= 4) {
                request.setAllowAutoTopicCreation(autoCreate);
              }
              return connection.send(
                  ApiKey.METADATA, version, request, r -> MetadataResponse.read(r, version));
            })
        .thenApply(this::apply);
  }

  private Map<String, TopicInfo> apply(MetadataResponse response) {
    Map<Integer, Node> nodes = new HashMap<>();
    for (MetadataResponse.MetadataResponseBroker b : response.brokers()) {
      nodes.put(b.nodeId(), new Node(b.nodeId(), b.host(), b.port()));
    }
    connections.updateNodes(nodes);
    Map<String, TopicInfo> result = new HashMap<>();
    for (MetadataResponse.MetadataResponseTopic t : response.topics()) {
      if (t.name() == null) {
        continue;
      }
      Errors error = Errors.forCode(t.errorCode());
      int count = 0;
      for (MetadataResponse.MetadataResponsePartition p : t.partitions()) {
        count = Math.max(count, p.partitionIndex() + 1);
      }
      List<Integer> leaders = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        leaders.add(-1);
      }
      for (MetadataResponse.MetadataResponsePartition p : t.partitions()) {
        leaders.set(p.partitionIndex(), p.errorCode() == 0 ? p.leaderId() : -1);
      }
      TopicInfo info = new TopicInfo(t.name(), error, List.copyOf(leaders));
      result.put(t.name(), info);
      if (error == Errors.NONE) {
        topics.put(t.name(), info);
      } else {
        topics.remove(t.name());
      }
    }
    return result;
  }

  /**
   * Waits until {@code topic} exists with leaders for all its partitions, refreshing with {@code
   * backoffMs} pauses, for at most {@code timeoutMs}.
   *
   * @throws SluiceClientException naming the topic, when it does not exist or the time ran out
   */
  TopicInfo await(String topic, boolean autoCreate, long timeoutMs, long backoffMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    TopicInfo known = topics.get(topic);
    if (known != null && !known.leaders().contains(-1)) {
      return known;
    }
    Errors lastError = Errors.LEADER_NOT_AVAILABLE;
    RuntimeException lastFailure = null;
    while (true) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      try {
        TopicInfo info =
            Await.get(refresh(List.of(topic), autoCreate), Math.max(1, left)).get(topic);
        if (info != null && info.error() == Errors.NONE && !info.leaders().contains(-1)) {
          return info;
        }
        lastError = info == null ? Errors.UNKNOWN_TOPIC_OR_PARTITION : info.error();
        if (info != null && !lastError.retriable() && lastError != Errors.NONE) {
          throw new SluiceClientException(
              lastError, null, "topic '" + topic + "': " + lastError, false, null);
        }
        if (!autoCreate && lastError == Errors.UNKNOWN_TOPIC_OR_PARTITION) {
          throw new SluiceClientException(
              lastError, null, "topic '" + topic + "' does not exist", false, null);
        }
      } catch (SluiceClientException e) {
        if (!e.retriable()) {
          throw e;
        }
        // A wait cut short by the deadline says less than the failure before it (a refused
        // connection names the address), so it does not replace it.
        if (lastFailure == null || e.error() != Errors.REQUEST_TIMED_OUT) {
          lastFailure = e;
        }
      }
      if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) >= deadline) {
        if (lastFailure != null) {
          throw lastFailure;
        }
        throw new SluiceClientException(
            lastError,
            null,
            "topic '" + topic + "' not available after " + timeoutMs + " ms: " + lastError,
            true,
            null);
      }
      Await.sleep(backoffMs);
    }
  }
}
