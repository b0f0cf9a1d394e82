package io.sluice.broker.handler;

import io.netty.util.concurrent.EventExecutor;
import io.sluice.protocol.message.ApiMessage;

/**
 * Where a handler sends its one response. Responses leave the connection in request order whatever
 * the order in which they are completed; {@link #respond} may be called from any thread.
 */
public interface Responder {
  /**
   * Completes the request with {@code body} written at {@code version} (the request's, except for
   * ApiVersions' v0 error answer); the frame is built on the connection's event loop.
   */
  void respond(ApiMessage body, short version);

  /** Completes a request that gets no response (Produce with acks=0). */
  void respondNothing();

  /**
   * As {@link #respond}, then mutes the connection for {@code throttleMs} once the response is
   * written: no request of the connection is read or started meanwhile (client quotas, KIP-219).
   * Requests already in progress still complete. 0 is {@link #respond}.
   */
  default void respond(ApiMessage body, short version, int throttleMs) {
    respond(body, version);
  }

  /** As {@link #respondNothing}, then mutes the connection for {@code throttleMs}. */
  default void respondNothing(int throttleMs) {
    respondNothing();
  }

  /** The connection's event loop, for timers and for work that must not race with it. */
  EventExecutor executor();

  /** Whether the connection is still open (a parked request may give up early when not). */
  boolean isOpen();
}
