package io.sluice.broker.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.broker.quota.QuotaEntity;
import io.sluice.broker.security.sasl.ScramCredential;
import io.sluice.broker.security.sasl.ScramCredentialStore;
import io.sluice.protocol.sasl.ScramMechanism;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
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
 * The SCRAM credentials of a cluster, in ZooKeeper where Kafka's ZooKeeper-era brokers keep them:
 * {@code /config/users/<user>} (the name sanitized as Kafka does, {@link QuotaEntity#sanitize})
 * holding {@code
 * {"version":1,"config":{"SCRAM-SHA-256":"salt=...,stored_key=...,server_key=...,iterations=..."}}}.
 * Every broker watches {@code /config/users} (a Curator cache), so a user created through one
 * broker authenticates on every other as soon as the change reaches it. A change writes each user's
 * node with a version check and retries from a fresh read when another broker wrote it in between;
 * a user left without credentials loses the node, unless it holds other keys (client quotas, {@link
 * ZkClientQuotaStore}, whose keys this store leaves alone) or has children (a user's per-client
 * quotas under {@code /config/users/<user>/clients}, which the cache here skips).
 *
 * <p>Thread-safety: readers see an immutable snapshot through a volatile field, rebuilt by the
 * cache's thread on every change; changes run on the executor given to {@link #start}.
 */
final class ZkScramCredentialStore implements ScramCredentialStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ZkScramCredentialStore.class);
  static final String USERS = "/config/users";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CuratorFramework client;
  private final Executor io;
  private final CuratorCache cache;
  private volatile Map<String, Map<ScramMechanism, ScramCredential>> users = Map.of();

  private ZkScramCredentialStore(CuratorFramework client, Executor io) {
    this.client = client;
    this.io = io;
    this.cache = CuratorCache.build(client, USERS);
  }

  /** Starts watching {@code /config/users}; waits up to {@code timeoutMs} for the first load. */
  static ZkScramCredentialStore start(CuratorFramework client, Executor io, long timeoutMs)
      throws Exception {
    ZkScramCredentialStore store = new ZkScramCredentialStore(client, io);
    CountDownLatch loaded = new CountDownLatch(1);
    store
        .cache
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
    store.cache.start();
    if (!loaded.await(timeoutMs, TimeUnit.MILLISECONDS)) {
      store.close();
      throw new IllegalStateException("cannot load " + USERS + " from ZooKeeper in time");
    }
    return store;
  }

  private synchronized void reload() {
    Map<String, Map<ScramMechanism, ScramCredential>> next = new TreeMap<>();
    Iterator<ChildData> nodes = cache.stream().iterator();
    while (nodes.hasNext()) {
      ChildData node = nodes.next();
      String path = node.getPath();
      if (!ZkPaths.parent(path).equals(USERS) || node.getData() == null) {
        continue; // the root, and the client-quota nodes below a user (ZkClientQuotaStore)
      }
      String user = URLDecoder.decode(ZkPaths.name(path), StandardCharsets.UTF_8);
      try {
        Map<ScramMechanism, ScramCredential> credentials = parse(node.getData());
        if (!credentials.isEmpty()) {
          next.put(user, Collections.unmodifiableMap(credentials));
        }
      } catch (IOException | IllegalArgumentException e) {
        log.warn("ignoring the SCRAM credentials of user {} in {}: {}", user, path, e.getMessage());
      }
    }
    users = Collections.unmodifiableMap(next);
  }

  /** The credentials among a user node's configs (other configs, such as quotas, are kept). */
  private static Map<ScramMechanism, ScramCredential> parse(byte[] data) throws IOException {
    Map<ScramMechanism, ScramCredential> credentials = new EnumMap<>(ScramMechanism.class);
    JsonNode config = JSON.readTree(data).path("config");
    for (ScramMechanism m : ScramMechanism.values()) {
      JsonNode value = config.get(m.mechanismName());
      if (value != null && value.isTextual()) {
        credentials.put(m, ScramCredential.parse(value.asText()));
      }
    }
    return credentials;
  }

  @Override
  public ScramCredential credential(String user, ScramMechanism mechanism) {
    Map<ScramMechanism, ScramCredential> credentials = users.get(user);
    return credentials == null ? null : credentials.get(mechanism);
  }

  @Override
  public Map<String, Map<ScramMechanism, ScramCredential>> all() {
    return users;
  }

  @Override
  public CompletableFuture<Void> alter(
      Map<String, Map<ScramMechanism, ScramCredential>> upsertions,
      Map<String, Set<ScramMechanism>> deletions) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      io.execute(
          () -> {
            try {
              Set<String> touched = new java.util.TreeSet<>(upsertions.keySet());
              touched.addAll(deletions.keySet());
              for (String user : touched) {
                write(
                    user,
                    upsertions.getOrDefault(user, Map.of()),
                    deletions.getOrDefault(user, Set.of()));
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

  /** Rewrites one user's node: read, change, write with the version read; again on a race. */
  private void write(
      String user, Map<ScramMechanism, ScramCredential> upsert, Set<ScramMechanism> delete)
      throws Exception {
    byte[] bytes =
        ZkEntityConfig.update(
            client,
            USERS + "/" + QuotaEntity.sanitize(user),
            config -> {
              delete.forEach(m -> config.remove(m.mechanismName()));
              upsert.forEach(
                  (m, credential) -> config.put(m.mechanismName(), credential.toKafkaFormat()));
            });
    if (bytes != null) {
      written(user, parse(bytes));
    }
  }

  /**
   * Shows this broker's own change at once (read-your-writes for the client that made it); the
   * cache's event for the same write brings the same content moments later.
   */
  private synchronized void written(String user, Map<ScramMechanism, ScramCredential> credentials) {
    Map<String, Map<ScramMechanism, ScramCredential>> next = new TreeMap<>(users);
    if (credentials.isEmpty()) {
      next.remove(user);
    } else {
      next.put(user, Collections.unmodifiableMap(credentials));
    }
    users = Collections.unmodifiableMap(next);
  }

  @Override
  public void close() {
    cache.close();
  }
}
