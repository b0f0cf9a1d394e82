package io.sluice.client.internal;

import io.sluice.protocol.Errors;
import java.util.List;

/**
 * A topic as the last metadata response described it: its error (NONE when it exists) and the
 * leader of each partition, indexed by partition number (-1 when the partition has no leader).
 */
record TopicInfo(String name, Errors error, List<Integer> leaders) {
  int partitionCount() {
    return leaders.size();
  }

  int leader(int partition) {
    return partition < leaders.size() ? leaders.get(partition) : -1;
  }
}
