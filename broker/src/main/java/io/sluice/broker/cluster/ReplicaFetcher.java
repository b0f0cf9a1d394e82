package io.sluice.broker.cluster;

import io.netty.buffer.ByteBuf;
import io.sluice.broker.config.ReplicationConfig;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.OffsetForLeaderEpochRequest;
import io.sluice.protocol.message.OffsetForLeaderEpochResponse;
import io.sluice.protocol.wire.ByteBufRecords;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's follower side towards one leader broker: one thread ({@code
 * sluice-replica-fetcher-{leader}}) and one connection to the leader's listener, fetching every
 * partition this broker follows on that leader with Kafka's Fetch (v12, the follower's replica id
 * and the current leader epoch in every partition), as Kafka's replica fetcher does.
 *
 * <p>A partition added (a new leader or leader epoch) is first <b>truncated</b>: the fetcher asks
 * the leader with {@code OffsetForLeaderEpoch} where the follower's latest epoch ends and cuts its
 * log there (KIP-101); when the leader answers with an older epoch, to where that epoch ends in
 * both logs (KIP-279). Only then does it fetch, from its log end. Fetched batches are appended
 * exactly as the leader stored them ({@link Log#appendAsFollower}); a partial batch at the end of a
 * response is dropped and fetched again. The follower's high watermark follows the leader's. A
 * follower whose log ends below the leader's log start (answered {@code OFFSET_OUT_OF_RANGE} with
 * that start) fetches from the leader's log start and, with the first batch it gets, empties its
 * log and starts it over at that batch ({@link Log#truncateFullyAndStartAt}).
 *
 * <p>The connection is set up by an {@link InterBrokerConnector}: TLS and SASL as the inter-broker
 * listener asks. A connection the leader refuses (TLS, authentication) or partitions it refuses to
 * a follower that lacks {@code CLUSTER_ACTION} are logged as errors, once per reason and then at
 * most every {@link #REPEAT_LOG_MS}, and retried with a growing backoff (up to {@link
 * #MAX_REFUSED_BACKOFF_MS}), so a misconfigured cluster neither floods its logs nor gives up.
 *
 * <p>Thread safety: the partition map is guarded by this object's monitor; truncation and appends
 * run under it too, so once {@link #remove} returns, nothing more is written to that partition's
 * log by this fetcher (the partition's broker may lead it from then on).
 */
final class ReplicaFetcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);
  private static final short FETCH_VERSION = 12;
  private static final short EPOCH_VERSION = 4;
  private static final long BACKOFF_MS = 200;
  static final long MAX_REFUSED_BACKOFF_MS = 5_000;
  static final long REPEAT_LOG_MS = 60_000;

  /** One followed partition's fetch state. */
  private static final class State {
    final int leaderEpoch;
    final Log log;
    boolean truncating = true;
    long retryAtMs;
    long startOverAt = -1; // the leader's log start, above our log end: fetch from there

    State(int leaderEpoch, Log log) {
      this.leaderEpoch = leaderEpoch;
      this.log = log;
    }
  }

  private final int self;
  private final int leaderId;
  private final IntFunction<InetSocketAddress> addresses;
  private final ReplicationConfig config;
  private final InterBrokerConnector connector;
  private final Map<TopicPartition, State> partitions = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile BrokerConnection connection; // fetcher thread only (closed by close() too)
  private int refusals; // fetcher thread: refused connections in a row
  private String lastRefusal; // fetcher thread or monitor: the refusal logged last
  private long lastRefusalLoggedMs;

  /**
   * @param addresses the current address of a broker id, or null when it is not registered
   */
  ReplicaFetcher(
      int self,
      int leaderId,
      IntFunction<InetSocketAddress> addresses,
      ReplicationConfig config,
      InterBrokerConnector connector) {
    this.self = self;
    this.leaderId = leaderId;
    this.addresses = addresses;
    this.config = config;
    this.connector = connector;
    this.thread = new Thread(this::run, "sluice-replica-fetcher-" + leaderId);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  int leaderId() {
    return leaderId;
  }

  /** Follows {@code tp} at {@code leaderEpoch} (truncating first); replaces an older epoch. */
  synchronized void add(TopicPartition tp, int leaderEpoch, Log partitionLog) {
    State current = partitions.get(tp);
    if (current != null && current.leaderEpoch == leaderEpoch && current.log == partitionLog) {
      return;
    }
    partitions.put(tp, new State(leaderEpoch, partitionLog));
    notifyAll();
  }

  /** Stops following {@code tp}; no write to its log by this fetcher happens after this returns. */
  synchronized void remove(TopicPartition tp) {
    partitions.remove(tp);
  }

  synchronized boolean isEmpty() {
    return partitions.isEmpty();
  }

  /** The leader epoch {@code tp} is followed at, -1 if it is not. */
  synchronized int epochOf(TopicPartition tp) {
    State state = partitions.get(tp);
    return state == null ? -1 : state.leaderEpoch;
  }

  private void run() {
    while (running) {
      try {
        if (!awaitWork()) {
          continue;
        }
        connect();
        truncate();
        fetch();
      } catch (IOException | RuntimeException e) {
        if (running) {
          disconnect();
          if (e instanceof InterBrokerConnector.SecurityFailure || e instanceof SSLException) {
            refused(e);
          } else {
            log.info(
                "broker {}: fetching from broker {} failed ({}); reconnecting",
                self,
                leaderId,
                e.toString());
            pause(BACKOFF_MS);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    disconnect();
  }

  private synchronized boolean awaitWork() throws InterruptedException {
    while (running && partitions.isEmpty()) {
      disconnect();
      wait(1_000);
    }
    return running;
  }

  private synchronized void pause(long ms) {
    try {
      wait(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /**
   * A refused connection (TLS or SASL): an error naming the cause, logged again only when the cause
   * changes or a minute has passed; retried after a backoff that doubles up to {@link
   * #MAX_REFUSED_BACKOFF_MS}.
   */
  private void refused(Exception e) {
    refusals++;
    String reason =
        e instanceof InterBrokerConnector.SecurityFailure
            ? e.getMessage()
            : "TLS with broker " + leaderId + " failed: " + InterBrokerConnector.reason(e);
    logRefusal(
        "broker "
            + self
            + " cannot replicate from broker "
            + leaderId
            + ": "
            + reason
            + "; retrying (check the inter-broker listener's TLS and SASL settings on both"
            + " brokers)");
    pause(Math.min(MAX_REFUSED_BACKOFF_MS, BACKOFF_MS << Math.min(refusals - 1, 10)));
  }

  /**
   * Whether {@code error} is the leader refusing this broker as a follower (its principal lacks
   * {@code CLUSTER_ACTION}: Kafka answers {@code CLUSTER_AUTHORIZATION_FAILED} to
   * OffsetForLeaderEpoch and {@code TOPIC_AUTHORIZATION_FAILED} to a follower's Fetch); if so, logs
   * it as an error.
   */
  private boolean unauthorized(Errors error, String request) {
    if (error != Errors.CLUSTER_AUTHORIZATION_FAILED
        && error != Errors.TOPIC_AUTHORIZATION_FAILED) {
      return false;
    }
    BrokerConnection c = connection;
    logRefusal(
        "broker "
            + self
            + " cannot replicate from broker "
            + leaderId
            + ": it answers "
            + error
            + " to this follower's "
            + request
            + " requests: the inter-broker principal "
            + (c == null ? "" : c.principal() + " ")
            + "needs CLUSTER_ACTION on the cluster; make it a super user (super.users) on every"
            + " broker");
    return true;
  }

  /** Logs {@code message} as an error unless the same one was logged in the last minute. */
  private synchronized void logRefusal(String message) {
    long now = System.currentTimeMillis();
    if (message.equals(lastRefusal) && now - lastRefusalLoggedMs < REPEAT_LOG_MS) {
      log.debug("{}", message);
      return;
    }
    lastRefusal = message;
    lastRefusalLoggedMs = now;
    log.error("{}", message);
  }

  private void connect() throws IOException {
    if (connection != null) {
      return;
    }
    InetSocketAddress address = addresses.apply(leaderId);
    if (address == null) {
      throw new IOException("broker " + leaderId + " is not registered");
    }
    connection =
        connector.connect(
            leaderId,
            address,
            config.replicaFetchWaitMaxMs() + 30_000,
            "sluice-replica-fetcher-" + self);
    if (refusals > 0) {
      log.info("broker {}: connected to {} again", self, connection.peer());
      refusals = 0;
      synchronized (this) {
        lastRefusal = null;
      }
    }
  }

  private void disconnect() {
    BrokerConnection c = connection;
    connection = null;
    if (c != null) {
      c.close();
    }
  }

  /** Truncates every partition that has just been added, by asking the leader (KIP-101/279). */
  private void truncate() throws IOException {
    Map<TopicPartition, State> pending = new LinkedHashMap<>();
    Map<TopicPartition, Integer> asked = new HashMap<>();
    OffsetForLeaderEpochRequest request = new OffsetForLeaderEpochRequest().setReplicaId(self);
    Map<String, OffsetForLeaderEpochRequest.OffsetForLeaderTopic> topics = new LinkedHashMap<>();
    synchronized (this) {
      long now = System.currentTimeMillis();
      for (Map.Entry<TopicPartition, State> e : partitions.entrySet()) {
        State state = e.getValue();
        if (!state.truncating || state.retryAtMs > now) {
          continue;
        }
        int latest = state.log.latestEpoch();
        if (latest < 0) {
          // Nothing the leader could tell apart: an empty log, or batches without epochs.
          state.log.truncateTo(state.log.highWatermark());
          state.truncating = false;
          continue;
        }
        pending.put(e.getKey(), state);
        asked.put(e.getKey(), latest);
        topics
            .computeIfAbsent(
                e.getKey().topic(),
                t -> {
                  OffsetForLeaderEpochRequest.OffsetForLeaderTopic topic =
                      new OffsetForLeaderEpochRequest.OffsetForLeaderTopic().setTopic(t);
                  request.topics().add(topic);
                  return topic;
                })
            .partitions()
            .add(
                new OffsetForLeaderEpochRequest.OffsetForLeaderPartition()
                    .setPartition(e.getKey().partition())
                    .setCurrentLeaderEpoch(state.leaderEpoch)
                    .setLeaderEpoch(latest));
      }
    }
    if (pending.isEmpty()) {
      return;
    }
    OffsetForLeaderEpochResponse response =
        (OffsetForLeaderEpochResponse)
            exchange(ApiKey.OFFSET_FOR_LEADER_EPOCH, EPOCH_VERSION, request);
    synchronized (this) {
      long now = System.currentTimeMillis();
      for (OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult topic : response.topics()) {
        for (OffsetForLeaderEpochResponse.EpochEndOffset answer : topic.partitions()) {
          TopicPartition tp = new TopicPartition(topic.topic(), answer.partition());
          State state = pending.get(tp);
          if (state == null || partitions.get(tp) != state) {
            continue; // removed or replaced meanwhile
          }
          if (answer.errorCode() != Errors.NONE.code()) {
            Errors error = Errors.forCode(answer.errorCode());
            state.retryAtMs =
                now
                    + (unauthorized(error, "OffsetForLeaderEpoch")
                        ? MAX_REFUSED_BACKOFF_MS
                        : BACKOFF_MS);
            log.debug("{}: OffsetForLeaderEpoch answered {}", tp, error);
            continue;
          }
          long target = truncationOffset(state.log, asked.get(tp), answer);
          long end = state.log.truncateTo(target);
          state.truncating = false;
          log.info(
              "broker {}: {} follows broker {} in leader epoch {} from offset {}",
              self,
              tp,
              leaderId,
              state.leaderEpoch,
              end);
        }
      }
    }
  }

  /**
   * Where a follower cuts its log, given the leader's answer for the follower's latest epoch: the
   * leader's end of that epoch when the leader knows it; where the older epoch the leader names
   * ends in both logs otherwise (KIP-279); the high watermark when the leader knows no epoch that
   * old.
   */
  static long truncationOffset(
      Log log, int asked, OffsetForLeaderEpochResponse.EpochEndOffset answer) {
    if (answer.leaderEpoch() < 0 || answer.endOffset() < 0) {
      return log.highWatermark();
    }
    if (answer.leaderEpoch() == asked) {
      return Math.min(answer.endOffset(), log.logEndOffset());
    }
    long[] own = log.endOffsetForEpoch(answer.leaderEpoch());
    long ownEnd = own[0] < 0 ? log.logEndOffset() : own[1];
    return Math.min(answer.endOffset(), ownEnd);
  }

  /** One fetch of every partition ready to fetch; appends what comes back. */
  private void fetch() throws IOException {
    Map<TopicPartition, State> sent = new LinkedHashMap<>();
    FetchRequest request =
        new FetchRequest()
            .setReplicaId(self)
            .setMaxWaitMs(config.replicaFetchWaitMaxMs())
            .setMinBytes(1)
            .setIsolationLevel((byte) 0)
            .setSessionId(0)
            .setSessionEpoch(-1);
    Map<String, FetchRequest.FetchTopic> topics = new LinkedHashMap<>();
    synchronized (this) {
      long now = System.currentTimeMillis();
      for (Map.Entry<TopicPartition, State> e : partitions.entrySet()) {
        State state = e.getValue();
        if (state.truncating || state.retryAtMs > now) {
          continue;
        }
        sent.put(e.getKey(), state);
        topics
            .computeIfAbsent(
                e.getKey().topic(),
                t -> {
                  FetchRequest.FetchTopic topic = new FetchRequest.FetchTopic().setTopic(t);
                  request.topics().add(topic);
                  return topic;
                })
            .partitions()
            .add(
                new FetchRequest.FetchPartition()
                    .setPartition(e.getKey().partition())
                    .setCurrentLeaderEpoch(state.leaderEpoch)
                    .setFetchOffset(
                        state.startOverAt >= 0 ? state.startOverAt : state.log.logEndOffset())
                    .setLastFetchedEpoch(-1)
                    .setLogStartOffset(-1)
                    .setPartitionMaxBytes(config.replicaFetchMaxBytes()));
      }
      if (sent.isEmpty()) {
        pause(BACKOFF_MS / 4); // everything is truncating or backing off
        return;
      }
    }
    request.setMaxBytes(
        (int) Math.min(Integer.MAX_VALUE, (long) config.replicaFetchMaxBytes() * sent.size()));
    FetchResponse response = (FetchResponse) exchange(ApiKey.FETCH, FETCH_VERSION, request);
    synchronized (this) {
      long now = System.currentTimeMillis();
      for (FetchResponse.FetchableTopicResponse topic : response.responses()) {
        for (FetchResponse.PartitionData data : topic.partitions()) {
          TopicPartition tp = new TopicPartition(topic.topic(), data.partitionIndex());
          State state = sent.get(tp);
          if (state == null || partitions.get(tp) != state) {
            continue;
          }
          apply(tp, state, data, now);
        }
      }
    }
  }

  /** Appends one partition's answer (monitor held). */
  private void apply(TopicPartition tp, State state, FetchResponse.PartitionData data, long now) {
    Errors error = Errors.forCode(data.errorCode());
    if (error == Errors.OFFSET_OUT_OF_RANGE) {
      if (data.logStartOffset() > state.log.logEndOffset()) {
        // The leader no longer has what we would fetch next (its retention or DeleteRecords went
        // past our end): fetch from its log start and start the log over at the first batch.
        state.startOverAt = data.logStartOffset();
        log.info(
            "broker {}: {} ends at {}, below broker {}'s log start {}: fetching from there",
            self,
            tp,
            state.log.logEndOffset(),
            leaderId,
            data.logStartOffset());
      } else {
        state.truncating = true; // the leader's log ends below ours: find where they agree
      }
      return;
    }
    if (error != Errors.NONE) {
      state.retryAtMs = now + (unauthorized(error, "Fetch") ? MAX_REFUSED_BACKOFF_MS : BACKOFF_MS);
      log.debug("broker {}: fetching {} from broker {}: {}", self, tp, leaderId, error);
      return;
    }
    if (data.records() instanceof ByteBufRecords records && records.sizeInBytes() > 0) {
      ByteBuf buf = records.buf();
      ByteBuffer bytes = buf.nioBuffer(buf.readerIndex(), buf.readableBytes());
      int whole = wholeBatches(bytes);
      if (whole > 0) {
        if (state.startOverAt >= 0) {
          // The batch holding the leader's log start may begin below it (DeleteRecords moves the
          // start inside a batch): the log starts over at that batch, as in Kafka.
          long base = bytes.getLong(bytes.position());
          if (base > state.log.logEndOffset()) {
            state.log.truncateFullyAndStartAt(base);
          }
          state.startOverAt = -1;
        }
        state.log.appendAsFollower(bytes.limit(bytes.position() + whole).slice());
      }
    }
    state.log.updateHighWatermark(data.highWatermark(), false);
  }

  /** Bytes of the complete batches at the start of {@code bytes}. */
  static int wholeBatches(ByteBuffer bytes) {
    int at = 0;
    int length = bytes.remaining();
    while (at + 12 <= length) {
      long size = 12L + bytes.getInt(bytes.position() + at + 8);
      if (size < 12 || at + size > length) {
        break;
      }
      at += (int) size;
    }
    return at;
  }

  private ApiMessage exchange(ApiKey api, short version, ApiMessage body) throws IOException {
    BrokerConnection c = connection;
    if (c == null) {
      throw new IOException("closed");
    }
    return c.exchange(api, version, body);
  }

  /** Stops the thread and closes the connection. */
  @Override
  public void close() {
    running = false;
    synchronized (this) {
      notifyAll();
    }
    BrokerConnection c = connection;
    if (c != null) {
      c.close(); // unblocks a read in progress
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The partitions being followed (for tests and logs). */
  synchronized List<TopicPartition> followed() {
    return new ArrayList<>(partitions.keySet());
  }
}
