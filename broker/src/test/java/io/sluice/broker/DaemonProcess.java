package io.sluice.broker;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The broker daemon started as users start it, through {@code bin/sluice-broker}, on a free port
 * and a given data directory, with its pid, log and output files in a given state directory.
 *
 * <p>The script runs from {@link #PROJECT} unless the test gives another home (a copy of the script
 * and the built jars, for tests that change the jars under the script). Every call waits for the
 * script with a deadline; a test stops the broker it started in a {@code finally}.
 */
final class DaemonProcess {
  /** The project root: tests run in {@code broker/}, the benchmark from the root. */
  static final Path PROJECT =
      (Files.exists(Path.of("bin", "sluice-broker")) ? Path.of(".") : Path.of(".."))
          .toAbsolutePath()
          .normalize();

  static final Path SCRIPT = PROJECT.resolve("bin").resolve("sluice-broker");

  /** The longest any script call may take (a start on a loaded machine, or a build). */
  static final long SCRIPT_TIMEOUT_SECONDS = 120;

  /** Exit status and combined stdout/stderr of one script call. */
  record Result(int exitCode, String output) {
    List<String> lines() {
      return output.lines().toList();
    }
  }

  private final Path home;
  private final Map<String, String> environment = new HashMap<>();
  private final Path dataDir;
  private final Path stateDir;
  private final int port;
  private Path cgroupProcs;

  DaemonProcess(Path dataDir, Path stateDir) throws IOException {
    this(PROJECT, dataDir, stateDir);
  }

  DaemonProcess(Path home, Path dataDir, Path stateDir) throws IOException {
    this(home, dataDir, stateDir, freePort());
  }

  private DaemonProcess(Path home, Path dataDir, Path stateDir, int port) {
    this.home = home;
    this.dataDir = dataDir;
    this.stateDir = stateDir;
    this.port = port;
  }

  /**
   * A daemon told to listen on port 0: the port is the one its start output names, so no other
   * process can take it between choosing and binding (each start may get another port).
   */
  static DaemonProcess onAnyPort(Path dataDir, Path stateDir) {
    return new DaemonProcess(PROJECT, dataDir, stateDir, 0);
  }

