package io.sluice.broker.cluster;

import io.sluice.broker.security.acl.AccessControlEntry;
import io.sluice.broker.security.acl.AclJson;
import io.sluice.broker.security.acl.AclState;
import io.sluice.broker.security.acl.AclStore;
import io.sluice.broker.security.acl.PatternType;
import io.sluice.broker.security.acl.ResourcePattern;
import io.sluice.broker.security.acl.ResourceType;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's ACLs in ZooKeeper, Kafka's layout: one znode per resource pattern, {@code
 * /kafka-acl/<Type>/<name>} for LITERAL patterns and {@code
 * /kafka-acl-extended/prefixed/<Type>/<name>} for PREFIXED ones, each holding {@code
 * {"version":1,"acls":[...]}} ({@link AclJson}).
 *
 * <p>Every broker watches both trees (Curator {@code CuratorCache}) and hands the whole new state
 * to its authorizer on every change, so an ACL written through one broker is enforced by all of
 * them once their watches fire; Kafka's change-notification znodes ({@code /kafka-acl-changes}) are
 * neither written nor read. A change is a conditional write on the znode's version (create when
 * absent, delete when emptied); on a conflict the znode is read again and the change applied to
 * what is there, so concurrent changes through several brokers all survive.
 *
 * <p>Thread-safe: states are built under the store's lock with increasing generations, so the
 * authorizer can drop a state that arrives after a newer one.
 */
final class ZkAclStore implements AclStore {
  private static final Logger log = LoggerFactory.getLogger(ZkAclStore.class);
  static final String LITERAL_ROOT = "/kafka-acl";
  static final String PREFIXED_ROOT = "/kafka-acl-extended/prefixed";
  private static final int ATTEMPTS = 20;

  private final CuratorFramework client;
  private final List<CuratorCache> caches;
  private final CountDownLatch initialized = new CountDownLatch(2);
  private final List<Consumer<AclState>> listeners = new CopyOnWriteArrayList<>();
  private long generation; // guarded by this

  ZkAclStore(CuratorFramework client, long timeoutMs) {
    this.client = client;
    this.caches =
        List.of(
            CuratorCache.build(client, LITERAL_ROOT), CuratorCache.build(client, PREFIXED_ROOT));
    for (CuratorCache cache : caches) {
      cache
          .listenable()
          .addListener(
              new CuratorCacheListener() {
                @Override
                public void event(Type type, ChildData oldData, ChildData data) {
                  if (initialized.getCount() == 0) {
                    changed();
                  }
                }

                @Override
                public void initialized() {
                  ZkAclStore.this.initialized.countDown();
                }
              });
      cache.start();
    }
    try {
      if (!initialized.await(timeoutMs, TimeUnit.MILLISECONDS)) {
        close();
        throw new IllegalStateException(
            "the ACLs were not read from ZooKeeper in " + timeoutMs + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while reading the ACLs", e);
    }
  }

  static String path(ResourcePattern pattern) {
    String root = pattern.patternType() == PatternType.PREFIXED ? PREFIXED_ROOT : LITERAL_ROOT;
    return root + "/" + pattern.type().zkName() + "/" + pattern.name();
  }

  private void changed() {
    AclState state = load();
    for (Consumer<AclState> listener : listeners) {
      listener.accept(state);
    }
  }

  /** The cached state; a znode that cannot be read is skipped and logged. */
  @Override
  public synchronized AclState load() {
    return new AclState(++generation, cached(Map.of()));
  }

  private Map<ResourcePattern, Set<AccessControlEntry>> cached(
      Map<ResourcePattern, Set<AccessControlEntry>> overlay) {
    Map<ResourcePattern, Set<AccessControlEntry>> acls = new HashMap<>();
    read(caches.get(0), LITERAL_ROOT, PatternType.LITERAL, acls);
    read(caches.get(1), PREFIXED_ROOT, PatternType.PREFIXED, acls);
    overlay.forEach(
        (pattern, entries) -> {
          if (entries.isEmpty()) {
            acls.remove(pattern);
          } else {
            acls.put(pattern, entries);
          }
        });
    return acls;
  }

  private static void read(
      CuratorCache cache,
      String root,
      PatternType patternType,
      Map<ResourcePattern, Set<AccessControlEntry>> into) {
    cache.stream()
        .forEach(
            data -> {
              String rest =
                  data.getPath().length() > root.length()
                      ? data.getPath().substring(root.length() + 1)
                      : "";
              int slash = rest.indexOf('/');
              if (slash <= 0 || slash == rest.length() - 1) {
                return; // the root or a type node
              }
              ResourceType type = ResourceType.forName(rest.substring(0, slash));
              if (!type.supported()) {
                return;
              }
              try {
                Set<AccessControlEntry> entries = AclJson.entries(data.getData(), data.getPath());
                if (!entries.isEmpty()) {
                  into.put(
                      new ResourcePattern(type, rest.substring(slash + 1), patternType), entries);
                }
              } catch (IllegalStateException e) {
                log.warn("ignoring unreadable ACL znode: {}", e.getMessage());
              }
            });
  }

  @Override
  public AclState update(Map<ResourcePattern, UnaryOperator<Set<AccessControlEntry>>> changes) {
    Map<ResourcePattern, Set<AccessControlEntry>> written = new HashMap<>();
    changes.forEach((pattern, change) -> written.put(pattern, update(pattern, change)));
    synchronized (this) {
      return new AclState(++generation, cached(written));
    }
  }

  /** One resource's conditional read-modify-write; the entries it has afterwards. */
  private Set<AccessControlEntry> update(
      ResourcePattern pattern, UnaryOperator<Set<AccessControlEntry>> change) {
    String path = path(pattern);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        Stat stat = new Stat();
        Set<AccessControlEntry> current;
        int version;
        try {
          current = AclJson.entries(client.getData().storingStatIn(stat).forPath(path), path);
          version = stat.getVersion();
        } catch (KeeperException.NoNodeException e) {
          current = Set.of();
          version = -1;
        }
        Set<AccessControlEntry> next = new LinkedHashSet<>(change.apply(current));
        if (next.equals(current)) {
          return next;
        }
        if (next.isEmpty()) {
          client.delete().withVersion(version).forPath(path);
        } else if (version < 0) {
          client.create().creatingParentsIfNeeded().forPath(path, AclJson.entries(next));
        } else {
          client.setData().withVersion(version).forPath(path, AclJson.entries(next));
        }
        return next;
      } catch (KeeperException.BadVersionException
          | KeeperException.NodeExistsException
          | KeeperException.NoNodeException e) {
        log.debug("{} changed under an ACL update; reading it again", path);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while writing " + path, e);
      } catch (Exception e) {
        throw new IllegalStateException("cannot write " + path + " in ZooKeeper: " + e, e);
      }
    }
    throw new IllegalStateException(path + ": gave up after " + ATTEMPTS + " conflicting writes");
  }

  @Override
  public void watch(Consumer<AclState> listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    caches.forEach(CuratorCache::close);
  }
}
