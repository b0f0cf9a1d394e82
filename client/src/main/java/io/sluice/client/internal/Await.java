package io.sluice.client.internal;

import io.sluice.client.SluiceClientException;
import io.sluice.protocol.Errors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocking waits for the application-thread side of the client, turning every failure into a {@link
 * SluiceClientException}. Never called on the I/O thread, which completes the futures.
 */
public final class Await {
  private Await() {}

  public static <T> T get(CompletableFuture<T> future, long timeoutMs) {
    try {
      return future.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SluiceClientException s) {
        throw s;
      }
      throw new SluiceClientException(
          Errors.UNKNOWN_SERVER_ERROR, null, String.valueOf(cause.getMessage()), false, cause);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new SluiceClientException(
          Errors.REQUEST_TIMED_OUT, null, "no answer within " + timeoutMs + " ms", true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SluiceClientException(Errors.UNKNOWN_SERVER_ERROR, null, "interrupted", false, e);
    }
  }

  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SluiceClientException(Errors.UNKNOWN_SERVER_ERROR, null, "interrupted", false, e);
    }
  }
}
