package io.sluice.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Checks, before a command that talks to a broker runs, that something accepts TCP connections at
 * one of its bootstrap addresses. The client retries a refused connection until its timeout (as
 * Kafka's does, a broker may be restarting); a person at a terminal wants to hear at once that no
 * broker is there. Stateless.
 */
final class BrokerProbe {
  /** The longest a probe waits for one address to accept, whatever {@code --timeout-ms} says. */
  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private BrokerProbe() {}

  /**
   * Returns when one of {@code bootstrapServers} (a comma-separated {@code HOST:PORT} list) accepts
   * a connection.
   *
   * @throws UnreachableException naming the first address and why it failed, with a hint
   * @throws IllegalArgumentException when an address is not {@code HOST:PORT}
   */
  static void check(String bootstrapServers, long timeoutMs) {
    String first = null;
    String reason = null;
    for (String server : bootstrapServers.split(",")) {
      String hostPort = server.trim();
      if (hostPort.isEmpty()) {
        continue;
      }
      InetSocketAddress address = parse(hostPort);
      try (Socket socket = new Socket()) {
        socket.connect(address, (int) Math.max(1, Math.min(timeoutMs, CONNECT_TIMEOUT_MS)));
        return;
      } catch (IOException e) {
        if (first == null) {
          first = hostPort;
          reason = describe(e);
        }
      }
    }
    if (first == null) {
      throw new IllegalArgumentException("--bootstrap-server is empty: give HOST:PORT");
    }
    throw new UnreachableException(first, reason);
  }

  static InetSocketAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    int port = -1;
    if (colon > 0) {
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "--bootstrap-server must be HOST:PORT (e.g. 127.0.0.1:9092), got '" + hostPort + "'");
    }
    return new InetSocketAddress(hostPort.substring(0, colon), port);
  }

  private static String describe(IOException e) {
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof SocketTimeoutException) {
      return "no answer to the connection attempt";
    }
    if (e instanceof UnknownHostException) {
      return "unknown host";
    }
    if (e instanceof NoRouteToHostException) {
      return "no route to host";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** No broker answered at the bootstrap address: exit code 3. */
  static final class UnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreachableException(String hostPort, String reason) {
      super(
          "cannot connect to broker at "
              + hostPort
              + ": "
              + reason
              + "; is a broker running at "
              + hostPort
              + "? (bin/sluice-broker start)");
    }
  }
}
