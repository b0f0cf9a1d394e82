package io.sluice.broker.handler;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.storage.LogManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The handler for each API key this broker serves. Immutable once built; shared by connections.
 * Owns the {@code sluice-topic-admin} thread that creates and deletes topics off the event loops;
 * {@link #close} stops it once the server no longer dispatches requests.
 */
public final class HandlerRegistry implements AutoCloseable {
  private final ApiHandler[] byKey;
  private final ExecutorService topicAdmin;
  private final FetchWaiters fetchWaiters;

  public HandlerRegistry(List<ApiHandler> handlers) {
    this(handlers, null, new FetchWaiters());
  }

  private HandlerRegistry(
      List<ApiHandler> handlers, ExecutorService topicAdmin, FetchWaiters fetchWaiters) {
    this.topicAdmin = topicAdmin;
    this.fetchWaiters = fetchWaiters;
    int max = 0;
    for (ApiHandler handler : handlers) {
      max = Math.max(max, handler.apiKey().id());
    }
    byKey = new ApiHandler[max + 1];
    for (ApiHandler handler : handlers) {
      if (byKey[handler.apiKey().id()] != null) {
        throw new IllegalArgumentException("two handlers for " + handler.apiKey());
      }
      byKey[handler.apiKey().id()] = handler;
    }
  }

  /**
   * Every handler of a broker: the data path (Produce, Fetch, ListOffsets, InitProducerId), topic
   * administration (Metadata, CreateTopics, DeleteTopics), committed offsets (FindCoordinator,
   * OffsetCommit, OffsetFetch), consumer groups (JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
   * ListGroups, DescribeGroups), and ApiVersions advertising exactly these.
   *
   * @param stateDir where broker state outside the logs lives (the producer-id block)
   */
  public static HandlerRegistry forBroker(
      BrokerConfig config,
      LogManager logs,
      BrokerNode node,
      CommittedOffsets offsets,
      GroupCoordinator groups,
      Path stateDir) {
    ExecutorService topicAdmin =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-topic-admin");
              t.setDaemon(true);
              return t;
            });
    Topics topics = new Topics(logs, topicAdmin);
    FetchWaiters fetchWaiters = new FetchWaiters();
    List<ApiHandler> handlers =
        new ArrayList<>(
            List.of(
                new ProduceHandler(topics),
                new FetchHandler(topics, config, fetchWaiters),
                new ListOffsetsHandler(topics),
                new MetadataHandler(config, node, topics),
                new OffsetCommitHandler(offsets, groups),
                new OffsetFetchHandler(offsets),
                new FindCoordinatorHandler(node),
                new CreateTopicsHandler(config, topics),
                new DeleteTopicsHandler(topics),
                new InitProducerIdHandler(new ProducerIds(stateDir)),
                new JoinGroupHandler(groups),
                new SyncGroupHandler(groups),
                new HeartbeatHandler(groups),
                new LeaveGroupHandler(groups),
                new ListGroupsHandler(groups, offsets),
                new DescribeGroupsHandler(groups, offsets)));
    handlers.add(new ApiVersionsHandler(handlers));
    return new HandlerRegistry(handlers, topicAdmin, fetchWaiters);
  }

  /** Fetch requests parked waiting for data (metrics). */
  public int parkedFetches() {
    return fetchWaiters.parkedFetches();
  }

  /** The handler for an API key id, or null if this broker does not serve it. */
  public ApiHandler forKey(int id) {
    return id >= 0 && id < byKey.length ? byKey[id] : null;
  }

  /** Lets a topic creation or deletion in progress finish, then stops the admin thread. */
  @Override
  public void close() {
    if (topicAdmin == null) {
      return;
    }
    topicAdmin.shutdown();
    try {
      topicAdmin.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
