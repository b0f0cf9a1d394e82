package io.sluice.broker.handler;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.metadata.Replication;
import io.sluice.broker.purgatory.FetchWaiters;
import io.sluice.broker.quota.ClientQuotas;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.storage.FileSlice;
import io.sluice.broker.storage.Log;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.wire.ByteBufRecords;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves Fetch from file slices. Each partition's records are a {@link FileSliceRecords} (a segment
 * lease), which the server sends as a file region. With less than {@code min.bytes} available the
 * fetch parks: it releases its slices, registers with {@link FetchWaiters}, and is retried on its
 * connection's event loop after an append to one of its partitions or at {@code max.wait.ms},
 * whichever comes first. Fetch sessions are not kept (session id 0: every fetch is a full fetch).
 */
final class FetchHandler extends VersionedHandler {
  /** Fixed bytes of a partition in a Fetch response (v4-v12), records aside. */
  static final int PARTITION_OVERHEAD_BYTES = 42;

  /** Fixed bytes of a Fetch response: header, throttle time, error, session id, topic array. */
  static final int RESPONSE_OVERHEAD_BYTES = 20;

  private final LeaderLogs logs;
  private final BrokerConfig config;
  private final FetchWaiters waiters;
  private final Replication replication;
  private final Authorization authorization;
  private final ClientQuotas quotas;

  FetchHandler(
      LeaderLogs logs,
      BrokerConfig config,
      FetchWaiters waiters,
      Replication replication,
      Authorization authorization,
      ClientQuotas quotas) {
    // v13 addresses topics by id, which this broker does not track yet.
    super(ApiKey.FETCH, 4, 12);
    this.logs = logs;
    this.config = config;
    this.waiters = waiters;
    this.replication = replication;
    this.authorization = authorization;
    this.quotas = quotas;
  }

  @Override
  public void handle(Request request, Responder responder) {
    FetchRequest req = FetchRequest.read(request.reader(), request.version());
    new PendingFetch(req, request, responder, refusedTopics(request, req)).attempt(false);
  }

  /**
   * The topics this fetch may not read (checked once, not on every attempt): a follower ({@code
   * replicaId >= 0}) needs CLUSTER_ACTION on the cluster, else every topic is refused; a consumer
   * needs READ on each topic. As in Kafka, a refused partition answers TOPIC_AUTHORIZATION_FAILED.
   */
  private Set<String> refusedTopics(Request request, FetchRequest req) {
    if (!authorization.enabled()) {
      return Set.of();
    }
    boolean follower = req.replicaId() >= 0;
    boolean clusterAction = follower && authorization.cluster(request, AclOperation.CLUSTER_ACTION);
    Set<String> refused = new HashSet<>();
    for (FetchRequest.FetchTopic topic : req.topics()) {
      if (follower
          ? !clusterAction
          : !authorization.topic(request, AclOperation.READ, topic.topic())) {
        refused.add(topic.topic());
      }
    }
    return refused;
  }

  /** One fetch from its first attempt to its response. Confined to the connection's event loop. */
  private final class PendingFetch implements Runnable {
    private final FetchRequest req;
    private final short version;
    private final String principal;
    private final String clientId;
    private final Responder responder;
    private final Set<String> refusedTopics;
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    private List<Log> parkedOn;
    private io.netty.util.concurrent.Future<?> deadline;
    private boolean done;

    PendingFetch(
        FetchRequest req, Request request, Responder responder, Set<String> refusedTopics) {
      this.req = req;
      this.version = request.version();
      this.principal = request.principal();
      this.clientId = request.clientId();
      this.responder = responder;
      this.refusedTopics = refusedTopics;
    }

    /** Builds the response; sends it if it is worth sending (or {@code last}), else parks. */
    void attempt(boolean last) {
      if (done) {
        return;
      }
      if (!responder.isOpen()) {
        finish();
        return;
      }
      FetchResponse response = new FetchResponse().setSessionId(0);
      List<FileSlice> slices = new ArrayList<>();
      long remaining = Math.min(req.maxBytes(), config.fetchMaxBytes());
      long bytes = 0;
      int partitionCount = 0;
      boolean failed = false;
      List<Log> partitions = new ArrayList<>();
      for (FetchRequest.FetchTopic topic : req.topics()) {
        FetchResponse.FetchableTopicResponse topicOut =
            new FetchResponse.FetchableTopicResponse().setTopic(topic.topic());
        for (FetchRequest.FetchPartition partition : topic.partitions()) {
          boolean allowed = refusedTopics.isEmpty() || !refusedTopics.contains(topic.topic());
          Log log = allowed ? logs.log(topic.topic(), partition.partition()).orElse(null) : null;
          if (log != null) {
            partitions.add(log);
          }
          FetchResponse.PartitionData out =
              new FetchResponse.PartitionData()
                  .setPartitionIndex(partition.partition())
                  .setRecords(ByteBufRecords.EMPTY);
          topicOut.partitions().add(out);
          partitionCount++;
          int max = (int) Math.max(0, Math.min(partition.partitionMaxBytes(), remaining));
          Errors refused =
              !allowed
                  ? Errors.TOPIC_AUTHORIZATION_FAILED
                  : log == null
                      ? logs.whyNoLog(topic.topic(), partition.partition())
                      : admit(topic.topic(), partition);
          FileSlice slice =
              refused != Errors.NONE
                  ? missing(out, refused)
                  : read(log, partition.fetchOffset(), max, bytes == 0, out);
          if (slice == null) {
            failed |= out.errorCode() != Errors.NONE.code();
            continue;
          }
          slices.add(slice);
          out.setRecords(new FileSliceRecords(slice));
          bytes += slice.length();
          remaining -= slice.length();
        }
        response.responses().add(topicOut);
      }
      if (last
          || failed
          || bytes >= req.minBytes()
          || req.maxWaitMs() <= 0
          || partitions.isEmpty()) {
        finish();
        respond(response, slices, bytes, partitionCount);
        return;
      }
      for (FileSlice slice : slices) {
        slice.release();
      }
      park(partitions);
    }

