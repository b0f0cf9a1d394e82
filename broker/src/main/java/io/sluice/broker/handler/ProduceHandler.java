package io.sluice.broker.handler;

import io.netty.buffer.ByteBuf;
import io.sluice.broker.metadata.Replication;
import io.sluice.broker.metadata.TopicNames;
import io.sluice.broker.quota.ClientQuotas;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.storage.AppendResult;
import io.sluice.broker.storage.Log;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.message.ProduceRequest;
import io.sluice.protocol.message.ProduceResponse;
import io.sluice.protocol.wire.ByteBufRecords;
import io.sluice.protocol.wire.Records;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends each partition's batches to its log, on the event loop, straight from the request frame
 * (the log patches base offsets in place in that buffer and writes it). {@code acks=0} gets no
 * response, {@code acks=1} is answered once the batches are in the page cache, {@code acks=all}
 * once the flusher's group-commit fsync covers the last appended offset of every partition. A
 * duplicate idempotent batch is answered with its original offsets.
 */
final class ProduceHandler extends VersionedHandler {
  private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);
  private final LeaderLogs logs;
  private final Replication replication;
  private final Authorization authorization;
  private final ClientQuotas quotas;

  ProduceHandler(
      LeaderLogs logs, Replication replication, Authorization authorization, ClientQuotas quotas) {
    // v13 addresses topics by id, which this broker does not track yet.
    super(ApiKey.PRODUCE, LegacyProduce.FIRST_SERVED_VERSION, 12);
    this.logs = logs;
    this.replication = replication;
    this.authorization = authorization;
    this.quotas = quotas;
  }

  /** v0, as Kafka 4 advertises (see {@link LegacyProduce}). */
  @Override
  public short advertisedLowestVersion() {
    return 0;
  }

  /** Every advertised version: v0-v2 are answered with an error, not closed. */
  @Override
  public boolean accepts(short version) {
    return version >= advertisedLowestVersion() && version <= highestVersion();
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    if (version < LegacyProduce.FIRST_SERVED_VERSION) {
      refuseLegacy(request, responder);
      return;
    }
    // The request's bytes count against the client's producer_byte_rate (Kafka records the whole
    // request); over the quota, the answer says how long to wait and the connection is muted.
    int throttleMs =
        quotas.recordProduce(
            request.principal(), request.clientId(), request.body().readableBytes());
    ProduceRequest req = ProduceRequest.read(request.reader(), version);
    short acks = req.acks();
    Errors requestError = Errors.NONE;
    if (acks != 0 && acks != 1 && acks != -1) {
      requestError = Errors.INVALID_REQUIRED_ACKS;
    } else if (req.transactionalId() != null) {
      // Transactions are not implemented; refuse rather than append outside a transaction. (WRITE
      // on the transactional id, which Kafka checks first, would answer the same code.)
      requestError = Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
    }
    ProduceResponse response = new ProduceResponse().setThrottleTimeMs(throttleMs);
    List<PendingFlush> flushes = new ArrayList<>();
    for (ProduceRequest.TopicProduceData topic : req.topicData()) {
      ProduceResponse.TopicProduceResponse topicResponse =
          new ProduceResponse.TopicProduceResponse().setName(topic.name());
      // Checked before the topic's existence, so that an unauthorized client learns nothing.
      boolean allowed =
          requestError != Errors.NONE
              || authorization.topic(request, AclOperation.WRITE, topic.name());
      for (ProduceRequest.PartitionProduceData partition : topic.partitionData()) {
        ProduceResponse.PartitionProduceResponse out =
            new ProduceResponse.PartitionProduceResponse().setIndex(partition.index());
        topicResponse.partitionResponses().add(out);
        if (requestError != Errors.NONE) {
          fail(
              out,
              requestError,
              requestError == Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
                  ? FindCoordinatorHandler.TRANSACTIONS_NOT_SUPPORTED
                  : null);
          continue;
        }
        if (!allowed) {
          fail(out, Errors.TOPIC_AUTHORIZATION_FAILED, null);
          continue;
        }
        if (TopicNames.isInternal(topic.name())) {
          // As Kafka: clients cannot write to __consumer_offsets; only its coordinator does.
          fail(
              out,
              Errors.INVALID_TOPIC_EXCEPTION,
              "cannot append to internal topic " + topic.name());
          continue;
        }
        Optional<Log> partitionLog = logs.log(topic.name(), partition.index());
        if (partitionLog.isEmpty()) {
          fail(out, logs.whyNoLog(topic.name(), partition.index()), null);
          continue;
        }
        if (acks == -1) {
          Errors inSync = replication.checkInSyncReplicas(topic.name(), partition.index());
          if (inSync != Errors.NONE) {
            fail(
                out,
                inSync,
                "fewer in-sync replicas of "
                    + topic.name()
                    + "-"
                    + partition.index()
                    + " than min.insync.replicas");
            continue;
          }
        }
        append(partitionLog.get(), partition.records(), out, acks == -1 ? flushes : null);
      }
      response.responses().add(topicResponse);
    }
    if (acks == 0) {
      responder.respondNothing(throttleMs);
    } else if (flushes.isEmpty()) {
      responder.respond(response, version, throttleMs);
    } else {
      ProduceWaiters.await(
          flushes,
          req.timeoutMs(),
          responder.executor(),
          () -> responder.respond(response, version, throttleMs));
    }
  }

  private static void refuseLegacy(Request request, Responder responder) {
    LegacyProduce.Refusal refusal = LegacyProduce.read(request.reader(), request.version());
    log.debug(
        "refusing Produce v{} from {}: served from v{}",
        request.version(),
        request.remoteAddress(),
        LegacyProduce.FIRST_SERVED_VERSION);
    if (refusal.acks() == 0) {
      responder.respondNothing();
    } else {
      responder.respond(refusal, request.version());
    }
  }

  private static void append(
      Log partitionLog,
      Records records,
      ProduceResponse.PartitionProduceResponse out,
      List<PendingFlush> flushes) {
    if (!(records instanceof ByteBufRecords bytes) || records.sizeInBytes() == 0) {
      fail(out, Errors.INVALID_RECORD, "no record batches");
      return;
    }
    try {
      AppendResult result = partitionLog.append(nioView(bytes.buf()));
      out.setBaseOffset(result.firstOffset())
          .setLogAppendTimeMs(result.logAppendTimeMs())
          .setLogStartOffset(result.logStartOffset());
      if (flushes != null) {
        flushes.add(
            new PendingFlush(
                out,
                partitionLog.awaitFlush(result.lastOffset()),
                partitionLog.awaitHighWatermark(result.lastOffset())));
      }
    } catch (SluiceException e) {
      fail(out, e.error(), e.getMessage());
    } catch (RuntimeException e) {
      log.error("append to {} failed unexpectedly", partitionLog, e);
      fail(out, Errors.UNKNOWN_SERVER_ERROR, e.toString());
    }
  }

  /** The frame bytes as one ByteBuffer (a copy only if the frame is not contiguous). */
  private static ByteBuffer nioView(ByteBuf buf) {
    if (buf.nioBufferCount() == 1) {
      return buf.nioBuffer();
    }
    ByteBuffer copy = ByteBuffer.allocate(buf.readableBytes());
    buf.getBytes(buf.readerIndex(), copy);
    return copy.flip();
  }

  private static void fail(ProduceResponse.PartitionProduceResponse out, Errors error, String why) {
    out.setErrorCode(error.code()).setBaseOffset(-1).setErrorMessage(why);
  }

  /**
   * An acks=all partition waiting for the fsync that covers its last offset and for the high
   * watermark to pass it (every in-sync replica has it).
   */
  record PendingFlush(
      ProduceResponse.PartitionProduceResponse partition,
      CompletableFuture<Void> flushed,
      CompletableFuture<Void> replicated) {}

  static void failed(ProduceResponse.PartitionProduceResponse out, Errors error, String why) {
    fail(out, error, why);
  }
}
