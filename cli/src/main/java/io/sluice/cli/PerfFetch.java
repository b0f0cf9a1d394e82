package io.sluice.cli;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.codec.Frames;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.RequestHeader;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchReader;
import io.sluice.protocol.wire.ByteBufRecords;
import io.sluice.protocol.wire.WireReader;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice perf fetch}: what the broker's fetch path can serve, measured with a reader that
 * does no per-record work. One connection sends Fetch requests for every partition of a topic from
 * its beginning; each answer is read into one reused buffer, its batch headers (and CRCs, unless
 * {@code --no-check-crcs}) are checked, and the bytes are dropped. Set against {@code bench
 * zerocopy}'s transferTo ceiling, this separates the broker and the loopback socket from a
 * consumer's decoding and copying, which {@code perf consume} includes.
 *
 * <p>One request at a time: with answers of several MiB the round trip between them is a small
 * share of the transfer. Works against any broker that speaks Fetch v12 (Sluice, Kafka).
 */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    description = {
      "Broker fetch throughput with a reader that checks batch headers and CRCs",
      "but does not decode records (compare with 'bench zerocopy')."
    })
final class PerfFetch implements Callable<Integer> {
  private static final short FETCH_VERSION = 12;

  private final Terminal terminal;
  @Mixin CommonOptions common;
  @Mixin PerfOutput output;
  @Mixin ReadOptions read;

  @Option(
      names = "--max-bytes",
      paramLabel = "BYTES",
      defaultValue = "8MiB",
      converter = SizeConverter.class,
      description =
          "Largest answer asked for, and the most asked of one partition (default:"
              + " ${DEFAULT-VALUE}).")
  long maxBytes;

  @Option(
      names = "--no-check-crcs",
      negatable = true,
      defaultValue = "true",
      description = "Check each batch's CRC-32C (default: checked).")
  boolean checkCrcs;

  @Option(
      names = "--passes",
      defaultValue = "1",
      description =
          "Read the topic this many times: on reaching every partition's high watermark, start"
              + " again from the first offsets, so that a small topic gives a long, warm"
              + " measurement (default: ${DEFAULT-VALUE}).")
  int passes;

