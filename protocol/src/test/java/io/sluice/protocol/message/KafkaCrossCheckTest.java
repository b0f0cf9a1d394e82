package io.sluice.protocol.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.wire.WireReader;
import io.sluice.protocol.wire.WireWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Readable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Byte-for-byte agreement with kafka-clients' own message classes, for every supported API, both
 * directions (request and response) and every version of the schema.
 *
 * <p>For each case, {@value #SEEDS} seeded random messages are written by our codec; kafka-clients
 * decodes those bytes and re-encodes them, and the two byte strings must be identical (so Kafka
 * reads exactly what we meant). Then our codec decodes Kafka's bytes and re-encodes them, which
 * must again give the same bytes (so we read exactly what Kafka wrote), and decoding our own bytes
 * must give an equal object on a second round.
 */
class KafkaCrossCheckTest {
  static final int SEEDS = 25;

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (ApiKey api : ApiKey.values()) {
      for (String kind : List.of("Request", "Response")) {
        for (short v = api.lowestVersion(); v <= api.highestVersion(); v++) {
          cases.add(Arguments.of(api.displayName() + kind, v));
        }
      }
    }
    for (short v = 1; v <= 2; v++) {
      cases.add(Arguments.of("RequestHeader", v));
    }
    for (short v = 0; v <= 1; v++) {
      cases.add(Arguments.of("ResponseHeader", v));
    }
    for (short v = 0; v <= 3; v++) {
      cases.add(Arguments.of("ConsumerProtocolSubscription", v));
      cases.add(Arguments.of("ConsumerProtocolAssignment", v));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} v{1}")
  @MethodSource("cases")
  void write_randomMessage_kafkaReadsAndWritesSameBytes(String name, short version)
      throws Exception {
    Class<?> ours = Class.forName("io.sluice.protocol.message." + name);
    // Kafka names data schemas (ConsumerProtocol*) without the "Data" suffix of its messages.
    String theirName = name.startsWith("ConsumerProtocol") ? name : name + "Data";
    Class<?> theirs = Class.forName("org.apache.kafka.common.message." + theirName);
    Method read = ours.getMethod("read", WireReader.class, short.class);
    Constructor<?> theirReader = theirs.getConstructor(Readable.class, short.class);
    for (int seed = 0; seed < SEEDS; seed++) {
      Message message = (Message) new RandomMessages(seed * 31L + version).fill(ours, 0);
      byte[] ourBytes = encode(message, version);

      Object kafka =
          theirReader.newInstance(new ByteBufferAccessor(ByteBuffer.wrap(ourBytes)), version);
      byte[] kafkaBytes = encodeKafka(kafka, version);
      assertArrayEquals(ourBytes, kafkaBytes, name + " v" + version + " seed " + seed);

      ByteBuf in = Unpooled.wrappedBuffer(kafkaBytes);
      Message decoded = (Message) read.invoke(null, new WireReader(in), version);
      assertEquals(0, in.readableBytes(), "bytes left after decoding " + name);
      assertArrayEquals(kafkaBytes, encode(decoded, version));

      Message again =
          (Message) read.invoke(null, new WireReader(Unpooled.wrappedBuffer(ourBytes)), version);
      assertEquals(decoded, again);
    }
  }

  static byte[] encode(Message message, short version) {
    ByteBuf out = Unpooled.buffer();
    message.write(new WireWriter(out), version);
    byte[] bytes = ByteBufUtil.getBytes(out);
    out.release();
    return bytes;
  }

  private static byte[] encodeKafka(Object kafka, short version) throws Exception {
    ObjectSerializationCache cache = new ObjectSerializationCache();
    Method size = kafka.getClass().getMethod("size", ObjectSerializationCache.class, short.class);
    int length = (int) size.invoke(kafka, cache, version);
    ByteBuffer buffer = ByteBuffer.allocate(length);
    Method write =
        kafka
            .getClass()
            .getMethod(
                "write",
                org.apache.kafka.common.protocol.Writable.class,
                ObjectSerializationCache.class,
                short.class);
    write.invoke(kafka, new ByteBufferAccessor(buffer), cache, version);
    assertEquals(length, buffer.position());
    return buffer.array();
  }

  @SuppressWarnings("unused")
  private static final Class<?> KAFKA_API_MESSAGE = ApiMessage.class;
}
