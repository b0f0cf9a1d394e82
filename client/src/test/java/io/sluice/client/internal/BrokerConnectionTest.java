package io.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.client.SluiceClientException;
import io.sluice.protocol.Errors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class BrokerConnectionTest {
  /**
   * A callback that runs while its client closes (a group answer arriving during close) asks for a
   * new connection: it gets a clear, non-retriable error instead of a channel the stopping event
   * loop force-closes with a warning and a stack trace.
   */
  @Test
  void open_transportClosing_failsAtOnceSayingTheClientIsClosing() {
    Transport transport = new Transport("test-io");
    transport.close();

    CompletableFuture<BrokerConnection> opened =
        BrokerConnection.open(transport, "127.0.0.1", 9, "test", 1000, 1 << 20);

    CompletionException e = assertThrows(CompletionException.class, opened::join);
    SluiceClientException cause = assertInstanceOf(SluiceClientException.class, e.getCause());
    assertEquals(Errors.NETWORK_EXCEPTION, cause.error());
    assertEquals(
        "not connecting to broker at 127.0.0.1:9: the client is closing", cause.getMessage());
    assertFalse(cause.retriable());
  }
}
