package io.sluice.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.broker.server.ConnectionQuotas.Verdict;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-address and total counts: what is admitted, what is refused, and what a release frees. */
class ConnectionQuotasTest {
  private static final InetAddress A = address("127.0.0.1");
  private static final InetAddress B = address("127.0.0.2");
  private static final InetAddress C = address("127.0.0.3");

  @Test
  void tryAcquire_perAddressThenTotal_refusedOnesNotCounted() {
    ConnectionQuotas quotas = new ConnectionQuotas(3, 2, Map.of(C, 0));
    assertEquals(Verdict.ADMITTED, quotas.tryAcquire(A));
    assertEquals(Verdict.ADMITTED, quotas.tryAcquire(A));
    assertEquals(Verdict.ADDRESS_FULL, quotas.tryAcquire(A));
    assertEquals(Verdict.ADDRESS_FULL, quotas.tryAcquire(C), "override 0 refuses every one");
    assertEquals(Verdict.ADMITTED, quotas.tryAcquire(B));
    assertEquals(Verdict.BROKER_FULL, quotas.tryAcquire(B));
    assertEquals(3, quotas.total());
    assertEquals(2, quotas.open(A));

    quotas.release(A);
    assertEquals(1, quotas.open(A));
    assertEquals(Verdict.ADMITTED, quotas.tryAcquire(A));
    quotas.release(B);
    assertEquals(0, quotas.open(B));
    assertEquals(2, quotas.total());
  }

  @Test
  void release_withoutAcquire_fails() {
    ConnectionQuotas quotas = new ConnectionQuotas(3, 2, Map.of());
    assertThrows(IllegalStateException.class, () -> quotas.release(A));
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
