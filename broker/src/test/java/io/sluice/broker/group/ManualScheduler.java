package io.sluice.broker.group;

import java.util.PriorityQueue;
import java.util.concurrent.Executor;

/**
 * A {@link Scheduler} whose clock moves only in {@link #advance}, which runs the tasks that fall
 * due in time order. Also an {@link Executor} (tasks run at the next advance), so that a {@link
 * GroupStore} given it writes only when the test lets it: a test can observe what waits for a
 * durable write.
 */
final class ManualScheduler implements Scheduler, Executor {
  private record Task(long dueMs, long sequence, Runnable action, boolean[] cancelled) {}

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) ->
              a.dueMs != b.dueMs
                  ? Long.compare(a.dueMs, b.dueMs)
                  : Long.compare(a.sequence, b.sequence));
  private long now = 1_000_000;
  private long sequence;
  private boolean closed;

  @Override
  public synchronized long nowMs() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(long delayMs, Runnable task) {
    boolean[] cancelled = new boolean[1];
    if (!closed) {
      tasks.add(new Task(now + Math.max(0, delayMs), sequence++, task, cancelled));
    }
    return () -> cancelled[0] = true;
  }

  @Override
  public void execute(Runnable command) {
    schedule(0, command);
  }

  /** Moves the clock {@code ms} forward, running every task due by then, in order. */
  void advance(long ms) {
    long target;
    synchronized (this) {
      target = now + ms;
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.dueMs > target) {
          now = target;
          return;
        }
        tasks.poll();
        now = next.dueMs;
      }
      if (!next.cancelled[0]) {
        next.action.run();
      }
    }
  }

  /** Runs what is due now (store writes, zero-delay timers). */
  void runDue() {
    advance(0);
  }

  /** Live (not cancelled) tasks still queued. */
  synchronized int pendingTasks() {
    int live = 0;
    for (Task task : tasks) {
      if (!task.cancelled[0]) {
        live++;
      }
    }
    return live;
  }

  @Override
  public synchronized void close() {
    closed = true;
    tasks.clear();
  }
}
