package io.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CompressionRatiosTest {
  @Test
  void disabled_ratioStaysOne_limitIsBatchSize() {
    CompressionRatios ratios = new CompressionRatios(false);
    ratios.observe("t", 1000, 100);
    assertEquals(1.0f, ratios.ratio("t"));
    assertEquals(16384, ratios.uncompressedLimit("t", 16384));
  }

  @Test
  void improvement_followedSlowly_deteriorationAtOnce() {
    CompressionRatios ratios = new CompressionRatios(true);
    ratios.observe("t", 1000, 250);
    assertEquals(0.995f, ratios.ratio("t"), 1e-6);
    for (int i = 0; i < 200; i++) {
      ratios.observe("t", 1000, 250);
    }
    assertEquals(0.25f, ratios.ratio("t"), 1e-6, "never below what was observed");
    assertEquals(65536, ratios.uncompressedLimit("t", 16384));
    ratios.observe("t", 1000, 600);
    assertEquals(0.6f, ratios.ratio("t"), 1e-6);
    ratios.observe("t", 1000, 620);
    assertEquals(0.65f, ratios.ratio("t"), 1e-6, "a small deterioration moves by the step");
    assertEquals(1.0f, ratios.ratio("other"), "per topic");
  }
}