    /**
     * Sends the response, after charging its size to the consumer's {@code consumer_byte_rate}
     * (followers are never throttled by client quotas). Over the quota, as Kafka does, the client
     * gets an empty response with the throttle time instead (its bytes are not charged), and the
     * connection is muted for that long.
     */
    private void respond(
        FetchResponse response, List<FileSlice> slices, long recordBytes, int partitions) {
      int throttleMs =
          req.replicaId() >= 0
              ? 0
              : quotas.recordFetch(principal, clientId, responseBytes(recordBytes, partitions));
      if (throttleMs == 0) {
        responder.respond(response, version);
        return;
      }
      for (FileSlice slice : slices) {
        slice.release();
      }
      responder.respond(
          new FetchResponse().setSessionId(0).setThrottleTimeMs(throttleMs), version, throttleMs);
    }

    /**
     * The response's size as the quota counts it, from the slices' lengths (records are never read
     * for it) and the fixed fields of each partition (index, error, three offsets, the preferred
     * replica, the aborted transactions' and the records' lengths).
     */
    private long responseBytes(long recordBytes, int partitions) {
      return recordBytes + PARTITION_OVERHEAD_BYTES * (long) partitions + RESPONSE_OVERHEAD_BYTES;
    }

    /**
     * The leader-epoch check, and for a follower ({@code replicaId >= 0}) the record of its
     * progress; {@code NONE} when the partition may be read.
     */
    private Errors admit(String topic, FetchRequest.FetchPartition partition) {
      Errors epoch =
          logs.checkLeaderEpoch(topic, partition.partition(), partition.currentLeaderEpoch());
      if (epoch != Errors.NONE || req.replicaId() < 0) {
        return epoch;
      }
      return replication.followerFetch(
          topic, partition.partition(), req.replicaId(), partition.fetchOffset());
    }

    /** A partition this broker has no log for: the error, and no slice. */
    private static FileSlice missing(FetchResponse.PartitionData out, Errors error) {
      out.setErrorCode(error.code());
      return null;
    }

    /** Fills the partition's offsets and returns a non-empty slice, or null (error or no data). */
    private FileSlice read(
        Log log, long offset, int maxBytes, boolean first, FetchResponse.PartitionData out) {
      if (log == null) {
        out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        return null;
      }
      long highWatermark = log.highWatermark();
      out.setHighWatermark(highWatermark)
          .setLastStableOffset(highWatermark)
          .setLogStartOffset(log.logStartOffset());
      // Kafka returns at least one batch of the first partition with data, even over max.bytes;
      // after that, an exhausted budget means no more records in this response.
      if (maxBytes == 0 && !first) {
        return null;
      }
      FileSlice slice;
      try {
        // A follower reads up to the log end; a consumer only what every in-sync replica has.
        long maxOffset = req.replicaId() >= 0 ? Long.MAX_VALUE : highWatermark;
        slice = log.read(offset, Math.max(maxBytes, 1), maxOffset);
      } catch (RuntimeException e) {
        out.setErrorCode(Errors.forException(e).code());
        return null;
      }
      if (slice.length() == 0) {
        slice.release();
        return null;
      }
      return slice;
    }

    private void park(List<Log> partitions) {
      if (parkedOn == null) {
        parkedOn = partitions;
        for (Log log : partitions) {
          waiters.park(log, this);
        }
        deadline =
            responder
                .executor()
                .schedule(() -> attempt(true), req.maxWaitMs(), TimeUnit.MILLISECONDS);
        // An append between the read above and the registration would otherwise go unnoticed.
        run();
      }
    }

    /** The append listener: schedules one retry on the connection's event loop. */
    @Override
    public void run() {
      if (wakeScheduled.compareAndSet(false, true)) {
        responder
            .executor()
            .execute(
                () -> {
                  wakeScheduled.set(false);
                  attempt(false);
                });
      }
    }

    private void finish() {
      done = true;
      if (parkedOn != null) {
        for (Log log : parkedOn) {
          waiters.unpark(log, this);
        }
      }
      if (deadline != null) {
        deadline.cancel(false);
      }
    }
  }
}
