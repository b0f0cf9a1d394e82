package io.sluice.broker.cluster;

import io.sluice.broker.metadata.LeaderElection;
import io.sluice.broker.metadata.TopicNames;
import io.sluice.protocol.Errors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller: every broker runs one; the one elected through a Curator {@code LeaderLatch} on
 * {@code /controller} is active. The active controller owns the partition states:
 *
 * <ul>
 *   <li>a new topic's assignment gets one state per partition, led by its replica if that broker is
 *       live, else offline (leader -1);
 *   <li>a partition whose leader is not registered goes offline (leader -1); when its replica
 *       registers again it leads again; every such change bumps the leader epoch;
 *   <li>a deletion request ({@code /admin/delete_topics/{t}}) removes the topic's znodes (its
 *       configuration's too) and the request;
 *   <li>a partition being reassigned (its assignment lists {@code adding_replicas} or {@code
 *       removing_replicas}) completes once its target replicas are all in sync ({@link
 *       ReassignmentStep}).
 * </ul>
 *
 * <p>Fencing: on election the controller increments {@code /controller_epoch} in a transaction that
 * also checks its own latch node still exists (so a deposed controller cannot bump it), and every
 * later write is a transaction that first checks {@code /controller_epoch}'s znode version. A
 * controller whose check fails has been replaced and stops. State znodes are written with their
 * version too; on a conflict the state is read again (KAFKA-2729).
 *
 * <p>How: any change to the cached cluster state, and the election itself, schedule one full
 * reconciliation that reads the relevant znodes from ZooKeeper (not the cache) and writes what
 * differs. Cheap at Sluice's scale, and a new controller needs no special recovery. Events are
 * coalesced; everything runs on one thread ({@code sluice-controller}).
 *
 * <p>Thread safety: all state is confined to the controller thread except {@link #active}.
 */
final class Controller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Controller.class);
  private static final long RETRY_MS = 500;

  private final CuratorFramework client;
  private final int brokerId;
  private final LeaderLatch latch;
  private final ScheduledExecutorService thread;
  private final AtomicBoolean pending = new AtomicBoolean();
  private volatile boolean active;
  private volatile boolean closed;
  private int epoch = -1;
  private int epochZkVersion = -1;

  private final boolean preferredLeaders;

  /**
   * @param preferredLeaders {@code auto.leader.rebalance.enable}: move leadership back to a
   *     partition's first replica once it is live and in sync again
   */
  Controller(CuratorFramework client, int brokerId, boolean preferredLeaders) {
    this.client = client;
    this.brokerId = brokerId;
    this.preferredLeaders = preferredLeaders;
    this.latch = new LeaderLatch(client, ZkPaths.CONTROLLER, Integer.toString(brokerId));
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-controller");
              t.setDaemon(true);
              return t;
            });
  }

  void start() throws Exception {
    latch.addListener(
        new LeaderLatchListener() {
          @Override
          public void isLeader() {
            submit(Controller.this::elected);
          }

          @Override
          public void notLeader() {
            submit(Controller.this::resigned);
          }
        });
    latch.start();
  }

  /** True while this broker is the active controller (elected and its epoch written). */
  boolean active() {
    return active;
  }

  /** The epoch this controller writes with, -1 if it is not active. */
  int epoch() {
    return active ? epoch : -1;
  }

  /** Something changed in ZooKeeper: reconcile once (coalesced) if active. */
  void changed() {
    if (active && pending.compareAndSet(false, true)) {
      submit(this::reconcile);
    }
  }

  private void submit(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void retryLater() {
    if (!closed && pending.compareAndSet(false, true)) {
      try {
        thread.schedule(this::reconcile, RETRY_MS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // closing
      }
    }
  }

  private void elected() {
    if (closed || !latch.hasLeadership()) {
      return;
    }
    try {
      if (!bumpEpoch()) {
        log.info("broker {} lost the election while taking over", brokerId);
        return;
      }
      active = true;
      log.info("broker {} is the controller, epoch {}", brokerId, epoch);
      pending.set(true);
      reconcile();
    } catch (Exception e) {
      log.warn("broker {}: taking over as controller failed; retrying", brokerId, e);
      try {
        thread.schedule(this::elected, RETRY_MS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // closing
      }
    }
  }

  private void resigned() {
    if (active) {
      log.info("broker {} is no longer the controller", brokerId);
    }
    active = false;
  }

  /**
   * Increments {@code /controller_epoch}, checking in the same transaction that this broker's latch
   * node still exists. False if it does not (no longer elected).
   */
  private boolean bumpEpoch() throws Exception {
    String ours = latch.getOurPath();
    if (ours == null) {
      return false;
    }
    while (true) {
      Stat stat = new Stat();
      int current;
      try {
        current =
            ZkJson.integer(
                client.getData().storingStatIn(stat).forPath(ZkPaths.CONTROLLER_EPOCH),
                ZkPaths.CONTROLLER_EPOCH);
      } catch (KeeperException.NoNodeException e) {
        current = 0;
        stat = null;
      }
      int next = current + 1;
      CuratorOp write =
          stat == null
              ? client.transactionOp().create().forPath(ZkPaths.CONTROLLER_EPOCH, ZkJson.integer(1))
              : client
                  .transactionOp()
                  .setData()
                  .withVersion(stat.getVersion())
                  .forPath(ZkPaths.CONTROLLER_EPOCH, ZkJson.integer(next));
      try {
        List<CuratorTransactionResult> results =
            client.transaction().forOperations(client.transactionOp().check().forPath(ours), write);
        Stat written = results.get(1).getResultStat();
        epoch = next;
        epochZkVersion = written != null ? written.getVersion() : 0;
        return true;
      } catch (KeeperException.NoNodeException e) {
        if (client.checkExists().forPath(ours) == null) {
          return false;
        }
      } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
        // another controller bumped it at the same moment; read again
      }
    }
  }

  private void reconcile() {
    pending.set(false);
    if (!active || closed) {
      return;
    }
    try {
      Map<Integer, Long> live = new HashMap<>();
      for (String id : children(ZkPaths.BROKER_IDS)) {
        Stat stat = client.checkExists().forPath(ZkPaths.BROKER_IDS + "/" + id);
        if (stat != null) {
          live.put(Integer.parseInt(id), stat.getCzxid());
        }
      }
      Set<String> deleting = new HashSet<>(children(ZkPaths.DELETE_TOPICS));
      for (String topic : deleting) {
        deleteTopic(topic);
      }
      for (String topic : children(ZkPaths.TOPICS)) {
        if (!deleting.contains(topic)) {
          reconcileTopic(topic, live);
        }
      }
      electOnRequest(live, deleting);
    } catch (Fenced e) {
      active = false;
      log.warn(
          "broker {}: controller epoch {} was superseded; no longer acting as controller",
          brokerId,
          epoch);
      if (latch.hasLeadership()) {
        submit(this::elected); // still holding the latch: take over again with a new epoch
      }
    } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException e) {
      log.info("controller {}: ZooKeeper unreachable ({}); will retry", brokerId, e.code());
      retryLater();
    } catch (InterruptedException e) {
      // close() interrupts a reconciliation in flight: nothing failed, the controller is stopping.
      Thread.currentThread().interrupt();
      if (!closed) {
        log.warn("controller {}: reconciliation interrupted; will retry", brokerId);
        retryLater();
      }
    } catch (Exception e) {
      if (closed) {
        log.debug("controller {}: reconciliation stopped by close", brokerId, e);
        return;
      }
      log.warn("controller {}: reconciliation failed; will retry", brokerId, e);
      retryLater();
    }
  }

  private void reconcileTopic(String topic, Map<Integer, Long> live) throws Exception {
    byte[] data;
    try {
      data = client.getData().forPath(ZkPaths.topic(topic));
    } catch (KeeperException.NoNodeException e) {
      return;
    }
    List<List<Integer>> replicas = ZkJson.assignment(topic, data);
    Set<Integer> reassigning = reassigning(topic, data);
    for (int p = 0; p < replicas.size(); p++) {
      String path = ZkPaths.partitionState(topic, p);
      Stat stat = new Stat();
      PartitionState state;
      try {
        state = ZkJson.partitionState(path, client.getData().storingStatIn(stat).forPath(path));
      } catch (KeeperException.NoNodeException e) {
        state = null;
      }
      if (state != null && strays(replicas.get(p), state)) {
        reassigning.add(p); // a cancelled or replaced reassignment left it: repair it below
      }
      Election election =
          elect(replicas.get(p), state, live, preferredLeaders && !reassigning.contains(p));
      if (election == null) {
        continue; // the leader is live in the incarnation the state names: nothing to do
      }
      int wanted = election.leader();
      long brokerEpoch = live.getOrDefault(wanted, -1L);
      if (state == null) {
        ensureParent(ZkPaths.partition(topic, p));
        PartitionState created = new PartitionState(wanted, 0, election.isr(), epoch, brokerEpoch);
        writeFenced(
            client.transactionOp().create().forPath(path, ZkJson.partitionState(created)), path);
        log.info("controller {}: {}-{} created, leader {}", brokerId, topic, p, wanted);
      } else if (state.leader() != wanted || state.leaderBrokerEpoch() != brokerEpoch) {
        // A new leader, offline, or the same broker in a new incarnation (restarted, or
        // registered again after its session expired): a new leader epoch either way.
        PartitionState next =
            new PartitionState(wanted, state.leaderEpoch() + 1, election.isr(), epoch, brokerEpoch);
        writeFenced(
            client
                .transactionOp()
                .setData()
                .withVersion(stat.getVersion())
                .forPath(path, ZkJson.partitionState(next)),
            path);
        log.info(
            "controller {}: {}-{} leader {} -> {} (leader epoch {})",
            brokerId,
            topic,
            p,
            state.leader(),
            wanted,
            next.leaderEpoch());
      }
    }
    if (!reassigning.isEmpty()) {
      reconcileReassignments(topic, live);
    }
  }

  /** Whether an online state names a leader or in-sync replicas that are not replicas. */
  private static boolean strays(List<Integer> replicas, PartitionState state) {
    return state.online()
        && (!replicas.contains(state.leader()) || !replicas.containsAll(state.isr()));
  }

  /** The partitions of a topic with a reassignment in progress. */
  private static Set<Integer> reassigning(String topic, byte[] data) {
    Set<Integer> out = new HashSet<>();
    List<PartitionAssignment> assignments = ZkJson.assignments(topic, data);
    for (int p = 0; p < assignments.size(); p++) {
      if (assignments.get(p).reassigning()) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Takes the next step of every partition of {@code topic} whose replica set is changing ({@link
   * ReassignmentStep}): completes the reassignments whose target replicas are all in sync, and
   * repairs states that name replicas no longer assigned. The topic's assignment is read again with
   * its version (after this reconciliation's elections), and every state written with its version,
   * all in one fenced transaction; on a conflict the next reconciliation starts over.
   */
  private void reconcileReassignments(String topic, Map<Integer, Long> live) throws Exception {
    Stat topicStat = new Stat();
    byte[] data;
    try {
      data = client.getData().storingStatIn(topicStat).forPath(ZkPaths.topic(topic));
    } catch (KeeperException.NoNodeException e) {
      return;
    }
    List<PartitionAssignment> assignments = new ArrayList<>(ZkJson.assignments(topic, data));
    List<CuratorOp> ops = new ArrayList<>();
    List<String> done = new ArrayList<>();
    boolean assignmentChanged = false;
    for (int p = 0; p < assignments.size(); p++) {
      String path = ZkPaths.partitionState(topic, p);
      Stat stat = new Stat();
      PartitionState state;
      try {
        state = ZkJson.partitionState(path, client.getData().storingStatIn(stat).forPath(path));
      } catch (KeeperException.NoNodeException e) {
        continue;
      }
      ReassignmentStep.Step step =
          ReassignmentStep.next(assignments.get(p), state, live, epoch, preferredLeaders);
      if (step == null) {
        continue;
      }
      ops.add(
          client
              .transactionOp()
              .setData()
              .withVersion(stat.getVersion())
              .forPath(path, ZkJson.partitionState(step.state())));
      String change =
          topic
              + "-"
              + p
              + " leader "
              + state.leader()
              + " -> "
              + step.state().leader()
              + " (leader epoch "
              + step.state().leaderEpoch()
              + ", ISR "
              + step.state().isr()
              + ")";
      if (step.assignment() != null) {
        change +=
            ", reassigned from "
                + assignments.get(p).origin()
                + " to "
                + step.assignment().replicas();
        assignments.set(p, step.assignment());
        assignmentChanged = true;
      }
      done.add(change);
    }
    if (ops.isEmpty()) {
      return;
    }
    if (assignmentChanged) {
      ops.add(
          client
              .transactionOp()
              .setData()
              .withVersion(topicStat.getVersion())
              .forPath(ZkPaths.topic(topic), ZkJson.assignments(assignments)));
    }
    if (writeFenced(ops, ZkPaths.topic(topic))) {
      for (String change : done) {
        log.info("controller {}: {}", brokerId, change);
      }
    }
  }

  /** A leader (or -1: offline) and the in-sync replicas that go with it. */
  record Election(int leader, List<Integer> isr) {}

  /**
   * Who leads a partition, given its replicas (in preference order), its current state (null for a
   * new partition) and the live brokers with their epochs; null when the current leader is live in
   * the incarnation the state names (its own ISR changes are its business).
   *
   * <ul>
   *   <li>A new partition: every replica is in sync (all are empty); the first live one leads.
   *   <li>Otherwise only an in-sync replica may lead (unclean election is not supported): the first
   *       live in-sync replica in preference order, other than the leader that went away; the same
   *       broker again only if it came back and no other in-sync replica is live. The new ISR is
   *       the old one without the brokers that are not live.
   *   <li>No live in-sync replica: offline (leader -1), the ISR kept as it was, so that the
   *       partition comes back when one of them returns.
   * </ul>
   */
  static Election elect(List<Integer> replicas, PartitionState state, Map<Integer, Long> live) {
    return elect(replicas, state, live, false);
  }

  /**
   * As {@link #elect(List, PartitionState, Map)}; with {@code preferred}, a partition led by a live
   * broker other than its first replica (its preferred leader) moves back to that replica as soon
   * as it is live and in the ISR (Kafka's preferred-leader election, done at once rather than on
   * Kafka's periodic imbalance check).
   */
  static Election elect(
      List<Integer> replicas, PartitionState state, Map<Integer, Long> live, boolean preferred) {
    if (preferred
        && state != null
        && state.online()
        && !replicas.isEmpty()
        && state.leader() != replicas.get(0)
        && live.containsKey(replicas.get(0))
        && state.isr().contains(replicas.get(0))
        && Long.valueOf(state.leaderBrokerEpoch()).equals(live.get(state.leader()))) {
      List<Integer> isr = new ArrayList<>();
      for (int member : state.isr()) {
        if (live.containsKey(member)) {
          isr.add(member);
        }
      }
      return new Election(replicas.get(0), isr);
    }
    if (state == null) {
      for (int replica : replicas) {
        if (live.containsKey(replica)) {
          return new Election(replica, replicas);
        }
      }
      return new Election(PartitionState.NO_LEADER, replicas);
    }
    Long leaderEpoch = state.online() ? live.get(state.leader()) : null;
    if (leaderEpoch != null && leaderEpoch == state.leaderBrokerEpoch()) {
      return null;
    }
    int chosen = PartitionState.NO_LEADER;
    for (int replica : replicas) {
      if (state.isr().contains(replica) && live.containsKey(replica)) {
        if (replica != state.leader()) {
          chosen = replica;
          break;
        }
        if (chosen == PartitionState.NO_LEADER) {
          chosen = replica; // the old leader in a new incarnation: only if nobody else
        }
      }
    }
    if (chosen == PartitionState.NO_LEADER) {
      return new Election(PartitionState.NO_LEADER, state.isr());
    }
    List<Integer> isr = new ArrayList<>();
    for (int member : state.isr()) {
      if (live.containsKey(member)) {
        isr.add(member);
      }
    }
    return new Election(chosen, isr);
  }

  /**
   * Answers the leader election requests in {@code /admin/elect_leaders} that have no results yet,
   * after the pass's own elections (so a request sees the partition states this pass wrote): each
   * partition decided by {@link RequestedElection}, then the new states and the results written in
   * one fenced transaction, conditional on every znode's version. On a conflict nothing is written
   * and the whole request is decided again on the retry. A request that cannot be read is removed.
   */
  private void electOnRequest(Map<Integer, Long> live, Set<String> deleting) throws Exception {
    for (String name : children(ZkPaths.ELECT_LEADERS)) {
      String path = ZkPaths.ELECT_LEADERS + "/" + name;
      Stat stat = new Stat();
      RequestedElection.Request request;
      try {
        request = ZkJson.electionRequest(path, client.getData().storingStatIn(stat).forPath(path));
      } catch (KeeperException.NoNodeException e) {
        continue; // withdrawn (the requester timed out or went away)
      } catch (IllegalStateException e) {
        log.warn(
            "controller {}: removing an unreadable election request: {}", brokerId, e.getMessage());
        writeFenced(client.transactionOp().delete().forPath(path), path);
        continue;
      }
      if (request.answered()) {
        continue;
      }
      List<CuratorOp> ops = new ArrayList<>();
      Map<LeaderElection.Partition, RequestedElection.Outcome> results = new LinkedHashMap<>();
      Map<String, List<List<Integer>>> assignments = new HashMap<>();
      for (LeaderElection.Partition partition : request.partitions()) {
        results.put(
            partition,
            decideRequested(request.type(), partition, live, deleting, assignments, ops));
      }
      ops.add(
          client
              .transactionOp()
              .setData()
              .withVersion(stat.getVersion())
              .forPath(
                  path,
                  ZkJson.electionRequest(
                      new RequestedElection.Request(
                          request.type(), request.partitions(), results))));
      writeFenced(ops, path);
      log.info(
          "controller {}: {} election on request {}: {}", brokerId, request.type(), name, results);
    }
  }

  /** One partition of a request: its outcome; a state change, if any, is added to {@code ops}. */
  private RequestedElection.Outcome decideRequested(
      LeaderElection.Type type,
      LeaderElection.Partition partition,
      Map<Integer, Long> live,
      Set<String> deleting,
      Map<String, List<List<Integer>>> assignments,
      List<CuratorOp> ops)
      throws Exception {
    String topic = partition.topic();
    if (deleting.contains(topic)) {
      return RequestedElection.Outcome.refused(
          Errors.INVALID_TOPIC_EXCEPTION, "topic '" + topic + "' is being deleted");
    }
    if (!assignments.containsKey(topic)) {
      List<List<Integer>> replicas = null;
      if (TopicNames.isValid(topic)) {
        try {
          replicas = ZkJson.assignment(topic, client.getData().forPath(ZkPaths.topic(topic)));
        } catch (KeeperException.NoNodeException e) {
          // no such topic
        }
      }
      assignments.put(topic, replicas);
    }
    List<List<Integer>> replicas = assignments.get(topic);
    if (replicas == null || partition.partition() < 0 || partition.partition() >= replicas.size()) {
      return RequestedElection.Outcome.refused(
          Errors.UNKNOWN_TOPIC_OR_PARTITION, "partition " + partition + " does not exist");
    }
    String statePath = ZkPaths.partitionState(topic, partition.partition());
    Stat stat = new Stat();
    PartitionState state;
    try {
      state =
          ZkJson.partitionState(statePath, client.getData().storingStatIn(stat).forPath(statePath));
    } catch (KeeperException.NoNodeException e) {
      state = null;
    }
    RequestedElection.Decision decision =
        RequestedElection.decide(
            type, partition, replicas.get(partition.partition()), state, live, epoch);
    if (decision.next() != null) {
      ops.add(
          client
              .transactionOp()
              .setData()
              .withVersion(stat.getVersion())
              .forPath(statePath, ZkJson.partitionState(decision.next())));
    }
    return decision.outcome();
  }

  private void deleteTopic(String topic) throws Exception {
    List<CuratorOp> ops = new ArrayList<>();
    if (client.checkExists().forPath(ZkPaths.topic(topic)) != null) {
      for (String p : children(ZkPaths.partitions(topic))) {
        String partition = ZkPaths.partitions(topic) + "/" + p;
        for (String child : children(partition)) {
          ops.add(client.transactionOp().delete().forPath(partition + "/" + child));
        }
        ops.add(client.transactionOp().delete().forPath(partition));
      }
      if (client.checkExists().forPath(ZkPaths.partitions(topic)) != null) {
        ops.add(client.transactionOp().delete().forPath(ZkPaths.partitions(topic)));
      }
      ops.add(client.transactionOp().delete().forPath(ZkPaths.topic(topic)));
    }
    if (client.checkExists().forPath(ZkPaths.topicConfig(topic)) != null) {
      ops.add(client.transactionOp().delete().forPath(ZkPaths.topicConfig(topic)));
    }
    ops.add(client.transactionOp().delete().forPath(ZkPaths.deleteTopic(topic)));
    writeFenced(ops, ZkPaths.topic(topic));
    log.info("controller {}: topic {} deleted", brokerId, topic);
  }

  private void ensureParent(String path) throws Exception {
    try {
      client.create().creatingParentsIfNeeded().forPath(path);
    } catch (KeeperException.NodeExistsException e) {
      // there already
    }
  }

  private boolean writeFenced(CuratorOp op, String what) throws Exception {
    return writeFenced(List.of(op), what);
  }

  /**
   * Runs {@code ops} after a check of the controller epoch's znode version, all or nothing. Throws
   * {@link Fenced} if the epoch moved on; on any other conflict (a znode changed since it was read)
   * schedules another reconciliation and returns false.
   */
  private boolean writeFenced(List<CuratorOp> ops, String what) throws Exception {
    List<CuratorOp> all = new ArrayList<>(ops.size() + 1);
    all.add(
        client
            .transactionOp()
            .check()
            .withVersion(epochZkVersion)
            .forPath(ZkPaths.CONTROLLER_EPOCH));
    all.addAll(ops);
    try {
      client.transaction().forOperations(all);
      return true;
    } catch (KeeperException.BadVersionException
        | KeeperException.NoNodeException
        | KeeperException.NodeExistsException
        | KeeperException.NotEmptyException e) {
      Stat stat = client.checkExists().forPath(ZkPaths.CONTROLLER_EPOCH);
      if (stat == null || stat.getVersion() != epochZkVersion) {
        throw new Fenced();
      }
      log.info("controller {}: {} changed under it ({}); reading again", brokerId, what, e.code());
      retryLater();
      return false;
    }
  }

  private List<String> children(String path) throws Exception {
    try {
      return client.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  /** The controller epoch moved on: another controller was elected. */
  private static final class Fenced extends Exception {
    private static final long serialVersionUID = 1L;

    Fenced() {
      super(null, null, false, false);
    }
  }

  @Override
  public void close() {
    closed = true;
    active = false;
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      latch.close();
    } catch (Exception e) {
      log.debug("closing the controller latch", e);
    }
  }
}
