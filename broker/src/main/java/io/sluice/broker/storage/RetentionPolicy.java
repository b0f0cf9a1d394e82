package io.sluice.broker.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Which sealed segments retention deletes: oldest first, never the active one, while the oldest is
 * older than {@code log.retention.ms} (by its max timestamp, or its creation time without
 * timestamps) or the partition without it is still at least {@code log.retention.bytes}; nothing
 * when {@code cleanup.policy} does not name {@code delete}. Stateless.
 */
final class RetentionPolicy {
  private RetentionPolicy() {}

  static List<LogSegment> expired(
      Collection<LogSegment> oldestFirst, LogSegment active, LogConfig config, long now) {
    List<LogSegment> removed = new ArrayList<>();
    if (!config.cleanupDelete()) {
      return removed; // cleanup.policy=compact: only the cleaner removes records
    }
    long total = 0;
    for (LogSegment s : oldestFirst) {
      total += s.size();
    }
    for (LogSegment s : oldestFirst) {
      if (s == active) {
        break;
      }
      long lastTime = s.maxTimestamp() >= 0 ? s.maxTimestamp() : s.createdMs();
      boolean expired = config.retentionMs() >= 0 && now - lastTime > config.retentionMs();
      boolean oversize =
          config.retentionBytes() >= 0 && total - s.size() >= config.retentionBytes();
      if (!expired && !oversize) {
        break;
      }
      removed.add(s);
      total -= s.size();
    }
    return removed;
  }
}
