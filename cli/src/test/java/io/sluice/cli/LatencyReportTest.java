package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LatencyReportTest {
  @Test
  void summary_thousandRecordsOverTwoSeconds_ratesAndPercentiles() {
    AtomicLong clock = new AtomicLong();
    LatencyReport report = new LatencyReport(clock::get);
    for (int i = 1; i <= 1000; i++) {
      report.record(1000, i * 1_000_000L); // 1 ms .. 1000 ms
    }
    clock.set(2_000_000_000L);

    LatencyReport.Summary summary = report.summary();

    assertEquals(1000, summary.records());
    assertEquals(1_000_000, summary.bytes());
    assertEquals(500.0, summary.recordsPerSecond(), 1e-9);
    assertEquals(0.5, summary.megabytesPerSecond(), 1e-9);
    assertEquals(500, summary.p50(), 1.0);
    assertEquals(950, summary.p95(), 1.0);
    assertEquals(990, summary.p99(), 1.0);
    assertEquals(999, summary.p999(), 1.0);
    assertEquals(1000, summary.max(), 1.0);
    ObjectNode json = summary.json(new ObjectMapper());
    assertEquals(1000, json.get("records").asLong());
    assertEquals(990, json.get("latencyMs").get("p99").asDouble(), 1.0);
  }

  @Test
  void progress_twoIntervals_eachLineCountsOnlyItsOwnRecords() {
    AtomicLong clock = new AtomicLong();
    LatencyReport report = new LatencyReport(clock::get);
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    for (int i = 0; i < 30; i++) {
      report.record(100, 2_000_000);
    }
    clock.set(1_000_000_000L);
    report.progress(out);
    for (int i = 0; i < 10; i++) {
      report.record(100, 2_000_000);
    }
    clock.set(2_000_000_000L);
    report.progress(out);

    String[] lines = text.toString().split("\n");
    assertEquals(2, lines.length);
    assertTrue(lines[0].startsWith("30 records, 30.0 records/s"), lines[0]);
    assertTrue(lines[1].startsWith("10 records, 10.0 records/s"), lines[1]);
    assertEquals(40, report.summary().records());
  }

  @Test
  void summary_noLatencies_textOmitsPercentiles() {
    AtomicLong clock = new AtomicLong();
    LatencyReport report = new LatencyReport(clock::get);
    report.count(10);
    clock.set(1_000_000_000L);
    String text = report.summary().text("received");
    assertEquals("1 records received in 1.00 s, 1.0 records/s, 0.00 MB/s", text);
  }
}
