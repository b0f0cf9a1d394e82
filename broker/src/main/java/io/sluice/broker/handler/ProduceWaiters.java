package io.sluice.broker.handler;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code acks=all} produce purgatory: a request whose partitions are appended waits until, for
 * every partition, the fsync covers its batches and the high watermark has passed them (the in-sync
 * replicas have them), or until the request's {@code timeout.ms}, whichever comes first. The
 * waiting itself is on the logs (flush and high-watermark waiters, completed by the thread that
 * moves them); this class joins them, answers each partition's outcome ({@code KAFKA_STORAGE_ERROR}
 * for a failed fsync, {@code NOT_LEADER_OR_FOLLOWER} when leadership moved first, {@code
 * REQUEST_TIMED_OUT} when the replicas did not confirm in time) and sends the response once, on the
 * connection's event loop.
 *
 * <p>Thread safety: the outcome is written by exactly one thread: whichever wins the {@code
 * answered} flag.
 */
final class ProduceWaiters {
  private ProduceWaiters() {}

  static void await(
      List<ProduceHandler.PendingFlush> pending,
      int timeoutMs,
      EventExecutor loop,
      Runnable respond) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (ProduceHandler.PendingFlush p : pending) {
      all.add(p.flushed());
      all.add(p.replicated());
    }
    AtomicBoolean answered = new AtomicBoolean();
    boolean replicated = true;
    for (ProduceHandler.PendingFlush p : pending) {
      replicated &= p.replicated().isDone();
    }
    // Only a wait for other replicas expires: a single replica's fsync is answered when it is done,
    // as it always was.
    ScheduledFuture<?> timer =
        replicated
            ? null
            : loop.schedule(
                () -> {
                  if (answered.compareAndSet(false, true)) {
                    outcome(pending, true);
                    respond.run();
                  }
                },
                Math.max(timeoutMs, 1),
                TimeUnit.MILLISECONDS);
    CompletableFuture.allOf(all.toArray(CompletableFuture<?>[]::new))
        .whenComplete(
            (ignored, error) -> {
              if (answered.compareAndSet(false, true)) {
                if (timer != null) {
                  timer.cancel(false);
                }
                outcome(pending, false);
                respond.run();
              }
            });
  }

  private static void outcome(List<ProduceHandler.PendingFlush> pending, boolean timedOut) {
    for (ProduceHandler.PendingFlush p : pending) {
      if (p.flushed().isCompletedExceptionally()) {
        ProduceHandler.failed(p.partition(), Errors.KAFKA_STORAGE_ERROR, "fsync failed");
      } else if (p.replicated().isCompletedExceptionally()) {
        ProduceHandler.failed(p.partition(), errorOf(p.replicated()), "leadership moved");
      } else if (timedOut && !(p.flushed().isDone() && p.replicated().isDone())) {
        ProduceHandler.failed(
            p.partition(),
            Errors.REQUEST_TIMED_OUT,
            "the in-sync replicas did not confirm the write within timeout.ms");
      }
    }
  }

  private static Errors errorOf(CompletableFuture<Void> future) {
    try {
      future.join();
      return Errors.NONE;
    } catch (CompletionException e) {
      return e.getCause() instanceof SluiceException s ? s.error() : Errors.UNKNOWN_SERVER_ERROR;
    }
  }
}
