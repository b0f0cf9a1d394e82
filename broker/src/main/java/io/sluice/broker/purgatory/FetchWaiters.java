package io.sluice.broker.purgatory;

import io.sluice.broker.storage.Log;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parked fetches by partition log, woken by appends. A {@link Log} has an entry (and one append
 * listener) exactly while at least one fetch is parked on it: the first fetch to park adds both,
 * the last to leave removes both. So a deleted topic's logs leave no entry behind once their parked
 * fetches have answered (at the latest at their {@code max.wait.ms}), and a log's listener list
 * does not grow with the number of times fetches parked on it.
 *
 * <p>The listener runs on the appending thread and only calls the parked fetches' wake-ups, which
 * schedule a retry on their own event loops. Thread-safe: the map is guarded by its own monitor,
 * held briefly; under it only the log's (lock-free for appenders) listener list is touched, so that
 * an entry and its listener are added and removed together.
 */
public final class FetchWaiters {
  /** One log's parked fetches and the listener that wakes them. */
  private record Entry(Set<Runnable> wakes, Runnable listener) {}

  private final Map<Log, Entry> waiting = new IdentityHashMap<>();

  /**
   * Runs {@code wake} (on the appending thread) after each append to {@code log}, until removed.
   */
  public void park(Log log, Runnable wake) {
    synchronized (waiting) {
      Entry entry = waiting.get(log);
      if (entry == null) {
        Set<Runnable> wakes = ConcurrentHashMap.newKeySet();
        entry = new Entry(wakes, () -> wakeAll(wakes));
        waiting.put(log, entry);
        log.addAppendListener(entry.listener());
      }
      entry.wakes().add(wake);
    }
  }

  public void unpark(Log log, Runnable wake) {
    synchronized (waiting) {
      Entry entry = waiting.get(log);
      if (entry != null && entry.wakes().remove(wake) && entry.wakes().isEmpty()) {
        waiting.remove(log);
        log.removeAppendListener(entry.listener());
      }
    }
  }

  /** How many logs have parked fetches (for tests). */
  public int parkedLogs() {
    synchronized (waiting) {
      return waiting.size();
    }
  }

  private static void wakeAll(Set<Runnable> wakes) {
    for (Runnable wake : wakes) {
      wake.run();
    }
  }
}
