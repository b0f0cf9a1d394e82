package io.sluice.broker.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Kafka's sampled rate and throttle time, with quota.window.num=11 and 1 s windows. */
class QuotaRateTest {
  private final QuotaRate rate = new QuotaRate(11, 1000);

  @Test
  void firstBurst_spreadOverTenWindows() {
    rate.record(1000, 0);
    assertEquals(10_000, rate.windowSize(0));
    assertEquals(100.0, rate.measure(0), 1e-9);
    assertEquals(0, rate.throttleMs(100, 0), "at the bound: no throttle");
    // (100 - 50) / 50 * 10 s
    assertEquals(10_000, rate.throttleMs(50, 0));
  }

  @Test
  void secondWindow_coveredTimeGrowsWithElapsedTime() {
    rate.record(500, 0);
    rate.record(500, 1500); // a new window: the first is complete
    assertEquals(10_500, rate.windowSize(1500)); // 1.5 s elapsed, padded to 9 more windows
    assertEquals(1000 / 10.5, rate.measure(1500), 1e-9);
    assertEquals(9_500, rate.throttleMs(50, 1500)); // (1000/10.5 - 50) / 50 * 10500
  }

  @Test
  void steadyState_lastElevenWindows() {
    for (int s = 0; s <= 20; s++) {
      rate.record(100, s * 1000L);
    }
    // Windows started at 10 s ... 20 s remain: 11 x 100 bytes over 10 s.
    assertEquals(10_000, rate.windowSize(20_000));
    assertEquals(110.0, rate.measure(20_000), 1e-9);
  }

  @Test
  void oldWindows_expire() {
    rate.record(5000, 0);
    assertEquals(5000 / 10.999, rate.measure(10_999), 1e-9);
    assertEquals(0.0, rate.measure(11_000), 1e-9, "11 windows later nothing is left");
    assertEquals(0, rate.throttleMs(1, 11_000));
  }

  @Test
  void takenBack_rateAsBefore() {
    rate.record(400, 0);
    double before = rate.measure(10);
    rate.record(100_000, 10);
    rate.record(-100_000, 10);
    assertEquals(before, rate.measure(10), 1e-9);
  }
}
