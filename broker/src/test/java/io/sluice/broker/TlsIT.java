package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.config.ConfigException;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ApiVersionsRequest;
import io.sluice.testing.ExpectedLogs;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SSL listeners with kafka-clients: produce and consume over TLS (fetches on the copy path, never
 * {@code sendfile}), key stores in every format, mutual TLS required (and refused without a client
 * certificate), and the wrong protocol on each kind of port or garbage during the handshake: each
 * connection refused, the broker serving the next client. Netty's leak detector (paranoid in the
 * build) watches every buffer of these connections.
 */
class TlsIT {
  private static TestCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.get();
  }

  /** An SSL listener (plus a PLAINTEXT one) with the server's PKCS12 key store. */
  private static Map<String, String> sslBroker(String... more) {
    Map<String, String> config = new HashMap<>();
    config.put("listeners", "SSL://127.0.0.1:0,PLAINTEXT://127.0.0.1:0");
    config.put("ssl.keystore.type", "PKCS12");
    config.put("ssl.keystore.location", certs.serverPkcs12.toString());
    config.put("ssl.keystore.password", TestCertificates.PASSWORD);
    for (int i = 0; i < more.length; i += 2) {
      config.put(more[i], more[i + 1]);
    }
    return config;
  }

  /** Kafka's client keys for TLS, trusting the test CA. */
  private static Properties tls(Properties props) {
    props.put("security.protocol", "SSL");
    props.put("ssl.truststore.type", "PKCS12");
    props.put("ssl.truststore.location", certs.truststore.toString());
    props.put("ssl.truststore.password", TestCertificates.PASSWORD);
    return props;
  }

  private static Properties withClientCertificate(Properties props) {
    props.put("ssl.keystore.type", "PKCS12");
    props.put("ssl.keystore.location", certs.clientPkcs12.toString());
    props.put("ssl.keystore.password", TestCertificates.PASSWORD);
    return props;
  }

  @ParameterizedTest(name = "ssl.engine={0}")
  @ValueSource(strings = {"openssl", "jdk"})
  void produceAndConsumeOverTls_fetchesTakeTheCopyPath(String engine) throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(sslBroker("ssl.engine", engine))) {
      String ssl = broker.bootstrapServers("SSL");
      List<byte[]> sent = new ArrayList<>();
      Random random = new Random(17);
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(tls(KafkaClients.producer(ssl)))) {
        for (int i = 0; i < 100; i++) {
          byte[] value = new byte[3000 + random.nextInt(3000)];
          random.nextBytes(value);
          sent.add(value);
          assertEquals(
              i, producer.send(new ProducerRecord<>("secure", 0, null, value)).get().offset());
        }
      }
      long regionsBefore = broker.broker().serverStats().fileRegions();
      List<byte[]> received = consume(tls(KafkaClients.consumer(ssl)), "secure", sent.size());
      assertEquals(sent.size(), received.size());
      for (int i = 0; i < sent.size(); i++) {
        assertArrayEquals(sent.get(i), received.get(i), "record " + i);
      }
      assertEquals(
          regionsBefore, broker.broker().serverStats().fileRegions(), "no sendfile under TLS");
      assertTrue(
          broker.broker().serverStats().copiedBytes() > 300_000,
          "copied " + broker.broker().serverStats().copiedBytes());

      // The same records through the plaintext listener: zero-copy there, same bytes.
      List<byte[]> plain =
          consume(KafkaClients.consumer(broker.bootstrapServers("PLAINTEXT")), "secure", 100);
      for (int i = 0; i < sent.size(); i++) {
        assertArrayEquals(sent.get(i), plain.get(i), "record " + i);
      }
      assertTrue(broker.broker().serverStats().fileRegions() > regionsBefore);
    }
  }

  @Test
  void everyKeyStoreFormatServesTls() throws Exception {
    String pem = Files.readString(certs.serverPem);
    List<Map<String, String>> formats =
        List.of(
            sslBroker(),
            sslBroker(
                "ssl.keystore.type", "JKS", "ssl.keystore.location", certs.serverJks.toString()),
            sslBroker(
                "ssl.keystore.type",
                "PEM",
                "ssl.keystore.location",
                certs.serverPem.toString(),
                "ssl.keystore.password",
                ""),
            pemInline(pem),
            // Per-listener keys win over the plain ones.
            sslBroker(
                "ssl.keystore.location",
                "/nonexistent/keystore.p12",
                "listener.name.ssl.ssl.keystore.location",
                certs.serverPkcs12.toString()));
    for (Map<String, String> format : formats) {
      try (EmbeddedBroker broker = EmbeddedBroker.start(format)) {
        assertEquals(1, clusterNodes(tls(KafkaClients.admin(broker.bootstrapServers("SSL")))));
      }
    }
  }

  private static Map<String, String> pemInline(String pem) {
    Map<String, String> config = sslBroker("ssl.keystore.type", "PEM");
    config.remove("ssl.keystore.location");
    config.remove("ssl.keystore.password");
    config.put("ssl.keystore.certificate.chain", TestCertificates.certificates(pem));
    config.put("ssl.keystore.key", TestCertificates.privateKey(pem));
    return config;
  }

  @Test
  void mutualTls_required_aClientWithACertificateIsServedOneWithoutIsRefused() throws Exception {
    Map<String, String> config =
        sslBroker(
            "ssl.client.auth",
            "required",
            "ssl.truststore.type",
            "PKCS12",
            "ssl.truststore.location",
            certs.truststore.toString(),
            "ssl.truststore.password",
            TestCertificates.PASSWORD);
    try (EmbeddedBroker broker = EmbeddedBroker.start(config)) {
      String ssl = broker.bootstrapServers("SSL");
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(withClientCertificate(tls(KafkaClients.producer(ssl))))) {
        assertEquals(
            0, producer.send(new ProducerRecord<>("m", 0, null, new byte[] {1})).get().offset());
      }
      Properties anonymous = tls(KafkaClients.admin(ssl));
      anonymous.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
      anonymous.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
      ExpectedLogs.expect("ERROR", "org.apache.kafka.clients", "failed authentication").optional();
      ExecutionException refused =
          assertThrows(ExecutionException.class, () -> clusterNodes(anonymous));
      assertInstanceOf(SslAuthenticationException.class, refused.getCause(), refused.toString());
      // The broker is unharmed: the client with a certificate is still served.
      assertEquals(1, clusterNodes(withClientCertificate(tls(KafkaClients.admin(ssl)))));
    }
  }

  @Test
  void wrongProtocolOrGarbage_isRefusedAndTheBrokerServesTheNextClient() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(sslBroker())) {
      InetSocketAddress tlsPort = broker.broker().localAddresses().get("SSL");
      InetSocketAddress plainPort = broker.broker().localAddresses().get("PLAINTEXT");
      byte[] apiVersions =
          RawConnection.encode(
              ApiKey.API_VERSIONS.id(),
              (short) 3,
              1,
              new ApiVersionsRequest().setClientSoftwareName("raw").setClientSoftwareVersion("1"));

      // A plaintext Kafka request on the TLS port: not a TLS record, closed.
      try (RawConnection plain = new RawConnection(tlsPort)) {
        plain.send(apiVersions);
        assertTrue(plain.closedByBroker(), "plaintext on the TLS port is closed");
      }
      // Garbage where the handshake should be.
      byte[] garbage = new byte[4096];
      new Random(3).nextBytes(garbage);
      garbage[0] = 0x16; // looks like a handshake record for a moment
      try (RawConnection raw = new RawConnection(tlsPort)) {
        raw.send(garbage);
        assertTrue(raw.closedByBroker(), "garbage during the handshake is closed");
      }
      // A TLS client on the plaintext port: its ClientHello reads as an oversized frame.
      try (SSLSocket socket = (SSLSocket) clientSslContext().getSocketFactory().createSocket()) {
        socket.connect(plainPort, 5_000);
        socket.setSoTimeout(10_000);
        assertThrows(java.io.IOException.class, socket::startHandshake);
      }
      // A raw TLS client gets a real Kafka answer on the TLS port.
      try (SSLSocket socket = (SSLSocket) clientSslContext().getSocketFactory().createSocket()) {
        socket.connect(tlsPort, 5_000);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        socket.getOutputStream().write(apiVersions);
        socket.getOutputStream().flush();
        java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
        int size = in.readInt();
        byte[] frame = new byte[size];
        in.readFully(frame);
        assertEquals(1, ByteBuffer.wrap(frame).getInt(), "the correlation id");
      }
      // And both listeners still serve kafka-clients.
      assertEquals(1, clusterNodes(tls(KafkaClients.admin(broker.bootstrapServers("SSL")))));
      assertEquals(1, clusterNodes(KafkaClients.admin(broker.bootstrapServers("PLAINTEXT"))));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (broker.broker().serverStats().openConnections() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(0, broker.broker().serverStats().openConnections(), "every connection gone");
    }
  }

  @Test
  void aWrongKeyStorePassword_stopsTheBrokerNamingTheKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> EmbeddedBroker.start(sslBroker("ssl.keystore.password", "wrong")).close());
    assertTrue(e.getMessage().startsWith("listener SSL, 'ssl.keystore.location'"), e.getMessage());
    assertTrue(e.getMessage().contains(certs.serverPkcs12.toString()), e.getMessage());
  }

  @Test
  void onlyTheEnabledProtocols_areAccepted() throws Exception {
    try (EmbeddedBroker broker =
        EmbeddedBroker.start(sslBroker("ssl.enabled.protocols", "TLSv1.3"))) {
      InetSocketAddress tlsPort = broker.broker().localAddresses().get("SSL");
      try (SSLSocket socket = (SSLSocket) clientSslContext().getSocketFactory().createSocket()) {
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        socket.connect(tlsPort, 5_000);
        socket.setSoTimeout(10_000);
        assertThrows(java.io.IOException.class, socket::startHandshake);
      }
      try (SSLSocket socket = (SSLSocket) clientSslContext().getSocketFactory().createSocket()) {
        socket.connect(tlsPort, 5_000);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        assertEquals("TLSv1.3", socket.getSession().getProtocol());
      }
    }
  }

  /** A JDK TLS client context trusting the test CA. */
  private static SSLContext clientSslContext() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(certs.truststore)) {
      trust.load(in, TestCertificates.PASSWORD.toCharArray());
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static int clusterNodes(Properties adminProps) throws Exception {
    try (Admin admin = Admin.create(adminProps)) {
      return admin.describeCluster().nodes().get().size();
    }
  }

  private static List<byte[]> consume(Properties props, String topic, int count) {
    List<byte[]> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (values.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }
}
