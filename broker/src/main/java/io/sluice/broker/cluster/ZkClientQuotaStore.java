package io.sluice.broker.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.broker.quota.ClientQuotaStore;
import io.sluice.broker.quota.QuotaConfigs;
import io.sluice.broker.quota.QuotaEntity;
import io.sluice.broker.quota.QuotaType;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client quotas of a cluster, in ZooKeeper where Kafka's ZooKeeper-era brokers keep them:
 * {@code /config/users/<user>}, {@code /config/users/<user>/clients/<client-id>} and {@code
 * /config/clients/<client-id>}, names sanitized as Kafka does ({@link QuotaEntity#sanitize}) and
 * {@code <default>} for a default, each holding {@code {"version":1,"config":{"producer_byte_rate":
 * "1048576"}}}. A user's node is shared with its SCRAM credentials ({@link
 * ZkScramCredentialStore}): both stores change only their own keys of the {@code config} map, with
 * a version check and a fresh read on a race, and each ignores the other's keys. Every broker
 * watches both trees (Curator caches), so a quota set through one broker applies on every other as
 * soon as the change reaches it.
 *
 * <p>Thread-safety: readers see an immutable snapshot through a volatile field, rebuilt by the
 * caches' thread on every change; changes run on the executor given to {@link #start}.
 */
final class ZkClientQuotaStore implements ClientQuotaStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ZkClientQuotaStore.class);
  static final String USERS = ZkScramCredentialStore.USERS;
  static final String CLIENTS = "/config/clients";
  private static final String CLIENTS_CHILD = "clients";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CuratorFramework client;
  private final Executor io;
  private final CuratorCache users;
  private final CuratorCache clients;
  private volatile QuotaConfigs quotas = QuotaConfigs.EMPTY;

  private ZkClientQuotaStore(CuratorFramework client, Executor io) {
    this.client = client;
    this.io = io;
    this.users = CuratorCache.build(client, USERS);
    this.clients = CuratorCache.build(client, CLIENTS);
  }

  /** Starts watching both trees; waits up to {@code timeoutMs} for their first load. */
  static ZkClientQuotaStore start(CuratorFramework client, Executor io, long timeoutMs)
      throws Exception {
    ZkClientQuotaStore store = new ZkClientQuotaStore(client, io);
    CountDownLatch loaded = new CountDownLatch(2);
    for (CuratorCache cache : new CuratorCache[] {store.users, store.clients}) {
      cache
          .listenable()
          .addListener(
              CuratorCacheListener.builder()
                  .forAll((type, before, after) -> store.reload())
                  .forInitialized(
                      () -> {
                        store.reload();
                        loaded.countDown();
                      })
                  .build());
      cache.start();
    }
    if (!loaded.await(timeoutMs, TimeUnit.MILLISECONDS)) {
      store.close();
      throw new IllegalStateException("cannot load the client quotas from ZooKeeper in time");
    }
    return store;
  }

  private synchronized void reload() {
    Map<QuotaEntity, Map<String, Double>> next = new HashMap<>();
    Iterator<ChildData> nodes = users.stream().iterator();
    while (nodes.hasNext()) {
      ChildData node = nodes.next();
      QuotaEntity entity = userEntity(node.getPath());
      if (entity != null) {
        read(node, entity, next);
      }
    }
    nodes = clients.stream().iterator();
    while (nodes.hasNext()) {
      ChildData node = nodes.next();
      String path = node.getPath();
      if (ZkPaths.parent(path).equals(CLIENTS)) {
        read(node, new QuotaEntity(null, ZkPaths.name(path)), next);
      }
    }
    quotas = QuotaConfigs.of(next);
  }

  /**
   * The entity of a node under {@code /config/users}: {@code <user>} or {@code
   * <user>/clients/<client-id>}; null for the tree's root, the {@code clients} parents and anything
   * else.
   */
  static QuotaEntity userEntity(String path) {
    if (!path.startsWith(USERS + "/")) {
      return null;
    }
    String[] parts = path.substring(USERS.length() + 1).split("/", -1);
    for (String part : parts) {
      if (part.isEmpty()) {
        return null;
      }
    }
    if (parts.length == 1) {
      return new QuotaEntity(parts[0], null);
    }
    if (parts.length == 3 && parts[1].equals(CLIENTS_CHILD)) {
      return new QuotaEntity(parts[0], parts[2]);
    }
    return null;
  }

  private static void read(
      ChildData node, QuotaEntity entity, Map<QuotaEntity, Map<String, Double>> into) {
    byte[] data = node.getData();
    if (data == null || data.length == 0) {
      return;
    }
    try {
      Map<String, Double> values = quotas(data);
      if (!values.isEmpty()) {
        into.put(entity, values);
      }
    } catch (IOException | IllegalArgumentException e) {
      log.warn("ignoring the client quotas of {} in {}: {}", entity, node.getPath(), e.toString());
    }
  }

  /** The quota keys of a config node (other keys, such as SCRAM credentials, are not ours). */
  private static Map<String, Double> quotas(byte[] data) throws IOException {
    Map<String, Double> values = new TreeMap<>();
    JsonNode config = JSON.readTree(data).path("config");
    for (QuotaType type : QuotaType.values()) {
      JsonNode value = config.get(type.key());
      if (value != null) {
        values.put(
            type.key(), value.isNumber() ? value.asDouble() : Double.parseDouble(value.asText()));
      }
    }
    return values;
  }

  static String path(QuotaEntity entity) {
    if (entity.user() == null) {
      return CLIENTS + "/" + entity.clientId();
    }
    String user = USERS + "/" + entity.user();
    return entity.clientId() == null ? user : user + "/" + CLIENTS_CHILD + "/" + entity.clientId();
  }

  @Override
  public QuotaConfigs current() {
    return quotas;
  }

  @Override
  public CompletableFuture<Void> alter(Map<QuotaEntity, Map<String, Double>> changes) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      io.execute(
          () -> {
            try {
              for (Map.Entry<QuotaEntity, Map<String, Double>> change : changes.entrySet()) {
                write(change.getKey(), change.getValue());
              }
              done.complete(null);
            } catch (Exception e) {
              done.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  /**
   * Rewrites one entity's node: read, change our keys, write with the version read; again on a
   * race.
   */
  private void write(QuotaEntity entity, Map<String, Double> values) throws Exception {
    byte[] bytes =
        ZkEntityConfig.update(
            client,
            path(entity),
            config ->
                values.forEach(
                    (key, value) -> {
                      if (value == null) {
                        config.remove(key);
                      } else {
                        config.put(key, QuotaConfigs.format(value));
                      }
                    }));
    if (bytes != null) {
      written(entity, values);
    }
  }

  /**
   * Shows this broker's own change at once (read-your-writes for the client that made it); the
   * caches' event for the same write brings the same content moments later.
   */
  private synchronized void written(QuotaEntity entity, Map<String, Double> values) {
    quotas = quotas.with(Map.of(entity, values));
  }

  @Override
  public void close() {
    users.close();
    clients.close();
  }
}
