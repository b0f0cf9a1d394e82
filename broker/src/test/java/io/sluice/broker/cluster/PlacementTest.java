package io.sluice.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.broker.config.Endpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementTest {
  private static BrokerInfo broker(int id, String rack) {
    return new BrokerInfo(id, List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9000 + id)), rack, id);
  }

  private static Map<Integer, Integer> counts(List<List<Integer>> assignment) {
    Map<Integer, Integer> counts = new HashMap<>();
    assignment.forEach(r -> counts.merge(r.get(0), 1, Integer::sum));
    return counts;
  }

  @Test
  void sixPartitionsOnThreeBrokersGiveTwoEach() {
    List<List<Integer>> out =
        Placement.assign(6, List.of(broker(1, null), broker(2, null), broker(3, null)), Map.of());
    assertEquals(
        List.of(List.of(1), List.of(2), List.of(3), List.of(1), List.of(2), List.of(3)), out);
  }

  @Test
  void aLoadedBrokerGetsNewPartitionsLast() {
    // Broker 1 holds two partitions, broker 2 one, broker 3 none: three more even them out.
    List<List<Integer>> out =
        Placement.assign(
            3, List.of(broker(1, null), broker(2, null), broker(3, null)), Map.of(1, 2, 2, 1));
    assertEquals(List.of(List.of(3), List.of(2), List.of(3)), out);
  }

  @Test
  void consecutivePartitionsAlternateRacks() {
    // Rack a has brokers 1 and 2, rack b has 3 and 4: the order is 1 (a), 3 (b), 2 (a), 4 (b).
    List<BrokerInfo> live = List.of(broker(1, "a"), broker(2, "a"), broker(3, "b"), broker(4, "b"));
    assertEquals(List.of(1, 3, 2, 4), Placement.rackAlternated(live));
    List<List<Integer>> out = Placement.assign(4, live, Map.of());
    assertEquals(List.of(List.of(1), List.of(3), List.of(2), List.of(4)), out);
  }

  @Test
  void anUnevenRackLayoutStillSpreadsEvenlyOverBrokers() {
    List<BrokerInfo> live = List.of(broker(1, "a"), broker(2, "a"), broker(3, "b"));
    assertEquals(List.of(1, 3, 2), Placement.rackAlternated(live));
    assertEquals(Map.of(1, 2, 2, 2, 3, 2), counts(Placement.assign(6, live, Map.of())));
  }

  @Test
  void noLiveBrokerIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> Placement.assign(1, List.of(), Map.of()));
  }
}
