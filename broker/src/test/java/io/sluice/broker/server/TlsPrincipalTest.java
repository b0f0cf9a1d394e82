package io.sluice.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.sluice.broker.TestCertificates;
import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.SslConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The connection's principal after the TLS handshake: the client certificate's subject in Kafka's
 * form, or {@code User:ANONYMOUS} without one. Client and server are two embedded channels whose
 * bytes are passed back and forth by hand.
 */
class TlsPrincipalTest {

  private static SslContext server(String clientAuth) throws Exception {
    TestCertificates certs = TestCertificates.get();
    SslConfig ssl =
        BrokerConfig.from(
                Map.of(
                    "listeners",
                    "SSL://127.0.0.1:0",
                    "ssl.keystore.type",
                    "PKCS12",
                    "ssl.keystore.location",
                    certs.serverPkcs12.toString(),
                    "ssl.keystore.password",
                    TestCertificates.PASSWORD,
                    "ssl.truststore.type",
                    "PEM",
                    "ssl.truststore.location",
                    certs.caPem.toString(),
                    "ssl.client.auth",
                    clientAuth))
            .listeners()
            .ssl("SSL");
    return SslContexts.server(ssl);
  }

  private static SslContext client(boolean withCertificate) throws Exception {
    TestCertificates certs = TestCertificates.get();
    SslContextBuilder builder =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .trustManager(certs.caPem.toFile());
    if (withCertificate) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(certs.clientPkcs12)) {
        store.load(in, TestCertificates.PASSWORD.toCharArray());
      }
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, TestCertificates.PASSWORD.toCharArray());
      builder.keyManager(keys);
    }
    return builder.build();
  }

  /** The server side's principal after a handshake with the given client, or null if none ended. */
  private static String handshake(SslContext server, SslContext client) {
    EmbeddedChannel serverChannel = new EmbeddedChannel();
    EmbeddedChannel clientChannel = new EmbeddedChannel();
    try {
      serverChannel
          .pipeline()
          .addLast(server.newHandler(serverChannel.alloc()), new TlsPrincipal());
      SslHandler clientSsl = client.newHandler(clientChannel.alloc(), "localhost", 9093);
      clientChannel.pipeline().addLast(clientSsl);
      for (int round = 0; round < 20; round++) {
        try {
          pass(clientChannel, serverChannel);
          pass(serverChannel, clientChannel);
          serverChannel.runPendingTasks();
          clientChannel.runPendingTasks();
        } catch (RuntimeException handshakeFailed) {
          break; // a refused handshake: the SslHandler's exception, rethrown by the channel
        }
        if (serverChannel.attr(TlsPrincipal.KEY).get() != null
            && clientSsl.handshakeFuture().isDone()) {
          break;
        }
      }
      return serverChannel.attr(TlsPrincipal.KEY).get();
    } finally {
      clientChannel.finishAndReleaseAll();
      serverChannel.finishAndReleaseAll();
    }
  }

  /** Moves what {@code from} wrote into {@code to}'s inbound side. */
  private static void pass(EmbeddedChannel from, EmbeddedChannel to) {
    ByteBuf out;
    while ((out = from.readOutbound()) != null) {
      to.writeInbound(out);
    }
  }

  @Test
  void aClientCertificate_isThePrincipal() throws Exception {
    assertEquals(TestCertificates.CLIENT_PRINCIPAL, handshake(server("required"), client(true)));
  }

  @Test
  void noClientCertificate_isAnonymous() throws Exception {
    assertEquals(TlsPrincipal.ANONYMOUS, handshake(server("requested"), client(false)));
    assertEquals(TlsPrincipal.ANONYMOUS, handshake(server("none"), client(true)));
  }

  @Test
  void required_withoutACertificate_neverGetsAPrincipal() throws Exception {
    assertNull(handshake(server("required"), client(false)));
    EmbeddedChannel plaintext = new EmbeddedChannel();
    assertEquals(TlsPrincipal.ANONYMOUS, TlsPrincipal.of(plaintext));
    plaintext.finishAndReleaseAll();
  }
}
