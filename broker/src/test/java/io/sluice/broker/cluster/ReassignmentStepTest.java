package io.sluice.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.metadata.TopicAdmin.ReassignmentOutcome;
import io.sluice.protocol.Errors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Partition reassignment's pure parts: the replica sets Kafka computes for a reassignment
 * (replaced, cancelled, a mere reorder), the znode round trip, the target checks, and the
 * controller's next step (wait, complete with or without a new leader, repair after a
 * cancellation).
 */
class ReassignmentStepTest {
  private static final int CONTROLLER_EPOCH = 7;

  private static PartitionState state(int leader, int leaderEpoch, List<Integer> isr) {
    return new PartitionState(leader, leaderEpoch, isr, 3, leader * 10L);
  }

  private static final Map<Integer, Long> LIVE = Map.of(1, 10L, 2, 20L, 3, 30L, 4, 40L);

  @Test
  void reassignTo_isTargetThenOriginWithAddingAndRemoving() {
    PartitionAssignment moving = PartitionAssignment.of(List.of(1, 2)).reassignTo(List.of(2, 3));
    assertEquals(new PartitionAssignment(List.of(2, 3, 1), List.of(3), List.of(1)), moving);
    assertTrue(moving.reassigning());
    assertEquals(List.of(2, 1), moving.origin(), "Kafka's origin: the full set without adding");
    assertEquals(List.of(2, 3), moving.target());
    assertEquals(PartitionAssignment.of(List.of(2, 3)), moving.completed());
  }

  @Test
  void aSecondReassignmentStartsFromTheSameOrigin_andCancellingRestoresIt() {
    PartitionAssignment first = PartitionAssignment.of(List.of(1, 2)).reassignTo(List.of(2, 3));
    PartitionAssignment second = first.reassignTo(List.of(4));
    assertEquals(new PartitionAssignment(List.of(4, 2, 1), List.of(4), List.of(2, 1)), second);
    // The original replicas come back, in the order the full set holds them (as in Kafka).
    assertEquals(PartitionAssignment.of(List.of(2, 1)), second.reassignTo(second.origin()));
  }

  @Test
  void aReorderOrTheSameReplicasIsNoReassignment() {
    assertEquals(
        PartitionAssignment.of(List.of(2, 1)),
        PartitionAssignment.of(List.of(1, 2)).reassignTo(List.of(2, 1)));
    assertFalse(PartitionAssignment.of(List.of(1, 2)).reassignTo(List.of(1, 2)).reassigning());
  }

