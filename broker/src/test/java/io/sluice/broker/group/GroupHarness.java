package io.sluice.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The shared fixture of the coordinator tests: a coordinator on a manual clock whose store writes
 * only when the clock is advanced, and helpers that speak for a client.
 *
 * <p>Two ways to use it. As a JUnit extension, one per test over its own temporary directory
 * (deleted afterwards): {@code @RegisterExtension final GroupHarness harness = new
 * GroupHarness();}. Or opened over a given directory with a given configuration, in a
 * try-with-resources block. Either way it checks the coordinator's invariants when it closes.
 */
final class GroupHarness implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
  static final String GROUP = "orders";
  static final int SESSION_MS = 10_000;
  static final int REBALANCE_MS = 30_000;
  static final int DELAY_MS = 50;

  Path dir;
  final GroupConfig config;
  ManualScheduler clock;
  GroupStore store;
  GroupCoordinator coordinator;

  /** A harness that starts before each test, over a fresh temporary directory (an extension). */
  GroupHarness() {
    this.config = GroupConfig.defaults();
  }

  GroupHarness(Path dir) {
    this(dir, GroupConfig.defaults());
  }

  GroupHarness(Path dir, GroupConfig config) {
    this.dir = dir;
    this.config = config;
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("sluice-group-test-");
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    try {
      close();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private void start() {
    clock = new ManualScheduler();
    store = GroupStore.open(dir, clock);
    coordinator = new GroupCoordinator(config, clock, store);
  }

  /** Closes the coordinator (writing its state) and opens a new one on the same directory. */
  void restart() {
    clock.runDue();
    coordinator.close();
    start();
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static JoinRequest request(String memberId, String instanceId, String... protocolNames) {
    List<JoinRequest.Protocol> protocols =
        java.util.Arrays.stream(protocolNames.length == 0 ? new String[] {"range"} : protocolNames)
            .map(name -> new JoinRequest.Protocol(name, bytes(name + "-meta-" + memberId)))
            .toList();
    return new JoinRequest(
        GROUP,
        memberId,
        instanceId,
        "client",
        "/127.0.0.1",
        SESSION_MS,
        REBALANCE_MS,
        "consumer",
        protocols,
        true);
  }

  CompletableFuture<JoinResult> join(JoinRequest request) {
    return coordinator.join(request);
  }

  /** The v4+ handshake: returns the member id handed out with MEMBER_ID_REQUIRED. */
  String memberId(String... protocolNames) {
    JoinResult first = done(join(request("", null, protocolNames)));
    assertEquals(Errors.MEMBER_ID_REQUIRED, first.error());
    assertTrue(first.memberId().startsWith("client-"), first.memberId());
    return first.memberId();
  }

  /** Joins {@code count} new members together and lets the initial delay pass. */
  List<JoinResult> formGroup(int count) {
    List<CompletableFuture<JoinResult>> joins =
        java.util.stream.IntStream.range(0, count)
            .mapToObj(i -> join(request(memberId(), null)))
            .toList();
    // Each arrival during the initial delay extends it once more (Kafka's rule).
    for (int i = 0; i < count + 1 && !joins.stream().allMatch(CompletableFuture::isDone); i++) {
      clock.advance(DELAY_MS);
    }
    return joins.stream().map(GroupHarness::done).toList();
  }

  /** Leader and followers sync; each member gets {@code "assignment-" + memberId}. */
  void syncAll(List<JoinResult> joined) {
    String leader = joined.get(0).leaderId();
    Map<String, byte[]> assignments = new java.util.HashMap<>();
    for (JoinResult result : joined) {
      assignments.put(result.memberId(), bytes("assignment-" + result.memberId()));
    }
    List<CompletableFuture<SyncResult>> syncs =
        joined.stream()
            .map(
                r ->
                    coordinator.sync(
                        new SyncRequest(
                            GROUP,
                            r.generationId(),
                            r.memberId(),
                            null,
                            "consumer",
                            r.protocolName(),
                            r.memberId().equals(leader) ? assignments : Map.of())))
            .toList();
    clock.runDue();
    for (int i = 0; i < joined.size(); i++) {
      SyncResult sync = done(syncs.get(i));
      assertEquals(Errors.NONE, sync.error());
      assertEquals("assignment-" + joined.get(i).memberId(), new String(sync.assignment()));
    }
  }

  /** The future's value; fails (instead of hanging) if it is still waiting. */
  static <T> T done(CompletableFuture<T> future) {
    assertTrue(future.isDone(), "the request is still waiting");
    return future.join();
  }

  Errors heartbeat(JoinResult member) {
    return coordinator.heartbeat(GROUP, member.memberId(), null, member.generationId());
  }

  @Override
  public void close() {
    coordinator.checkInvariants();
    coordinator.close();
  }
}
