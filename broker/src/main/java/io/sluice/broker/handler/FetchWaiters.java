package io.sluice.broker.handler;

import io.sluice.broker.storage.Log;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parked fetches by partition log, woken by appends. Each {@link Log} gets one append listener, the
 * first time a fetch parks on it; the listener runs on the appending thread and only calls the
 * parked fetches' wake-ups, which schedule a retry on their own event loops. A deleted topic's
 * {@link Log} object is never appended to again, so its listener simply never fires; its (empty)
 * entry stays in the map, one per deleted partition, which is the known cost of not racing listener
 * removal against appends. Thread-safe.
 */
final class FetchWaiters {
  private final Map<Log, Set<Runnable>> waiting =
      Collections.synchronizedMap(new IdentityHashMap<>());

  /**
   * Runs {@code wake} (on the appending thread) after each append to {@code log}, until removed.
   */
  void park(Log log, Runnable wake) {
    boolean first;
    Set<Runnable> set;
    synchronized (waiting) {
      set = waiting.get(log);
      first = set == null;
      if (first) {
        set = ConcurrentHashMap.newKeySet();
        waiting.put(log, set);
      }
    }
    set.add(wake);
    if (first) {
      log.addAppendListener(() -> wakeAll(log));
    }
  }

  void unpark(Log log, Runnable wake) {
    Set<Runnable> set = waiting.get(log);
    if (set != null) {
      set.remove(wake);
    }
  }

  private void wakeAll(Log log) {
    Set<Runnable> set = waiting.get(log);
    if (set != null) {
      for (Runnable wake : set) {
        wake.run();
      }
    }
  }
}
