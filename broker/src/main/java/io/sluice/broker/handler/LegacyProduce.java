package io.sluice.broker.handler;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.ProtocolException;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.wire.WireReader;
import io.sluice.protocol.wire.WireWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Produce v0-v2: advertised, never served. Kafka 4 advertises Produce from v0 although it removed
 * v0-v2 (KAFKA-18659): librdkafka before 2.10 enables gzip, snappy and lz4 only when the broker's
 * range starts at v0, and since clients pick the highest version both sides support, no current
 * client sends v0-v2. One that does gets every partition answered with {@code UNSUPPORTED_VERSION}
 * in the response layout of its version (in request order, like any other answer) rather than a
 * dropped connection. The schemas Sluice generates its codecs from start at v3, so the few fields
 * of these versions are read and written here by hand. Immutable.
 */
final class LegacyProduce {
  /** The first version the broker serves; the versions below are refused. */
  static final short FIRST_SERVED_VERSION = 3;

  private LegacyProduce() {}

  /**
   * Reads a v0-v2 request (acks, timeout, topics of partitions with their message sets, which are
   * skipped) and returns its acks and the refusal to send, if any.
   */
  static Refusal read(WireReader reader, short version) {
    if (version < 0 || version >= FIRST_SERVED_VERSION) {
      throw new IllegalArgumentException("not a legacy Produce version: " + version);
    }
    short acks = reader.readInt16();
    reader.readInt32(); // timeout_ms
    int topicCount = reader.readArrayCount(false);
    List<TopicRefusal> topics = new ArrayList<>(Math.max(topicCount, 0));
    for (int t = 0; t < topicCount; t++) {
      String name = WireReader.requireNonNull(reader.readString(false), "topic name");
      int partitionCount = reader.readArrayCount(false);
      List<Integer> partitions = new ArrayList<>(Math.max(partitionCount, 0));
      for (int p = 0; p < partitionCount; p++) {
        partitions.add(reader.readInt32());
        int size = reader.readInt32();
        if (size < -1) {
          throw new ProtocolException("negative message set size=" + size);
        }
        if (size > 0) {
          reader.skip(size);
        }
      }
      topics.add(new TopicRefusal(name, List.copyOf(partitions)));
    }
    if (reader.remaining() != 0) {
      throw new ProtocolException(
          "Produce v"
              + version
              + " has "
              + reader.remaining()
              + " unexpected bytes after its body");
    }
    return new Refusal(acks, List.copyOf(topics));
  }

  /** One topic's partitions, each to be answered with {@code UNSUPPORTED_VERSION}. */
  record TopicRefusal(String name, List<Integer> partitions) {}

  /**
   * The response body refusing every partition of a v0-v2 request: per partition the error, base
   * offset -1 and (v2) log append time -1; throttle time 0 (v1, v2).
   */
  record Refusal(short acks, List<TopicRefusal> topics) implements ApiMessage {
    @Override
    public short apiKey() {
      return ApiKey.PRODUCE.id();
    }

    @Override
    public void write(WireWriter writer, short version) {
      writer.writeArrayCount(topics.size(), false);
      for (TopicRefusal topic : topics) {
        writer.writeString(topic.name(), false);
        writer.writeArrayCount(topic.partitions().size(), false);
        for (int partition : topic.partitions()) {
          writer.writeInt32(partition);
          writer.writeInt16(Errors.UNSUPPORTED_VERSION.code());
          writer.writeInt64(-1L);
          if (version >= 2) {
            writer.writeInt64(-1L);
          }
        }
      }
      if (version >= 1) {
        writer.writeInt32(0);
      }
    }
  }
}
