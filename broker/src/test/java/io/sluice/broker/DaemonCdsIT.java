package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data-sharing archive of {@code bin/sluice-broker} follows the jars it was made from:
 * jars rebuilt under a running broker (as {@code mvn verify} does) get a new archive at the next
 * clean stop, the stale one is never mapped, and the JVM's archive warnings never reach the
 * broker's output. Runs on a copy of the script and the packaged jars, so that "rebuilding" one
 * does not touch the project's build.
 */
class DaemonCdsIT {
  @TempDir Path home;
  @TempDir Path dataDir;
  @TempDir Path stateDir;

  @Test
  void jarRebuiltUnderRunningBroker_newArchive_noJvmWarning() throws Exception {
    Assumptions.assumeTrue(
        DaemonProcess.packaged(), "needs the packaged broker (runs after mvn package)");
    Path jar = DaemonProcess.copyInstallation(home);
    DaemonProcess daemon = new DaemonProcess(home, dataDir, stateDir);
    try {
      // 1. no archive yet: this run writes one at its clean stop; meanwhile the jar is rebuilt.
      daemon.start();
      assertEquals(List.of(), archives(daemon));
      rebuild(jar);
      daemon.stop();
      assertNoCdsMessage(daemon);
      List<Path> stale = archives(daemon);
      assertEquals(1, stale.size(), stale.toString());

      // 2. the archive was made from the jar before the rebuild: not mapped, replaced.
      daemon.start();
      assertTrue(archives(daemon).isEmpty(), "stale archive kept: " + archives(daemon));
      assertTrue(
          arguments(daemon).stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=")));
      assertNoCdsMessage(daemon);
      daemon.stop();
      assertNoCdsMessage(daemon);
      List<Path> fresh = archives(daemon);
      assertEquals(1, fresh.size(), fresh.toString());
      assertNotEquals(stale, fresh);

      // 3. the archive of the current jars is mapped.
      daemon.start();
      assertTrue(
          arguments(daemon).contains("-XX:SharedArchiveFile=" + fresh.get(0)),
          arguments(daemon).toString());
      assertNoCdsMessage(daemon);
      daemon.stop();
      assertNoCdsMessage(daemon);
      assertEquals(fresh, archives(daemon));
    } finally {
      daemon.stopQuietly();
    }
  }

  /** What a rebuild does to the jar as the JVM sees it: a new file with a new modification time. */
  private static void rebuild(Path jar) throws IOException {
    Path rebuilt = jar.resolveSibling(jar.getFileName() + ".new");
    Files.copy(jar, rebuilt);
    FileTime before = Files.getLastModifiedTime(jar);
    Files.setLastModifiedTime(rebuilt, FileTime.fromMillis(before.toMillis() + 10_000));
    Files.move(rebuilt, jar, StandardCopyOption.REPLACE_EXISTING);
  }

  private static List<Path> archives(DaemonProcess daemon) throws IOException {
    try (Stream<Path> files = Files.list(daemon.runDir())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).sorted().toList();
    }
  }

  private static List<String> arguments(DaemonProcess daemon) throws IOException {
    ProcessHandle process = daemon.process().orElseThrow();
    return Arrays.asList(process.info().arguments().orElseThrow());
  }

  /** The broker's stdout/stderr has no JVM class-data-sharing line ({@code [cds]}, archive). */
  private static void assertNoCdsMessage(DaemonProcess daemon) throws IOException {
    List<String> cds = new ArrayList<>();
    for (String line : Files.readAllLines(daemon.outFile())) {
      if (line.contains("[cds") || line.toLowerCase().contains("shared archive")) {
        cds.add(line);
      }
    }
    assertEquals(List.of(), cds);
  }
}
