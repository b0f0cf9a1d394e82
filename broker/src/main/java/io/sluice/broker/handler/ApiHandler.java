package io.sluice.broker.handler;

import io.sluice.protocol.ApiKey;

/**
 * Serves one Kafka API. Called on the connection's event loop with the request body; the body is
 * released when {@link #handle} returns, so a handler that answers later must have parsed (and
 * appended) everything it needs before returning.
 */
public interface ApiHandler {
  ApiKey apiKey();

  short lowestVersion();

  short highestVersion();

  /**
   * The lowest version ApiVersions advertises: {@link #lowestVersion} except where Kafka advertises
   * versions it does not serve (Produce v0-v2), which such a handler then refuses with an error.
   */
  default short advertisedLowestVersion() {
    return lowestVersion();
  }

  /** Whether the dispatcher should hand over a request of this version (else it closes). */
  default boolean accepts(short version) {
    return version >= lowestVersion() && version <= highestVersion();
  }

  /** Parses, serves, and calls {@link Responder#respond} exactly once, now or later. */
  void handle(Request request, Responder responder);
}
