package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the daemon starts, fails to start and reports itself, with real processes: the broker's
 * {@code Main} in its own JVM and {@code bin/sluice-broker}. A port already taken makes the JVM
 * exit with one line naming the address (it used to stay alive with its storage threads and {@code
 * start} waited for its timeout); {@code status} calls a broker running only if its process is a
 * broker and its port accepts connections; {@code --help} is not an error.
 */
class DaemonStartupIT {
  @TempDir Path dataDir;
  @TempDir Path stateDir;

  @BeforeEach
  void needsPackagedBroker() {
    Assumptions.assumeTrue(
        DaemonProcess.packaged(), "needs the packaged broker (runs after mvn package)");
  }

  @Test
  void portInUse_mainExitsNonZero_oneLineNamingTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      Path stdout = stateDir.resolve("stdout");
      Path stderr = stateDir.resolve("stderr");
      Process process =
          new ProcessBuilder(
                  javaMain(
                      "--override",
                      "listeners=PLAINTEXT://" + address,
                      "--override",
                      "log.dirs=" + dataDir))
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
      try {
        // Generous for a loaded machine; before the fix the JVM never exited.
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the broker JVM is still running");
      } finally {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
      assertEquals(1, process.exitValue());
      assertEquals(
          List.of("sluice-broker: cannot listen on " + address + ": Address already in use"),
          Files.readAllLines(stderr, StandardCharsets.UTF_8));
      assertEquals("", Files.readString(stdout, StandardCharsets.UTF_8));
    }
  }

  @Test
  void portInUse_startFailsNamingTheAddress_statusNotRunning() throws Exception {
    DaemonProcess daemon = new DaemonProcess(dataDir, stateDir);
    try (ServerSocket taken = takePort(daemon.port())) {
      assertTrue(taken.isBound());
      DaemonProcess.Result start = daemon.tryStart();
      assertEquals(1, start.exitCode(), start.output());
      assertEquals(
          List.of(
              "sluice-broker: cannot listen on "
                  + daemon.bootstrapServers()
                  + ": Address already in use"),
          start.lines());
      assertFalse(Files.exists(daemon.pidFile()), "pid file left behind");
      assertNoArchive(daemon);
      DaemonProcess.Result status = daemon.status();
      assertEquals(3, status.exitCode(), status.output());
      assertEquals("sluice-broker: not running\n", status.output());
    } finally {
      daemon.stopQuietly();
    }
  }

  @Test
  void portInUse_runExits() throws Exception {
    DaemonProcess daemon = new DaemonProcess(dataDir, stateDir);
    try (ServerSocket taken = takePort(daemon.port())) {
      assertTrue(taken.isBound());
      DaemonProcess.Result run = daemon.run();
      assertEquals(1, run.exitCode(), run.output());
      assertTrue(
          run.lines()
              .contains(
                  "sluice-broker: cannot listen on "
                      + daemon.bootstrapServers()
                      + ": Address already in use"),
          run.output());
    }
  }

  @Test
  void badConfiguration_runExitsWithOneLine_andWritesNoArchive() throws Exception {
    DaemonProcess daemon = new DaemonProcess(dataDir, stateDir);
    DaemonProcess.Result run = daemon.run("no.such.key=1");
    assertEquals(2, run.exitCode(), run.output());
    assertTrue(
        run.lines().contains("sluice-broker: unknown configuration key 'no.such.key'"),
        run.output());
    assertNoArchive(daemon);
  }

  @Test
  void status_runningOnlyWhileTheBrokerAcceptsConnections() throws Exception {
    DaemonProcess daemon = new DaemonProcess(dataDir, stateDir);
    try {
      daemon.start();
      long pid = daemon.pid();
      DaemonProcess.Result running = daemon.status();
      assertEquals(0, running.exitCode(), running.output());
      assertEquals(
          "sluice-broker: running (pid "
              + pid
              + ", listening on "
              + daemon.bootstrapServers()
              + ")\n",
          running.output());
      daemon.stop();
      DaemonProcess.Result stopped = daemon.status();
      assertEquals(3, stopped.exitCode(), stopped.output());
    } finally {
      daemon.stopQuietly();
    }
  }

  /** A pid file left behind whose pid now belongs to another process: not a running broker. */
  @Test
  void status_pidOfAnotherProcess_notRunning_andStopLeavesItAlone() throws Exception {
    DaemonProcess daemon = new DaemonProcess(dataDir, stateDir);
    Files.createDirectories(daemon.runDir());
    Files.writeString(daemon.pidFile(), ProcessHandle.current().pid() + "\n");
    DaemonProcess.Result status = daemon.status();
    assertEquals(3, status.exitCode(), status.output());
    assertEquals("sluice-broker: not running\n", status.output());
    DaemonProcess.Result stop = daemon.script("stop");
    assertEquals(0, stop.exitCode(), stop.output());
    assertEquals("sluice-broker: not running\n", stop.output());
  }

  /**
   * A live broker process whose port refuses connections (it has not bound yet, or its listener is
   * gone): {@code status} says so and exits 1, never "running".
   */
  @Test
  void status_brokerProcessNotListening_startingOrNotListening() throws Exception {
    DaemonProcess daemon = new DaemonProcess(dataDir, stateDir);
    // A stand-in whose command line names the broker's main class, as the script checks it.
    Process standIn =
        new ProcessBuilder("bash", "-c", "sleep 300; exit 0", "io.sluice.broker.Main")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      Files.createDirectories(daemon.runDir());
      Files.createDirectories(daemon.outFile().getParent());
      Files.writeString(daemon.pidFile(), standIn.pid() + "\n");
      Files.writeString(daemon.outFile(), "");
      DaemonProcess.Result starting = daemon.status();
      assertEquals(1, starting.exitCode(), starting.output());
      assertEquals(
          "sluice-broker: starting (pid " + standIn.pid() + ", not listening yet)\n",
          starting.output());

      int closedPort = DaemonProcess.freePort();
      Files.writeString(
          daemon.outFile(),
          "Sluice broker listening on 127.0.0.1:" + closedPort + ", data in " + dataDir + "\n");
      DaemonProcess.Result notListening = daemon.status();
      assertEquals(1, notListening.exitCode(), notListening.output());
      assertEquals(
          "sluice-broker: not listening (pid "
              + standIn.pid()
              + " alive, 127.0.0.1:"
              + closedPort
              + " refuses connections)\n",
          notListening.output());
    } finally {
      standIn.descendants().forEach(ProcessHandle::destroyForcibly);
      standIn.destroyForcibly();
      standIn.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void help_scriptAndMain_printUsage_exitZero() throws Exception {
    DaemonProcess daemon = new DaemonProcess(dataDir, stateDir);
    for (String flag : List.of("--help", "-h")) {
      DaemonProcess.Result script = daemon.script(flag);
      assertEquals(0, script.exitCode(), script.output());
      assertTrue(script.output().startsWith("usage: bin/sluice-broker "), script.output());
    }
    DaemonProcess.Result startHelp = daemon.script("start", "--help");
    assertEquals(0, startHelp.exitCode(), startHelp.output());
    assertFalse(Files.exists(daemon.pidFile()), "start --help started a broker");

    DaemonProcess.Result main =
        DaemonProcess.runToEnd(new ProcessBuilder(javaMain("--help")), "Main --help");
    assertEquals(0, main.exitCode(), main.output());
    assertEquals(Main.USAGE, main.output());

    DaemonProcess.Result unknown = daemon.script("restart");
    assertEquals(2, unknown.exitCode(), unknown.output());
    assertTrue(unknown.output().startsWith("usage: bin/sluice-broker "), unknown.output());
  }

  private static ServerSocket takePort(int port) throws IOException {
    return new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
  }

  private static void assertNoArchive(DaemonProcess daemon) throws IOException {
    if (Files.isDirectory(daemon.runDir())) {
      try (Stream<Path> files = Files.list(daemon.runDir())) {
        List<Path> archives =
            files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
        assertEquals(List.of(), archives, "class-data archive of a broker that never started");
      }
    }
  }

  /** The broker's Main in its own JVM, logging to a file in the state directory. */
  private List<String> javaMain(String... args) throws IOException {
    Path target = DaemonProcess.PROJECT.resolve("broker").resolve("target");
    Path jar;
    try (Stream<Path> files = Files.list(target)) {
      jar =
          files
              .filter(
                  f -> {
                    String name = f.getFileName().toString();
                    return name.startsWith("sluice-broker-")
                        && name.endsWith(".jar")
                        && !name.endsWith("-tests.jar")
                        && !name.endsWith("-sources.jar")
                        && !name.endsWith("-javadoc.jar");
                  })
              .findFirst()
              .orElseThrow();
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                java.toString(),
                "-Xmx256m",
                "-Dlogback.configurationFile="
                    + DaemonProcess.PROJECT.resolve("broker/src/main/dist/logback.xml"),
                "-Dsluice.log.dir=" + stateDir.resolve("logs"),
                "-cp",
                jar + ":" + target.resolve("lib") + "/*",
                Main.class.getName()));
    command.addAll(List.of(args));
    return command;
  }
}
