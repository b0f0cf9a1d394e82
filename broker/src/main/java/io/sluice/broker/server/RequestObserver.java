package io.sluice.broker.server;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ApiMessage;

/**
 * Told about every answered request, for metrics. Called on the connection's event loop when the
 * response is complete (before it is written); must be quick, must not block and must not throw.
 */
public interface RequestObserver {
  RequestObserver NONE = (api, nanos, response) -> {};

  /**
   * @param nanos from the moment the request was handed to its handler to its response
   * @param response the response body, or null for a request that gets none (acks=0 Produce)
   */
  void completed(ApiKey api, long nanos, ApiMessage response);
}