  /** Sets an environment variable for every later script call (overrides the defaults). */
  DaemonProcess withEnvironment(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /**
   * Runs every script call, and so the broker's JVM, in the control group whose {@code
   * cgroup.procs} file this is (the script writes its own pid there before it starts anything), so
   * that packet filters can tell the broker's sockets apart from everyone else's ({@link
   * NetworkCut}).
   */
  DaemonProcess inCgroup(Path procsFile) {
    this.cgroupProcs = procsFile;
    return this;
  }

  /** A port nothing listens on right now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** True if the packaged broker (jar and {@code target/lib}) is there for process tests. */
  static boolean packaged() {
    return Files.isExecutable(SCRIPT)
        && Files.isDirectory(PROJECT.resolve("broker").resolve("target").resolve("lib"));
  }

  /**
   * Copies the script, the packaged broker and its configuration files under {@code home} (no
   * sources: the copy never rebuilds), for tests that change the jars or the sources under the
   * script; returns the copied broker jar.
   */
  static Path copyInstallation(Path home) throws IOException {
    Path jar = null;
    copy(SCRIPT, home.resolve("bin/sluice-broker"));
    copyDir(PROJECT.resolve("broker/src/main/dist"), home.resolve("broker/src/main/dist"));
    copyDir(PROJECT.resolve("broker/target/lib"), home.resolve("broker/target/lib"));
    copyDir(PROJECT.resolve("config"), home.resolve("config"));
    try (Stream<Path> files = Files.list(PROJECT.resolve("broker/target"))) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.startsWith("sluice-broker-")
            && name.endsWith(".jar")
            && !name.matches(".*-(tests|sources|javadoc)\\.jar")) {
          jar = home.resolve("broker/target").resolve(name);
          copy(file, jar);
        }
      }
    }
    if (jar == null) {
      throw new IllegalStateException("no broker jar in broker/target");
    }
    return jar;
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
  }

  private static void copyDir(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        if (Files.isRegularFile(file)) {
          copy(file, to.resolve(file.getFileName().toString()));
        }
      }
    }
  }

  /** The port; for a daemon {@link #onAnyPort}, the one its last start printed. */
  int port() {
    if (port != 0) {
      return port;
    }
    String prefix = "Sluice broker listening on ";
    List<String> lines;
    try {
      lines = Files.readAllLines(outFile(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (String line : lines) {
      if (line.startsWith(prefix)) {
        String address = line.substring(prefix.length()).split(",", 2)[0].trim();
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
      }
    }
    throw new IllegalStateException("the broker has not printed its address yet: " + outFile());
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port();
  }

  Path pidFile() {
    return stateDir.resolve("run").resolve("sluice-broker.pid");
  }

  Path runDir() {
    return stateDir.resolve("run");
  }

  Path outFile() {
    return stateDir.resolve("logs").resolve("sluice-broker.out");
  }

  /** {@code bin/sluice-broker start}; returns its output once the broker accepts connections. */
  String start(String... overrides) throws Exception {
    return checked(script(brokerArgs("start", overrides)));
  }

  /** {@code bin/sluice-broker start} whatever its outcome. */
  Result tryStart(String... overrides) throws Exception {
    return script(brokerArgs("start", overrides));
  }

  /** {@code bin/sluice-broker run} (foreground) until it exits. */
  Result run(String... overrides) throws Exception {
    return script(brokerArgs("run", overrides));
  }

  String stop() throws Exception {
    return checked(script("stop"));
  }

  Result status() throws Exception {
    return script("status");
  }

  long pid() throws IOException {
    return Long.parseLong(Files.readString(pidFile()).trim());
  }

  /** The daemon's process, if its pid file names a live one. */
  Optional<ProcessHandle> process() throws IOException {
    return Files.exists(pidFile()) ? ProcessHandle.of(pid()) : Optional.empty();
  }

  /** {@code kill -9}: no shutdown hook, no flush, no clean-shutdown marker. */
  void kill9() throws Exception {
    long pid = pid();
    ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
    handle.destroyForcibly();
    handle.onExit().get(30, TimeUnit.SECONDS);
  }

  /** {@code kill -STOP}: the process freezes (no thread runs, sockets stay open). */
  void suspend() throws Exception {
    signal("STOP", pid());
  }

  /** {@code kill -CONT} after {@link #suspend}. */
  void resume() throws Exception {
    signal("CONT", pid());
  }

  /** Resumes the daemon if it runs (a no-op otherwise), for {@code finally} blocks. */
  void resumeQuietly() throws Exception {
    Optional<ProcessHandle> process = process();
    if (process.isPresent() && process.get().isAlive()) {
      signal("CONT", process.get().pid());
    }
  }

  private static void signal(String name, long pid) throws Exception {
    Result result =
        runToEnd(new ProcessBuilder("kill", "-" + name, Long.toString(pid)), "kill -" + name);
    if (result.exitCode() != 0) {
      throw new IllegalStateException("kill -" + name + " " + pid + ": " + result.output());
    }
  }

  /** Stops the daemon if it runs (for {@code finally} blocks): SIGTERM, then SIGKILL. */
  void stopQuietly() throws Exception {
    Optional<ProcessHandle> process = process();
    if (process.isPresent() && process.get().isAlive()) {
      script("stop");
      if (process.get().isAlive()) {
        process.get().destroyForcibly();
        process.get().onExit().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private String[] brokerArgs(String command, String... overrides) {
    List<String> args = new ArrayList<>();
    args.add(command);
    args.add("--override");
    args.add("listeners=PLAINTEXT://127.0.0.1:" + port);
    args.add("--override");
    args.add("log.dirs=" + dataDir);
    for (String override : overrides) {
      args.add("--override");
      args.add(override);
    }
    return args.toArray(new String[0]);
  }

  /** Runs the script with the given arguments and returns how it ended. */
  Result script(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    if (cgroupProcs != null) {
      command.add("sh");
      command.add("-c");
      command.add("echo $$ > \"$0\" && exec \"$@\"");
      command.add(cgroupProcs.toString());
    }
    command.add(home.resolve("bin").resolve("sluice-broker").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
    builder.environment().put("SLUICE_LOG_DIR", stateDir.resolve("logs").toString());
    builder.environment().put("SLUICE_RUN_DIR", runDir().toString());
    builder.environment().put("SLUICE_HEAP_OPTS", "-Xmx512m");
    // The build under test is the one to run: a source edited while the suite runs must not make
    // the script start a nested Maven build (DaemonRebuildIT tests the rebuild with a stub).
    builder.environment().put("SLUICE_REBUILD", "never");
    builder.environment().putAll(environment);
    return runToEnd(builder, String.join(" ", args));
  }

  /** Runs a process to its end (killed after {@link #SCRIPT_TIMEOUT_SECONDS}), output combined. */
  static Result runToEnd(ProcessBuilder builder, String what) throws Exception {
    builder.redirectErrorStream(true);
    Path output = Files.createTempFile("sluice-process", ".out");
    try {
      builder.redirectOutput(output.toFile());
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process process = builder.start();
      if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError(
            what
                + " did not finish within "
                + SCRIPT_TIMEOUT_SECONDS
                + " s; output: "
                + Files.readString(output, StandardCharsets.UTF_8));
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static String checked(Result result) {
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "bin/sluice-broker exited " + result.exitCode() + ": " + result.output());
    }
    return result.output();
  }
}
