package io.sluice.broker.group;

/**
 * The classic group protocol's states, named on the wire (ListGroups, DescribeGroups) as Kafka
 * names them.
 *
 * <pre>
 * Empty --first join--> PreparingRebalance --all joined / timeout--> CompletingRebalance
 *   ^                        ^        |                                   |
 *   |                        |        +--no member left--> Empty          | leader's SyncGroup
 *   |                        +--join, leave, expiry-----------------------+ stored durably
 *   |                        +--join, leave, expiry--- Stable <-----------+
 * Dead: only after the coordinator closed.
 * </pre>
 */
public enum GroupState {
  EMPTY("Empty"),
  PREPARING_REBALANCE("PreparingRebalance"),
  COMPLETING_REBALANCE("CompletingRebalance"),
  STABLE("Stable"),
  DEAD("Dead");

  private final String displayName;

  GroupState(String displayName) {
    this.displayName = displayName;
  }

  /** The name Kafka puts in ListGroups and DescribeGroups responses, e.g. {@code Stable}. */
  public String displayName() {
    return displayName;
  }

  /** The state with the given Kafka name, case-insensitively, or null. */
  public static GroupState forDisplayName(String name) {
    for (GroupState state : values()) {
      if (state.displayName.equalsIgnoreCase(name)) {
        return state;
      }
    }
    return null;
  }
}
