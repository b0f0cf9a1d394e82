package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.GroupAdmin;
import io.sluice.client.TopicPartition;
import io.sluice.client.testing.TestBroker;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sluice consume --group} stopped by a signal, in a real child process (as Ctrl-C stops it):
 * it commits what it printed, leaves the group at once (no member lingers until its session times
 * out) and prints its summary line.
 */
@Timeout(180)
class ConsumeSignalIT {
  @Test
  void sigterm_commitsWhatWasPrinted_leavesTheGroup_printsTheSummary() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      broker.createTopic("signal", 1);
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        lines.append("line-").append(i).append('\n');
      }
      CliRunner.Run produced =
          CliRunner.withInput(
              lines.toString(), "produce", "--topic", "signal", "-b", broker.bootstrap());
      assertEquals(0, produced.exitCode(), produced.err());

      List<String> classpath = new ArrayList<>();
      classpath.add(Path.of("target", "classes").toAbsolutePath().toString());
      classpath.add(
          Files.readString(Path.of("target", "runtime-classpath.txt"), StandardCharsets.UTF_8)
              .trim());
      Path err = Files.createTempFile("sluice-consume", ".err");
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Dlogback.configurationFile="
                      + Path.of("src", "main", "dist", "logback.xml").toAbsolutePath(),
                  "-cp",
                  String.join(File.pathSeparator, classpath),
                  Main.class.getName(),
                  "consume",
                  "--topic",
                  "signal",
                  "--group",
                  "sig",
                  "--from-beginning",
                  "-b",
                  broker.bootstrap())
              .redirectError(err.toFile())
              .start();
      try {
        List<String> printed = new ArrayList<>();
        try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while (printed.size() < 20 && (line = out.readLine()) != null) {
            printed.add(line);
          }
          assertEquals(20, printed.size(), "stderr: " + Files.readString(err));
          process.destroy(); // SIGTERM: the shutdown path Ctrl-C (SIGINT) takes too
          assertTrue(process.waitFor(60, TimeUnit.SECONDS), "consume did not stop");
        }
        String stderr = Files.readString(err);
        assertTrue(stderr.contains("consumed 20 records from signal"), stderr);
        try (GroupAdmin admin = new GroupAdmin(broker.bootstrap(), Duration.ofSeconds(10))) {
          assertEquals(List.of(), admin.describeGroup("sig").members(), "left the group");
          assertEquals(Map.of(new TopicPartition("signal", 0), 20L), admin.committedOffsets("sig"));
        }
      } finally {
        process.destroyForcibly().waitFor();
        Files.deleteIfExists(err);
      }
    }
  }
}
