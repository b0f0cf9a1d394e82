package io.sluice.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.errors.RetriableException;
import org.junit.jupiter.api.Test;

/** Our error table against kafka-clients 4.4.0's: codes, names and retriability agree. */
class ErrorsTest {

  private static boolean kafkaRetriable(org.apache.kafka.common.protocol.Errors error) {
    return error.exception() instanceof RetriableException;
  }

  @Test
  void everyEntry_matchesKafkaByCode_sameNameAndRetriable() {
    List<String> mismatches = new ArrayList<>();
    for (Errors ours : Errors.values()) {
      org.apache.kafka.common.protocol.Errors kafka =
          org.apache.kafka.common.protocol.Errors.forCode(ours.code());
      if (kafka.code() != ours.code()
          || !kafka.name().equals(ours.name())
          || kafkaRetriable(kafka) != ours.retriable()) {
        mismatches.add(
            ours
                + "("
                + ours.code()
                + ", retriable="
                + ours.retriable()
                + ") vs kafka "
                + kafka
                + "("
                + kafka.code()
                + ", retriable="
                + kafkaRetriable(kafka)
                + ")");
      }
    }
    assertEquals(List.of(), mismatches);
  }

  @Test
  void everyKafkaCode_presentInOurTable() {
    List<String> missing = new ArrayList<>();
    for (org.apache.kafka.common.protocol.Errors kafka :
        org.apache.kafka.common.protocol.Errors.values()) {
      if (Errors.forCode(kafka.code()).code() != kafka.code()) {
        missing.add(kafka + "(" + kafka.code() + ")");
      }
    }
    assertEquals(List.of(), missing);
    assertEquals(org.apache.kafka.common.protocol.Errors.values().length, Errors.values().length);
  }

  @Test
  void codes_unique() {
    Set<Short> codes = new HashSet<>();
    for (Errors error : Errors.values()) {
      assertTrue(codes.add(error.code()), "duplicate code " + error.code());
    }
  }

  @Test
  void forCode_unknownCode_unknownServerError() {
    assertEquals(Errors.UNKNOWN_SERVER_ERROR, Errors.forCode((short) 32_000));
    assertEquals(Errors.CORRUPT_MESSAGE, Errors.forCode((short) 2));
  }

  @Test
  void forException_wrappedSluiceException_keepsItsCode() {
    SluiceException cause = new SluiceException(Errors.INVALID_RECORD, "bad");
    assertEquals(Errors.INVALID_RECORD, Errors.forException(new RuntimeException(cause)));
    assertEquals(
        Errors.UNSUPPORTED_VERSION,
        Errors.forException(new ProtocolException(Errors.UNSUPPORTED_VERSION, "v99")));
    assertEquals(Errors.UNKNOWN_SERVER_ERROR, Errors.forException(new IllegalStateException()));
  }
}