  @Test
  void theAssignmentZnodeKeepsAddingAndRemovingReplicas() {
    List<PartitionAssignment> written =
        List.of(
            PartitionAssignment.of(List.of(1)),
            PartitionAssignment.of(List.of(1, 2)).reassignTo(List.of(2, 3)));
    byte[] json = ZkJson.assignments(written);
    assertEquals(
        "{\"version\":2,\"partitions\":{\"0\":[1],\"1\":[2,3,1]},"
            + "\"adding_replicas\":{\"1\":[3]},\"removing_replicas\":{\"1\":[1]}}",
        new String(json, java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(written, ZkJson.assignments("t", json));
    assertEquals(List.of(List.of(1), List.of(2, 3, 1)), ZkJson.assignment("t", json));
    // A topic written before reassignments (or by createTopic) has empty fields.
    assertEquals(
        List.of(PartitionAssignment.of(List.of(3))),
        ZkJson.assignments("t", ZkJson.assignment(List.of(List.of(3)))));
  }

  @Test
  void targetsAreCheckedAsKafkaChecksThem() {
    assertEquals(
        new ReassignmentOutcome(
            Errors.INVALID_REPLICA_ASSIGNMENT,
            "Empty replica list specified in partition reassignment."),
        ReassignmentOutcome.checkTarget(List.of()));
    assertEquals(
        new ReassignmentOutcome(
            Errors.INVALID_REPLICA_ASSIGNMENT,
            "Duplicate replica ids in partition reassignment replica list: [1, 1]"),
        ReassignmentOutcome.checkTarget(List.of(1, 1)));
    assertEquals(
        new ReassignmentOutcome(
            Errors.INVALID_REPLICA_ASSIGNMENT, "Invalid broker id in replica list: [1, -2]"),
        ReassignmentOutcome.checkTarget(List.of(1, -2)));
    assertNull(ReassignmentOutcome.checkTarget(List.of(3, 1)));
  }

  @Test
  void whileTheNewReplicasCatchUp_nothingIsWritten() {
    PartitionAssignment moving = PartitionAssignment.of(List.of(1, 2)).reassignTo(List.of(2, 3));
    assertNull(ReassignmentStep.next(moving, state(1, 4, List.of(1, 2)), LIVE, 7, false));
    assertNull(
        ReassignmentStep.next(
            PartitionAssignment.of(List.of(1, 2)), state(1, 4, List.of(1, 2)), LIVE, 7, false),
        "no reassignment, nothing stray");
  }

  @Test
  void onceTheTargetIsInSync_aLeaderOutsideItHandsOverAndTheRemovedLeaveTheIsr() {
    PartitionAssignment moving = PartitionAssignment.of(List.of(1, 2)).reassignTo(List.of(2, 3));
    ReassignmentStep.Step step =
        ReassignmentStep.next(moving, state(1, 4, List.of(1, 2, 3)), LIVE, CONTROLLER_EPOCH, false);
    assertEquals(new PartitionState(2, 5, List.of(2, 3), CONTROLLER_EPOCH, 20L), step.state());
    assertEquals(PartitionAssignment.of(List.of(2, 3)), step.assignment());
  }

  @Test
  void onceTheTargetIsInSync_aLeaderInsideItStays_withANewEpochThatFencesItsOldIsrWrites() {
    PartitionAssignment growing = PartitionAssignment.of(List.of(1)).reassignTo(List.of(1, 2, 3));
    ReassignmentStep.Step step =
        ReassignmentStep.next(
            growing, state(1, 0, List.of(1, 3, 2)), LIVE, CONTROLLER_EPOCH, false);
    assertEquals(new PartitionState(1, 1, List.of(1, 3, 2), CONTROLLER_EPOCH, 10L), step.state());
    assertEquals(PartitionAssignment.of(List.of(1, 2, 3)), step.assignment());
  }

  @Test
  void withPreferredLeaders_theFirstTargetReplicaLeadsOnCompletion() {
    PartitionAssignment moving = PartitionAssignment.of(List.of(1, 2)).reassignTo(List.of(3, 2));
    ReassignmentStep.Step step =
        ReassignmentStep.next(moving, state(2, 4, List.of(1, 2, 3)), LIVE, CONTROLLER_EPOCH, true);
    assertEquals(3, step.state().leader());
    assertEquals(30L, step.state().leaderBrokerEpoch());
    assertEquals(List.of(2, 3), step.state().isr());
  }

  @Test
  void aLeaderThatIsNotLiveInItsIncarnationCompletesNothing() {
    PartitionAssignment moving = PartitionAssignment.of(List.of(1, 2)).reassignTo(List.of(2, 3));
    assertNull(
        ReassignmentStep.next(
            moving, state(1, 4, List.of(1, 2, 3)), Map.of(1, 11L, 2, 20L, 3, 30L), 7, false),
        "broker 1 restarted: the ordinary election goes first");
  }

  @Test
  void afterACancellation_droppedReplicasLeaveTheIsr_andADroppedLeaderHandsOver() {
    PartitionAssignment cancelled = PartitionAssignment.of(List.of(1, 2));
    ReassignmentStep.Step isrOnly =
        ReassignmentStep.next(
            cancelled, state(1, 4, List.of(1, 2, 3)), LIVE, CONTROLLER_EPOCH, false);
    assertEquals(new PartitionState(1, 5, List.of(1, 2), CONTROLLER_EPOCH, 10L), isrOnly.state());
    assertNull(isrOnly.assignment());

    ReassignmentStep.Step newLeader =
        ReassignmentStep.next(cancelled, state(3, 4, List.of(3, 2)), LIVE, CONTROLLER_EPOCH, false);
    assertEquals(new PartitionState(2, 5, List.of(2), CONTROLLER_EPOCH, 20L), newLeader.state());

    ReassignmentStep.Step offline =
        ReassignmentStep.next(cancelled, state(3, 4, List.of(3)), LIVE, CONTROLLER_EPOCH, false);
    assertEquals(new PartitionState(-1, 5, List.of(3), CONTROLLER_EPOCH, -1), offline.state());
    assertNull(
        ReassignmentStep.next(cancelled, offline.state(), LIVE, CONTROLLER_EPOCH, false),
        "offline stays as it is: the election only picks replicas");
  }
}
