package io.sluice.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.broker.security.acl.AccessControlEntry;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.security.acl.AclPermissionType;
import io.sluice.broker.security.acl.AclState;
import io.sluice.broker.security.acl.PatternType;
import io.sluice.broker.security.acl.ResourcePattern;
import io.sluice.broker.security.acl.ResourceType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ACLs in ZooKeeper: Kafka's znode paths and JSON, another store's watch sees a change, and
 * concurrent changes of one resource through two stores all survive (conditional writes).
 */
class ZkAclStoreTest {
  private static final long WAIT_MS = 20_000;
  private static final ResourcePattern ORDERS =
      new ResourcePattern(ResourceType.TOPIC, "orders", PatternType.LITERAL);
  private static final ResourcePattern SALES =
      new ResourcePattern(ResourceType.GROUP, "sales-", PatternType.PREFIXED);

  private TestingServer zk;
  private final List<CuratorFramework> clients = new ArrayList<>();
  private final List<ZkAclStore> stores = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    zk = ZooKeeperServers.standalone();
  }

  @AfterEach
  void stop() throws Exception {
    stores.forEach(ZkAclStore::close);
    clients.forEach(CuratorFramework::close);
    zk.close();
  }

  private CuratorFramework client() {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(zk.getConnectString())
            .namespace("sluice")
            .retryPolicy(new RetryOneTime(100))
            .build();
    client.start();
    clients.add(client);
    return client;
  }

  private ZkAclStore store(CuratorFramework client) {
    ZkAclStore store = new ZkAclStore(client, WAIT_MS);
    stores.add(store);
    return store;
  }

  private static AccessControlEntry allow(String principal, AclOperation op) {
    return new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW);
  }

  @Test
  void update_kafkasPathsAndJson_seenByAnotherStoresWatch() throws Exception {
    CuratorFramework raw = client();
    ZkAclStore one = store(raw);
    ZkAclStore two = store(client());
    AtomicReference<AclState> seen = new AtomicReference<>();
    two.watch(seen::set);

    AccessControlEntry aliceReads = allow("User:alice", AclOperation.READ);
    AclState after =
        one.update(Map.of(ORDERS, s -> Set.of(aliceReads), SALES, s -> Set.of(aliceReads)));
    assertEquals(Set.of(aliceReads), after.acls().get(ORDERS));
    assertEquals(
        "{\"version\":1,\"acls\":[{\"principal\":\"User:alice\",\"permissionType\":\"Allow\","
            + "\"operation\":\"Read\",\"host\":\"*\"}]}",
        new String(raw.getData().forPath("/kafka-acl/Topic/orders"), StandardCharsets.UTF_8));
    raw.checkExists().forPath("/kafka-acl-extended/prefixed/Group/sales-");
    waitFor("the other store's watch", () -> seen.get() != null && seen.get().acls().size() == 2);
    assertEquals(after.acls(), seen.get().acls());
    assertEquals(after.acls(), two.load().acls());

    one.update(Map.of(ORDERS, s -> Set.of()));
    assertNull(raw.checkExists().forPath("/kafka-acl/Topic/orders"), "an emptied znode goes");
    waitFor("the removal", () -> seen.get().acls().size() == 1);
    assertFalse(seen.get().acls().containsKey(ORDERS));
  }

  @Test
  void concurrentChangesOfOneResource_throughTwoStores_allSurvive() throws Exception {
    ZkAclStore one = store(client());
    ZkAclStore two = store(client());
    int perStore = 15;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (ZkAclStore store : List.of(one, two)) {
        String who = store == one ? "User:one-" : "User:two-";
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < perStore; i++) {
                    AccessControlEntry entry = allow(who + i, AclOperation.WRITE);
                    store.update(
                        Map.of(
                            ORDERS,
                            s -> {
                              Set<AccessControlEntry> next = new HashSet<>(s);
                              next.add(entry);
                              return next;
                            }));
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    ZkAclStore reader = store(client());
    assertEquals(2 * perStore, reader.load().acls().get(ORDERS).size());
  }

  private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
