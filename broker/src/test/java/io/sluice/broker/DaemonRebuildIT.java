package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/sluice-broker} rebuilds the broker when a source (any file under a module's {@code
 * src/}, or a {@code pom.xml}) is newer than its jar, as after a {@code git pull}, and says so in
 * one line; it does not rebuild when nothing changed. Runs on a copy of the installation with a
 * stand-in {@code mvn} that records its arguments and "builds" by touching the jar.
 */
class DaemonRebuildIT {
  @TempDir Path home;
  @TempDir Path dataDir;
  @TempDir Path stateDir;

  @Test
  void sourceNewerThanJar_rebuildsOnceWithOneLine_thenRunsWithoutRebuilding() throws Exception {
    Assumptions.assumeTrue(
        DaemonProcess.packaged(), "needs the packaged broker (runs after mvn package)");
    Path jar = DaemonProcess.copyInstallation(home);
    Path mvnCalls = home.resolve("mvn-calls");
    Path stubs = home.resolve("stubs");
    Files.createDirectories(stubs);
    Path mvn = stubs.resolve("mvn");
    Files.writeString(mvn, "#!/bin/sh\necho \"$*\" >> '" + mvnCalls + "'\ntouch '" + jar + "'\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    DaemonProcess daemon =
        new DaemonProcess(home, dataDir, stateDir)
            .withEnvironment("SLUICE_REBUILD", "auto")
            .withEnvironment("PATH", stubs + ":" + System.getenv("PATH"));

    // The jar as built; the pull brings a newer source file.
    Path source = home.resolve("broker/src/main/java/io/sluice/broker/Pulled.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, "// changed upstream\n");
    long now = System.currentTimeMillis();
    Files.setLastModifiedTime(jar, FileTime.fromMillis(now - 3_600_000));
    Files.setLastModifiedTime(source, FileTime.fromMillis(now - 1_800_000));

    // A bad override makes the broker exit at once (status 2) after the build step.
    DaemonProcess.Result first = daemon.run("num.partitions=many");
    assertEquals(2, first.exitCode(), first.output());
    List<String> rebuildLines =
        first.lines().stream().filter(l -> l.contains("rebuilding")).toList();
    assertEquals(
        List.of(
            "sluice-broker: sources changed since the last build; rebuilding the broker"
                + " (mvn -B -q -DskipTests package -pl broker -am)..."),
        rebuildLines,
        first.output());
    assertEquals(List.of("-B -q -DskipTests package -pl broker -am"), Files.readAllLines(mvnCalls));

    DaemonProcess.Result second = daemon.run("num.partitions=many");
    assertEquals(2, second.exitCode(), second.output());
    assertFalse(second.output().contains("rebuilding"), second.output());
    assertEquals(1, Files.readAllLines(mvnCalls).size(), "no second build");

    // A newer pom.xml counts too.
    Path pom = home.resolve("pom.xml");
    Files.writeString(pom, "<project/>\n");
    Files.setLastModifiedTime(jar, FileTime.fromMillis(now - 3_600_000));
    Files.setLastModifiedTime(pom, FileTime.fromMillis(now - 1_800_000));
    DaemonProcess.Result third = daemon.run("num.partitions=many");
    assertTrue(third.output().contains("rebuilding the broker"), third.output());
    assertEquals(2, Files.readAllLines(mvnCalls).size());
  }
}
