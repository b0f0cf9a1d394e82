package io.sluice.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cuts one broker process off from the other brokers and from ZooKeeper while its clients still
 * reach it, with packet filters on this machine's loopback network: each broker runs in a control
 * group of its own (cgroup v2, {@link #procsFile}), and {@code iptables -m cgroup --path} rules in
 * the {@code OUTPUT} chain drop what the cut broker sends to ZooKeeper's port and to the other
 * brokers' ports, and what the other brokers send to the cut broker's port. The test JVM (the
 * clients and ZooKeeper) is in none of the groups, so its traffic passes; so does every other
 * process on the machine.
 *
 * <p>Needs root, {@code iptables} with the cgroup match and a cgroup v2 hierarchy; {@link
 * #unavailable} names what is missing so that a test can skip with that reason. {@link #close}
 * deletes every rule it added and the groups (once their processes are gone), also after a failure.
 * Not thread-safe.
 */
final class NetworkCut implements AutoCloseable {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final Path root;
  private final String prefix;
  private final Map<Integer, Path> groups = new TreeMap<>();
  private final List<List<String>> rules = new ArrayList<>();

  private NetworkCut(Path root) {
    this.root = root;
    this.prefix =
        "sluice-cut-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "-";
  }

  /** The reason packet filtering by control group cannot be used here, empty if it can. */
  static Optional<String> unavailable() {
    try {
      DaemonProcess.Result id = DaemonProcess.runToEnd(new ProcessBuilder("id", "-u"), "id -u");
      if (!id.output().trim().equals("0")) {
        return Optional.of("needs root for iptables and control groups");
      }
      if (DaemonProcess.runToEnd(new ProcessBuilder("iptables", "-V"), "iptables -V").exitCode()
          != 0) {
        return Optional.of("iptables is not installed");
      }
      Optional<Path> root = cgroup2Root();
      if (root.isEmpty() || !Files.isWritable(root.get())) {
        return Optional.of("no writable cgroup v2 hierarchy");
      }
      try (NetworkCut probe = new NetworkCut(root.get())) {
        probe.procsFile(0);
        probe.add("-p", "tcp", "--dport", "1", "-m", "cgroup", "--path", probe.name(0));
      }
      return Optional.empty();
    } catch (Exception | AssertionError e) {
      return Optional.of("iptables cgroup match unusable: " + e.getMessage());
    }
  }

  /** A cut helper; call only when {@link #unavailable} is empty. */
  static NetworkCut create() throws IOException {
    return new NetworkCut(cgroup2Root().orElseThrow(() -> new IOException("no cgroup v2")));
  }

  private static Optional<Path> cgroup2Root() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/mounts"), StandardCharsets.UTF_8)) {
      String[] fields = line.split(" ");
      if (fields.length > 2 && fields[2].equals("cgroup2")) {
        return Optional.of(Path.of(fields[1]));
      }
    }
    return Optional.empty();
  }

  private String name(int id) {
    return prefix + id;
  }

  /** Creates broker {@code id}'s group; the process to put in it writes its pid to this file. */
  Path procsFile(int id) {
    Path group = root.resolve(name(id));
    try {
      Files.createDirectories(group);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    groups.put(id, group);
    return group.resolve("cgroup.procs");
  }

  /**
   * Drops everything broker {@code cut} sends to ZooKeeper and to the other brokers, and everything
   * they send to it. {@code ports}: each broker's listener port by id.
   */
  void cut(int cut, int zooKeeperPort, Map<Integer, Integer> ports) throws IOException {
    String own = name(cut);
    add("-p", "tcp", "--dport", Integer.toString(zooKeeperPort), "-m", "cgroup", "--path", own);
    for (Map.Entry<Integer, Integer> other : ports.entrySet()) {
      if (other.getKey() == cut) {
        continue;
      }
      add("-p", "tcp", "--dport", other.getValue().toString(), "-m", "cgroup", "--path", own);
      add(
          "-p",
          "tcp",
          "--dport",
          ports.get(cut).toString(),
          "-m",
          "cgroup",
          "--path",
          name(other.getKey()));
    }
  }

  private static DaemonProcess.Result run(List<String> command) throws IOException {
    try {
      return DaemonProcess.runToEnd(new ProcessBuilder(command), String.join(" ", command));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(String.join(" ", command), e);
    }
  }

  /** Deletes every rule added so far (the cut heals). */
  void heal() throws IOException {
    AssertionError failed = null;
    while (!rules.isEmpty()) {
      List<String> rule = rules.remove(rules.size() - 1);
      List<String> command = new ArrayList<>(List.of("iptables", "-w", "5", "-D", "OUTPUT"));
      command.addAll(rule);
      DaemonProcess.Result result = run(command);
      if (result.exitCode() != 0 && failed == null) {
        failed = new AssertionError(String.join(" ", command) + ": " + result.output());
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  private void add(String... match) throws IOException {
    List<String> rule = new ArrayList<>(List.of(match));
    rule.addAll(List.of("-j", "DROP"));
    List<String> command = new ArrayList<>(List.of("iptables", "-w", "5", "-I", "OUTPUT"));
    command.addAll(rule);
    DaemonProcess.Result result = run(command);
    if (result.exitCode() != 0) {
      throw new AssertionError(String.join(" ", command) + ": " + result.output());
    }
    rules.add(rule);
  }

  /**
   * Deletes the rules, then the groups: a process still in one (the test stops its brokers first)
   * is moved back to the root group so that the group can go.
   */
  @Override
  public void close() throws IOException {
    try {
      heal();
    } finally {
      for (Path group : groups.values()) {
        Path procs = group.resolve("cgroup.procs");
        if (Files.exists(procs)) {
          for (String pid : Files.readAllLines(procs, StandardCharsets.UTF_8)) {
            if (!pid.isBlank()) {
              Files.writeString(root.resolve("cgroup.procs"), pid.trim());
            }
          }
        }
        Files.deleteIfExists(group);
      }
    }
  }
}
