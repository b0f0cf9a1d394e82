package io.sluice.broker.cluster;

import io.sluice.broker.config.InterBrokerSecurity;
import io.sluice.broker.server.SslContexts;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.SaslAuthenticateRequest;
import io.sluice.protocol.message.SaslAuthenticateResponse;
import io.sluice.protocol.message.SaslHandshakeRequest;
import io.sluice.protocol.message.SaslHandshakeResponse;
import io.sluice.protocol.sasl.ScramClient;
import io.sluice.protocol.sasl.ScramMechanism;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * Opens this broker's connections to other brokers' inter-broker listener, secured as that listener
 * is ({@link InterBrokerSecurity}): TCP; then for {@code SSL} and {@code SASL_SSL} a TLS handshake
 * (the JDK's engine on a blocking socket; the listener's trust store checks the other broker's
 * certificate and, with {@code ssl.endpoint.identification.algorithm=https}, that it names the host
 * connected to; the listener's key store is the client certificate); then for {@code
 * SASL_PLAINTEXT} and {@code SASL_SSL} Kafka's SASL exchange (SaslHandshake v1, SaslAuthenticate
 * v1) with {@code sasl.mechanism.inter.broker.protocol} and the broker's own credentials: PLAIN
 * sends them, SCRAM proves them ({@link ScramClient}, which also checks the other broker's proof).
 *
 * <p>A refusal (a TLS handshake that fails, an authentication the other broker refuses, or a SCRAM
 * server that does not prove the credential) is a {@link SecurityFailure}: it will not go away by
 * retrying soon, and the caller says so loudly and backs off. Immutable; thread-safe.
 */
final class InterBrokerConnector {
  private static final int SETUP_TIMEOUT_MS = 10_000;
  private static final short HANDSHAKE_VERSION = 1;
  private static final short AUTHENTICATE_VERSION = 1;
  private static final String ANONYMOUS = "User:ANONYMOUS";

  /** The other broker refused this one, or this one refused it: a setup problem, not a blip. */
  static final class SecurityFailure extends IOException {
    private static final long serialVersionUID = 1L;

    SecurityFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final InterBrokerSecurity security;
  private final SSLContext tls; // null without TLS

  /**
   * Builds the TLS client context now, so that a key or trust store that cannot be read stops the
   * broker at startup ({@link io.sluice.broker.config.ConfigException}, naming the key).
   */
  InterBrokerConnector(InterBrokerSecurity security) {
    this.security = security;
    this.tls = security.tls() ? SslContexts.client(security.ssl()) : null;
  }

  InterBrokerSecurity security() {
    return security;
  }

  /**
   * A connection to broker {@code brokerId} at {@code address}, set up and authenticated; reads
   * block at most {@code readTimeoutMs} afterwards; requests carry {@code clientId}.
   */
  BrokerConnection connect(
      int brokerId, InetSocketAddress address, int readTimeoutMs, String clientId)
      throws IOException {
    String peer =
        "broker "
            + brokerId
            + " at "
            + address.getHostString()
            + ":"
            + address.getPort()
            + " ("
            + security.listenerName()
            + ", "
            + security.protocol()
            + ")";
    Socket tcp = new Socket();
    BrokerConnection connection = null;
    try {
      tcp.connect(address, SETUP_TIMEOUT_MS);
      tcp.setTcpNoDelay(true);
      tcp.setSoTimeout(SETUP_TIMEOUT_MS);
      Socket socket = tcp;
      String principal = ANONYMOUS;
      if (tls != null) {
        SSLSocket secured = handshake(tcp, address, peer);
        socket = secured;
        java.security.Principal certificate = secured.getSession().getLocalPrincipal();
        if (certificate != null) {
          principal = "User:" + certificate.getName();
        }
      }
      if (security.sasl()) {
        principal = "User:" + security.credentials().username();
      }
      connection = new BrokerConnection(tcp, socket, clientId, peer, principal);
      if (security.sasl()) {
        authenticate(connection);
      }
      connection.readTimeout(readTimeoutMs);
      return connection;
    } catch (IOException | RuntimeException e) {
      if (connection != null) {
        connection.close();
      } else {
        tcp.close();
      }
      throw e;
    }
  }

  private SSLSocket handshake(Socket tcp, InetSocketAddress address, String peer)
      throws IOException {
    SSLSocket socket =
        SslContexts.clientSocket(
            tls, security.ssl(), tcp, address.getHostString(), address.getPort());
    try {
      socket.startHandshake();
    } catch (SSLException e) {
      throw new SecurityFailure("TLS handshake with " + peer + " failed: " + reason(e), e);
    }
    return socket;
  }

  private void authenticate(BrokerConnection connection) throws IOException {
    String mechanism = security.saslMechanism();
    String user = security.credentials().username();
    String password = security.credentials().password();
    SaslHandshakeResponse handshake =
        (SaslHandshakeResponse)
            exchange(
                connection,
                ApiKey.SASL_HANDSHAKE,
                HANDSHAKE_VERSION,
                new SaslHandshakeRequest().setMechanism(mechanism));
    if (handshake.errorCode() != Errors.NONE.code()) {
      throw new SecurityFailure(
          connection.peer()
              + " refused SASL mechanism "
              + mechanism
              + " ("
              + Errors.forCode(handshake.errorCode())
              + "; it enables "
              + handshake.mechanisms()
              + ")",
          null);
    }
    if (mechanism.equals("PLAIN")) {
      step(connection, user, ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
      return;
    }
    ScramClient scram = new ScramClient(ScramMechanism.forName(mechanism), user, password);
    try {
      byte[] serverFirst = step(connection, user, scram.clientFirst());
      byte[] serverFinal = step(connection, user, scram.clientFinal(serverFirst));
      scram.verify(serverFinal);
    } catch (ScramClient.Failure e) {
      throw new SecurityFailure(
          connection.peer() + ": SCRAM authentication as '" + user + "': " + e.getMessage(), e);
    }
  }

  /** One SaslAuthenticate round trip: the server's token, or a refusal. */
  private byte[] step(BrokerConnection connection, String user, byte[] token) throws IOException {
    SaslAuthenticateResponse answer =
        (SaslAuthenticateResponse)
            exchange(
                connection,
                ApiKey.SASL_AUTHENTICATE,
                AUTHENTICATE_VERSION,
                new SaslAuthenticateRequest().setAuthBytes(token));
    if (answer.errorCode() != Errors.NONE.code()) {
      throw new SecurityFailure(
          connection.peer()
              + " refused this broker's "
              + security.saslMechanism()
              + " authentication as user '"
              + user
              + "': "
              + Errors.forCode(answer.errorCode())
              + (answer.errorMessage() != null ? " (" + answer.errorMessage() + ")" : ""),
          null);
    }
    return answer.authBytes();
  }

  /** An exchange during setup; a TLS alert here (a refused client certificate) is a refusal. */
  private static Object exchange(
      BrokerConnection connection,
      ApiKey api,
      short version,
      io.sluice.protocol.message.ApiMessage body)
      throws IOException {
    try {
      return connection.exchange(api, version, body);
    } catch (SSLException e) {
      throw new SecurityFailure(
          "TLS with " + connection.peer() + " failed during SASL: " + reason(e), e);
    }
  }

  /** The exception's message with its root cause's (a certificate path problem, an alert). */
  static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(e.getMessage());
    return root == e || root.getMessage() == null || message.contains(root.getMessage())
        ? message
        : message + " (" + root.getMessage() + ")";
  }
}