  PerfFetch(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  @SuppressWarnings("try") // the progress printer is a resource only for its close()
  public Integer call() throws Exception {
    if (maxBytes < 1024 || maxBytes > Integer.MAX_VALUE - 1024) {
      throw new IllegalArgumentException(
          "--max-bytes must be between 1KiB and 2GiB, got " + maxBytes);
    }
    if (passes < 1) {
      throw new IllegalArgumentException("--passes must be >= 1, got " + passes);
    }
    Map<TopicPartition, Long> starts = startOffsets();
    Map<TopicPartition, Long> positions = new LinkedHashMap<>(starts);
    Map<TopicPartition, Long> ends = new LinkedHashMap<>();
    int pass = 1;
    LatencyReport report = new LatencyReport(System::nanoTime);
    if (common.security().tls() || common.security().sasl()) {
      throw new IllegalArgumentException(
          "perf fetch measures the plaintext (sendfile) path with its own socket and does not"
              + " speak TLS or SASL; use perf consume with --command-config");
    }
    InetSocketAddress address = address(common.bootstrapServer);
    long lastRecord = System.nanoTime();
    try (SocketChannel channel = SocketChannel.open(address);
        AutoCloseable progress = output.progressEverySecond(terminal, report)) {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ByteBuffer frame = ByteBuffer.allocateDirect((int) maxBytes + (1 << 16));
      int correlationId = 0;
      while (report.records() < read.numRecords) {
        send(channel, ++correlationId, positions);
        frame = receive(channel, frame);
        long records = account(frame, correlationId, positions, ends, report);
        if (pass < passes && reachedEnds(positions, ends)) {
          positions.putAll(starts);
          pass++;
        }
        if (records > 0) {
          lastRecord = System.nanoTime();
        } else if (read.idleSince(lastRecord)) {
          break;
        }
      }
    }
    LatencyReport.Summary summary = report.summary(read.end(report.records(), lastRecord));
    output.printSummary(terminal, summary, "fetched", Map.of());
    return read.exitCode(terminal, report.records());
  }

  /** The first offset of every partition, found the way a consumer finds it. */
  private Map<TopicPartition, Long> startOffsets() {
    ConsumerConfig config =
        ConsumerConfig.builder()
            .bootstrapServers(common.bootstrapServer)
            .properties(common.securityProperties())
            .clientId("sluice-perf-fetch")
            .requestTimeoutMs(common.timeoutMs)
            .build();
    try (Consumer<byte[], byte[]> consumer = new Consumer<>(config)) {
      List<TopicPartition> partitions = consumer.partitionsFor(read.topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> positions = new LinkedHashMap<>();
      for (TopicPartition tp : partitions) {
        positions.put(tp, consumer.position(tp));
      }
      return positions;
    }
  }

  /** Whether every partition's position reached the high watermark its last answer gave. */
  private static boolean reachedEnds(
      Map<TopicPartition, Long> positions, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
      Long end = ends.get(e.getKey());
      if (end == null || e.getValue() < end) {
        return false;
      }
    }
    return true;
  }

  private void send(SocketChannel channel, int correlationId, Map<TopicPartition, Long> positions)
      throws IOException {
    List<FetchRequest.FetchPartition> partitions = new ArrayList<>();
    positions.forEach(
        (tp, offset) ->
            partitions.add(
                new FetchRequest.FetchPartition()
                    .setPartition(tp.partition())
                    .setFetchOffset(offset)
                    .setPartitionMaxBytes((int) maxBytes)));
    FetchRequest request =
        new FetchRequest()
            .setReplicaId(-1)
            .setMaxWaitMs(500)
            .setMinBytes(1)
            .setMaxBytes((int) maxBytes)
            .setSessionId(0)
            .setSessionEpoch(-1)
            .setTopics(
                List.of(
                    new FetchRequest.FetchTopic().setTopic(read.topic).setPartitions(partitions)));
    RequestHeader header =
        new RequestHeader()
            .setRequestApiKey(ApiKey.FETCH.id())
            .setRequestApiVersion(FETCH_VERSION)
            .setCorrelationId(correlationId)
            .setClientId("sluice-perf-fetch");
    ByteBuf bytes = Frames.encodeRequest(UnpooledByteBufAllocator.DEFAULT, header, request);
    try {
      ByteBuffer out = bytes.nioBuffer();
      while (out.hasRemaining()) {
        channel.write(out);
      }
    } finally {
      bytes.release();
    }
  }

  /** Reads one response frame (without its size prefix) into {@code frame}, grown if needed. */
  private static ByteBuffer receive(SocketChannel channel, ByteBuffer frame) throws IOException {
    frame.clear().limit(4);
    readFully(channel, frame);
    int size = frame.getInt(0);
    if (size < 0) {
      throw new IOException("response of negative size " + size);
    }
    if (size > frame.capacity()) {
      frame = ByteBuffer.allocateDirect(size);
    }
    frame.clear().limit(size);
    readFully(channel, frame);
    return frame.flip();
  }

  private static void readFully(SocketChannel channel, ByteBuffer into) throws IOException {
    while (into.hasRemaining()) {
      if (channel.read(into) < 0) {
        throw new EOFException("the broker closed the connection");
      }
    }
  }

  /**
   * Checks one answer, moves the positions past its complete batches, notes each partition's high
   * watermark, and counts the records at or after each partition's position (a batch may start
   * before it). Returns the records counted.
   */
  private long account(
      ByteBuffer frame,
      int correlationId,
      Map<TopicPartition, Long> positions,
      Map<TopicPartition, Long> ends,
      LatencyReport report) {
    WireReader reader = new WireReader(Unpooled.wrappedBuffer(frame));
    int answered = Frames.readResponseHeader(ApiKey.FETCH, FETCH_VERSION, reader).correlationId();
    if (answered != correlationId) {
      throw new IllegalStateException(
          "answer to request " + answered + " where " + correlationId + " was expected");
    }
    FetchResponse response =
        (FetchResponse) Frames.readResponseBody(ApiKey.FETCH, FETCH_VERSION, reader);
    failOn(Errors.forCode(response.errorCode()), null);
    long counted = 0;
    for (FetchResponse.FetchableTopicResponse t : response.responses()) {
      for (FetchResponse.PartitionData p : t.partitions()) {
        TopicPartition tp = new TopicPartition(t.topic(), p.partitionIndex());
        failOn(Errors.forCode(p.errorCode()), tp);
        Long position = positions.get(tp);
        if (position == null || p.records() == null) {
          continue;
        }
        ByteBuf records = ((ByteBufRecords) p.records()).buf();
        RecordBatchReader batches =
            new RecordBatchReader(
                records.nioBuffer(records.readerIndex(), records.readableBytes()));
        long next = position;
        RecordBatch batch;
        while ((batch = batches.next()) != null) {
          if (checkCrcs && batch.crc() != batch.computeCrc()) {
            throw new SluiceClientException(
                Errors.CORRUPT_MESSAGE,
                tp,
                "batch at offset " + batch.baseOffset() + " of " + tp + " fails its CRC",
                false,
                null);
          }
          if (batch.nextOffset() > next && !batch.isControlBatch()) {
            long first = Math.max(next, batch.baseOffset());
            long inBatch = batch.nextOffset() - first;
            // Bytes: the batch's share that lies at or after the position.
            report.count(inBatch, batch.sizeInBytes() * inBatch / Math.max(1, batch.recordCount()));
            counted += inBatch;
          }
          next = Math.max(next, batch.nextOffset());
        }
        positions.put(tp, next);
        ends.put(tp, p.highWatermark());
      }
    }
    return counted;
  }

  private static void failOn(Errors error, TopicPartition tp) {
    if (error != Errors.NONE) {
      throw new SluiceClientException(
          error, tp, "fetch" + (tp == null ? "" : " of " + tp) + " failed: " + error, false, null);
    }
  }

  /** The first bootstrap address (the consumer above has already checked the list's syntax). */
  private static InetSocketAddress address(String servers) {
    String hostPort = servers.split(",")[0].trim();
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("bootstrap server must be HOST:PORT, got " + hostPort);
    }
    return new InetSocketAddress(
        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }
}
