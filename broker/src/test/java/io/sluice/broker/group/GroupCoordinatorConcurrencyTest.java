package io.sluice.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.Errors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real threads, real timer thread, real fsyncs: clients join, sync, heartbeat and leave one group
 * at once, over and over. Bounded (6 clients x 15 rounds). Every request must be answered, the
 * group's invariants must hold throughout, and it must end Empty.
 */
class GroupCoordinatorConcurrencyTest {
  private static final int CLIENTS = 6;
  private static final int ROUNDS = 15;
  private static final String GROUP = "stress";

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void clients_joinSyncHeartbeatLeaveConcurrently_everyRequestAnsweredAndGroupEndsEmpty()
      throws Exception {
    GroupConfig config =
        GroupConfig.defaults().withInitialRebalanceDelayMs(5).withSessionTimeoutRange(1, 60_000);
    AtomicInteger generationsSeen = new AtomicInteger();
    try (GroupCoordinator coordinator = GroupCoordinator.open(config, dir)) {
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        String clientId = "client-" + c;
        done.add(clients.submit(() -> runClient(coordinator, clientId, generationsSeen)));
      }
      int rounds = 0;
      for (Future<Integer> future : done) {
        rounds += future.get(100, TimeUnit.SECONDS);
        coordinator.checkInvariants();
      }
      clients.shutdown();
      assertEquals(CLIENTS * ROUNDS, rounds);
      assertEquals(GroupState.EMPTY, coordinator.state(GROUP));
      assertTrue(coordinator.generation(GROUP) >= ROUNDS, "generations " + generationsSeen);
      coordinator.checkInvariants();
    }
  }

  private static JoinRequest join(String clientId, String memberId) {
    return new JoinRequest(
        GROUP,
        memberId,
        null,
        clientId,
        "",
        30_000,
        10_000,
        "consumer",
        List.of(new JoinRequest.Protocol("range", clientId.getBytes())),
        true);
  }

  /** One client's life: ROUNDS times join (with handshake), sync, heartbeat a bit, leave. */
  private static int runClient(GroupCoordinator coordinator, String clientId, AtomicInteger seen)
      throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      JoinResult handshake = coordinator.join(join(clientId, "")).get(10, TimeUnit.SECONDS);
      assertEquals(Errors.MEMBER_ID_REQUIRED, handshake.error());
      String memberId = handshake.memberId();
      boolean synced = false;
      while (!synced) {
        JoinResult joined = coordinator.join(join(clientId, memberId)).get(10, TimeUnit.SECONDS);
        if (joined.error() == Errors.REBALANCE_IN_PROGRESS) {
          continue;
        }
        assertEquals(Errors.NONE, joined.error(), clientId);
        seen.accumulateAndGet(joined.generationId(), Math::max);
        Map<String, byte[]> assignments = new HashMap<>();
        for (JoinResult.JoinedMember member : joined.members()) {
          assignments.put(member.memberId(), member.memberId().getBytes());
        }
        SyncResult sync =
            coordinator
                .sync(
                    new SyncRequest(
                        GROUP,
                        joined.generationId(),
                        memberId,
                        null,
                        "consumer",
                        joined.protocolName(),
                        assignments))
                .get(10, TimeUnit.SECONDS);
        if (sync.error() == Errors.REBALANCE_IN_PROGRESS) {
          continue;
        }
        assertEquals(Errors.NONE, sync.error(), clientId);
        assertEquals(memberId, new String(sync.assignment()));
        synced = true;
        for (int beat = 0; beat < 3 && synced; beat++) {
          Thread.sleep(1);
          Errors error = coordinator.heartbeat(GROUP, memberId, null, joined.generationId());
          if (error == Errors.REBALANCE_IN_PROGRESS || error == Errors.ILLEGAL_GENERATION) {
            synced = false;
          } else {
            assertEquals(Errors.NONE, error, clientId);
          }
        }
      }
      LeaveResult left = coordinator.leave(GROUP, List.of(new MemberIdentity(memberId, null)));
      assertEquals(Errors.NONE, left.members().get(0).error(), clientId);
    }
    return ROUNDS;
  }
}
