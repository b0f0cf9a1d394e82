package io.sluice.broker.cluster;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this broker registered as the ephemeral {@code /brokers/ids/{id}}; the registration's
 * creation id (czxid) is the broker epoch.
 *
 * <p>The registration lives as long as the ZooKeeper session that created it. While ZooKeeper is
 * unreachable the broker keeps its epoch and goes on serving (nobody can elect another leader
 * meanwhile). When it reconnects on a different session (its old one expired, or Curator gave it up
 * after the session timeout), it is fenced ({@link #epoch} is -1: it leads no partition) until it
 * has registered again, with a new epoch. A registration left by this process's previous session is
 * deleted and made anew at once; one left by a previous life of this broker (kill -9, restart
 * within the session timeout) belongs to a session this process does not know: the registrar waits
 * for it to expire rather than taking it over (KAFKA-14845). A registration deleted under a live
 * session is re-created.
 *
 * <p>Thread safety: registration runs on the given single-thread executor only; {@link #epoch} is
 * volatile.
 */
final class BrokerRegistrar implements ConnectionStateListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrokerRegistrar.class);

  private final CuratorFramework client;
  private final int brokerId;
  private final String path;
  private final byte[] data;
  private final ExecutorService executor;
  private final CountDownLatch firstRegistration = new CountDownLatch(1);
  private volatile long epoch = -1;
  private volatile long session;
  private volatile boolean closed;

  BrokerRegistrar(CuratorFramework client, int brokerId, byte[] data, ExecutorService executor) {
    this.client = client;
    this.brokerId = brokerId;
    this.path = ZkPaths.broker(brokerId);
    this.data = data;
    this.executor = executor;
  }

  /**
   * Registers, waiting up to {@code timeoutMs} for a stale registration of this id to expire.
   *
   * @throws IllegalStateException if another live session holds the id for longer than that
   */
  void start(long timeoutMs) throws InterruptedException {
    client.getConnectionStateListenable().addListener(this);
    schedule();
    if (!firstRegistration.await(timeoutMs, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "broker.id "
              + brokerId
              + " is still registered in ZooKeeper by another session after "
              + timeoutMs
              + " ms: is another broker running with the same id?");
    }
  }

  /** The broker epoch, or -1 while this broker is not registered (fenced). */
  long epoch() {
    return epoch;
  }

  @Override
  public void stateChanged(CuratorFramework c, ConnectionState state) {
    if (state == ConnectionState.LOST) {
      log.warn("broker {}: ZooKeeper session lost; registering again on reconnection", brokerId);
    } else if (state == ConnectionState.RECONNECTED || state == ConnectionState.CONNECTED) {
      if (epoch != -1 && currentSession() != session) {
        log.warn(
            "broker {}: new ZooKeeper session: not leading any partition until registered again",
            brokerId);
        epoch = -1;
      }
      schedule();
    }
  }

  private void schedule() {
    if (closed) {
      return;
    }
    try {
      executor.execute(this::register);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void register() {
    if (closed) {
      return;
    }
    try {
      long current = currentSession();
      Stat stat = new Stat();
      try {
        client
            .create()
            .storingStatIn(stat)
            .creatingParentsIfNeeded()
            .withMode(CreateMode.EPHEMERAL)
            .forPath(path, data);
      } catch (KeeperException.NodeExistsException e) {
        stat = client.checkExists().usingWatcher(new Reregister()).forPath(path);
        if (stat == null) {
          schedule(); // vanished in between
          return;
        }
        if (stat.getEphemeralOwner() != current && stat.getEphemeralOwner() == session) {
          // Left by this process's previous session: ours to replace.
          epoch = -1;
          try {
            client.delete().withVersion(stat.getVersion()).forPath(path);
          } catch (KeeperException.NoNodeException | KeeperException.BadVersionException gone) {
            // expired meanwhile, or replaced: the next attempt sees
          }
          schedule();
          return;
        }
        if (stat.getEphemeralOwner() != current) {
          epoch = -1;
          log.info(
              "broker {}: a registration of session 0x{} is still there; waiting for it to expire",
              brokerId,
              Long.toHexString(stat.getEphemeralOwner()));
          return; // the watch schedules the next attempt when it goes
        }
      }
      // Watch our own node: if it is deleted under a live session, register again.
      client.checkExists().usingWatcher(new Reregister()).forPath(path);
      session = current;
      if (epoch != stat.getCzxid()) {
        epoch = stat.getCzxid();
        log.info("broker {} registered in ZooKeeper with epoch {}", brokerId, epoch);
      }
      firstRegistration.countDown();
    } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException e) {
      log.info("broker {}: registration interrupted ({}); retrying on reconnect", brokerId, e);
    } catch (Exception e) {
      if (!closed) {
        log.warn("broker {}: registration failed; retrying on reconnect", brokerId, e);
      }
    }
  }

  private long currentSession() {
    try {
      return client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      return 0;
    }
  }

  /** Registers again when the watched registration is deleted. */
  private final class Reregister implements CuratorWatcher {
    @Override
    public void process(WatchedEvent event) {
      if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
        schedule();
      }
    }
  }

  /** Stops re-registering; the node itself goes when the session is closed. */
  @Override
  public void close() {
    closed = true;
    client.getConnectionStateListenable().removeListener(this);
    epoch = -1;
  }
}
