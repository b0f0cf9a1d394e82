package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
  @TempDir Path dir;

  @Test
  void zerocopy_tinyFile_printsFourRowsAndRatiosAndCleansUp() throws Exception {
    CliRunner.Run run =
        CliRunner.run(
            "bench", "zerocopy", "--size", "256KiB", "--runs", "3", "--dir", dir.toString());

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("256 KiB file, median of 3 runs"), run.out());
    assertEquals(2, count(run.out(), "file -> file "), run.out());
    assertEquals(2, count(run.out(), "file -> socket "), run.out());
    assertEquals(2, count(run.out(), "transferTo takes"), run.out());
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(0, left.count(), "temporary files removed");
    }
  }

  @Test
  void zerocopy_json_reportsEveryTargetAndMethodWithTheSize() throws Exception {
    CliRunner.Run run =
        CliRunner.run(
            "bench",
            "zerocopy",
            "--size",
            "65536",
            "--runs",
            "1",
            "--dir",
            dir.toString(),
            "--json");

    assertEquals(0, run.exitCode(), run.err());
    JsonNode root = new ObjectMapper().readTree(run.out());
    assertEquals(65536, root.get("bytes").asLong());
    assertEquals(4, root.get("results").size());
    for (JsonNode result : root.get("results")) {
      assertTrue(result.get("medianMs").asDouble() > 0, result.toString());
    }
  }

  @Test
  void zerocopy_badSize_exitsWithUsageError() {
    CliRunner.Run run = CliRunner.run("bench", "zerocopy", "--size", "lots");

    assertEquals(ExitCode.USAGE, run.exitCode());
    assertTrue(run.err().contains("not a size: lots"), run.err());
  }

  @Test
  void median_evenAndOddCounts_middleValue() {
    assertEquals(2.0, ZeroCopyBenchmark.median(new double[] {3, 1, 2}));
    assertEquals(2.5, ZeroCopyBenchmark.median(new double[] {4, 1, 2, 3}));
  }

  @Test
  void parse_units_powersOf1024() {
    assertEquals(200L * 1024 * 1024, SizeConverter.parse("200MiB"));
    assertEquals(64L * 1024, SizeConverter.parse("64k"));
    assertEquals(1L << 30, SizeConverter.parse("1GB"));
    assertEquals(12345, SizeConverter.parse("12345"));
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
