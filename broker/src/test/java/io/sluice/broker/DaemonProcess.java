package io.sluice.broker;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker daemon started as users start it, through {@code bin/sluice-broker}, on a free port
 * and a given data directory, with its pid, log and output files in a given state directory.
 */
final class DaemonProcess {
  /** The project root: tests run in {@code broker/}, the benchmark from the root. */
  static final Path PROJECT =
      (Files.exists(Path.of("bin", "sluice-broker")) ? Path.of(".") : Path.of(".."))
          .toAbsolutePath()
          .normalize();

  static final Path SCRIPT = PROJECT.resolve("bin").resolve("sluice-broker");

  private final Path dataDir;
  private final Path stateDir;
  private final int port;

  DaemonProcess(Path dataDir, Path stateDir) throws IOException {
    this.dataDir = dataDir;
    this.stateDir = stateDir;
    try (ServerSocket socket = new ServerSocket(0)) {
      this.port = socket.getLocalPort();
    }
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** {@code bin/sluice-broker start}; returns its output once the broker accepts connections. */
  String start(String... overrides) throws Exception {
    List<String> args = new ArrayList<>();
    args.add("start");
    args.add("--override");
    args.add("listeners=PLAINTEXT://127.0.0.1:" + port);
    args.add("--override");
    args.add("log.dirs=" + dataDir);
    for (String override : overrides) {
      args.add("--override");
      args.add(override);
    }
    return script(args.toArray(new String[0]));
  }

  String stop() throws Exception {
    return script("stop");
  }

  long pid() throws IOException {
    return Long.parseLong(
        Files.readString(stateDir.resolve("run").resolve("sluice-broker.pid")).trim());
  }

  /** {@code kill -9}: no shutdown hook, no flush, no clean-shutdown marker. */
  void kill9() throws Exception {
    long pid = pid();
    ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
    handle.destroyForcibly();
    handle.onExit().get(30, TimeUnit.SECONDS);
  }

  private String script(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(SCRIPT.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile());
    builder.environment().put("SLUICE_LOG_DIR", stateDir.resolve("logs").toString());
    builder.environment().put("SLUICE_RUN_DIR", stateDir.resolve("run").toString());
    builder.environment().put("SLUICE_HEAP_OPTS", "-Xmx512m");
    builder.redirectErrorStream(true);
    Path output = Files.createTempFile(stateDir, "script", ".out");
    builder.redirectOutput(output.toFile());
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("bin/sluice-broker " + args[0] + " did not finish");
    }
    String out = Files.readString(output, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "bin/sluice-broker " + args[0] + " exited " + process.exitValue() + ": " + out);
    }
    return out;
  }
}
