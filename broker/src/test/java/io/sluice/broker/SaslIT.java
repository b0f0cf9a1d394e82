package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ApiVersionsRequest;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.ResponseHeader;
import io.sluice.protocol.message.SaslAuthenticateRequest;
import io.sluice.protocol.message.SaslAuthenticateResponse;
import io.sluice.protocol.message.SaslHandshakeRequest;
import io.sluice.protocol.message.SaslHandshakeResponse;
import io.sluice.protocol.sasl.ScramMechanism;
import io.sluice.protocol.sasl.ScramMessages;
import io.sluice.protocol.wire.WireReader;
import io.sluice.testing.ExpectedLogs;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.DuplicateResourceException;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnacceptableCredentialException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SASL listeners with kafka-clients: producer, consumer and admin for PLAIN, SCRAM-SHA-256 and
 * SCRAM-SHA-512 over SASL_PLAINTEXT and SASL_SSL; SCRAM users created with Kafka's Admin API
 * (AlterUserScramCredentials) and their errors; a wrong password and an unknown user (the same
 * answer, after the configured delay, then closed); a request before authentication, garbage as a
 * token and a plaintext client on a SASL port (each closed, the broker serving the next client);
 * credentials surviving a restart. The leak detector (paranoid in the build) watches every
 * connection.
 */
class SaslIT {
  private static final int DELAY_MS = 300;
  private static final String PLAIN_JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required"
          + " username=\"admin\" password=\"admin-secret\""
          + " user_admin=\"admin-secret\" user_alice=\"alice-secret\";";

  private static TestCertificates certs;
  private static EmbeddedBroker broker;

  @BeforeAll
  static void start() throws Exception {
    certs = TestCertificates.get();
    broker = EmbeddedBroker.start(saslBroker());
    createScramUser("scram256", "SCRAM-SHA-256", "s256-secret");
    createScramUser("scram512", "SCRAM-SHA-512", "s512-secret");
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  static Map<String, String> saslBroker() {
    Map<String, String> config = new HashMap<>();
    config.put(
        "listeners", "SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0,PLAINTEXT://127.0.0.1:0");
    config.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
    config.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_JAAS);
    config.put("listener.name.sasl_ssl.plain.sasl.jaas.config", PLAIN_JAAS);
    config.put("connection.failed.authentication.delay.ms", Integer.toString(DELAY_MS));
    config.put("ssl.keystore.type", "PKCS12");
    config.put("ssl.keystore.location", certs.serverPkcs12.toString());
    config.put("ssl.keystore.password", TestCertificates.PASSWORD);
    return config;
  }

  private static void createScramUser(String user, String mechanism, String password)
      throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers("PLAINTEXT")))) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user,
                      new ScramCredentialInfo(
                          org.apache.kafka.clients.admin.ScramMechanism.fromMechanismName(
                              mechanism),
                          8192),
                      password)))
          .all()
          .get();
    }
  }

  /** Kafka's client keys for SASL over {@code listener}, with a JAAS entry for the mechanism. */
  static Properties sasl(
      Properties props, String listener, String mechanism, String user, String password) {
    props.put("security.protocol", listener);
    props.put("sasl.mechanism", mechanism);
    String module =
        mechanism.equals("PLAIN")
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
    props.put(
        "sasl.jaas.config",
        module + " required username=\"" + user + "\" password=\"" + password + "\";");
    if (listener.equals("SASL_SSL")) {
      props.put("ssl.truststore.type", "PKCS12");
      props.put("ssl.truststore.location", certs.truststore.toString());
      props.put("ssl.truststore.password", TestCertificates.PASSWORD);
    }
    return props;
  }

  @ParameterizedTest
  @CsvSource({
    "SASL_PLAINTEXT, PLAIN, alice, alice-secret",
    "SASL_PLAINTEXT, SCRAM-SHA-256, scram256, s256-secret",
    "SASL_PLAINTEXT, SCRAM-SHA-512, scram512, s512-secret",
    "SASL_SSL, PLAIN, alice, alice-secret",
    "SASL_SSL, SCRAM-SHA-256, scram256, s256-secret",
    "SASL_SSL, SCRAM-SHA-512, scram512, s512-secret"
  })
  void producerConsumerAndAdmin_authenticateAndWork(
      String listener, String mechanism, String user, String password) throws Exception {
    String bootstrap = broker.bootstrapServers(listener);
    String topic = "sasl-" + listener.toLowerCase() + "-" + mechanism.toLowerCase();
    List<byte[]> sent = new ArrayList<>();
    Random random = new Random(topic.hashCode());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            sasl(KafkaClients.producer(bootstrap), listener, mechanism, user, password))) {
      for (int i = 0; i < 20; i++) {
        byte[] value = new byte[100 + random.nextInt(2000)];
        random.nextBytes(value);
        sent.add(value);
        assertEquals(i, producer.send(new ProducerRecord<>(topic, 0, null, value)).get().offset());
      }
    }
    List<byte[]> received =
        consume(
            sasl(KafkaClients.consumer(bootstrap), listener, mechanism, user, password),
            topic,
            sent.size());
    assertEquals(sent.size(), received.size());
    for (int i = 0; i < sent.size(); i++) {
      assertArrayEquals(sent.get(i), received.get(i), "record " + i);
    }
    try (Admin admin =
        Admin.create(sasl(KafkaClients.admin(bootstrap), listener, mechanism, user, password))) {
      assertTrue(admin.listTopics().names().get().contains(topic));
      assertEquals(1, admin.describeCluster().nodes().get().size());
      Map<String, UserScramCredentialsDescription> users =
          admin.describeUserScramCredentials().all().get();
      assertEquals(
          8192, users.get("scram256").credentialInfos().get(0).iterations(), users.toString());
    }
  }

  @Test
  void wrongPasswordAndUnknownUser_getTheSameAnswerAfterTheDelay() throws Exception {
    ExpectedLogs.Expectation clientErrors =
        ExpectedLogs.expect("ERROR", "org.apache.kafka", "failed authentication");
    String bootstrap = broker.bootstrapServers("SASL_PLAINTEXT");
    List<String> messages = new ArrayList<>();
    for (String[] attempt :
        new String[][] {
          {"PLAIN", "alice", "wrong"},
          {"PLAIN", "nobody", "alice-secret"},
          {"SCRAM-SHA-256", "scram256", "wrong"},
          {"SCRAM-SHA-256", "nobody", "s256-secret"},
          {"SCRAM-SHA-512", "scram512", "wrong"},
          {"SCRAM-SHA-512", "nobody", "s512-secret"}
        }) {
      Properties props =
          sasl(KafkaClients.admin(bootstrap), "SASL_PLAINTEXT", attempt[0], attempt[1], attempt[2]);
      try (Admin admin = Admin.create(props)) {
        ExecutionException e =
            assertThrows(ExecutionException.class, () -> admin.describeCluster().nodes().get());
        assertInstanceOf(SaslAuthenticationException.class, e.getCause(), e.toString());
        messages.add(e.getCause().getMessage());
      }
    }
    assertEquals(6, messages.size());
    for (String message : messages) {
      assertEquals("Authentication failed: invalid username or password", message);
    }
    assertTrue(clientErrors.count() >= 6, "client errors " + clientErrors.count());

    // On the wire: the same bytes for both failures, not before the delay, then closed.
    InetSocketAddress port = broker.broker().localAddresses().get("SASL_PLAINTEXT");
    for (String user : List.of("alice", "nobody")) {
      try (RawConnection raw = new RawConnection(port)) {
        handshake(raw, "PLAIN");
        long start = System.nanoTime();
        SaslAuthenticateResponse response =
            authenticate(raw, ("\0" + user + "\0wrong").getBytes(StandardCharsets.UTF_8));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Errors.SASL_AUTHENTICATION_FAILED.code(), response.errorCode());
        assertEquals(
            "Authentication failed: invalid username or password", response.errorMessage());
        assertTrue(elapsedMs >= DELAY_MS, "answered after " + elapsedMs + " ms");
        assertTrue(raw.closedByBroker(), "closed after the failure");
      }
    }
    for (String user : List.of("scram256", "nobody")) {
      try (RawConnection raw = new RawConnection(port)) {
        handshake(raw, "SCRAM-SHA-256");
        ScramMessages.ClientFirst first =
            new ScramMessages.ClientFirst("n,,", null, user, "fyko+d2lbbFgONRv9qkxdawL", Map.of());
        SaslAuthenticateResponse serverFirst = authenticate(raw, first.toBytes());
        assertEquals(0, serverFirst.errorCode());
        ScramMessages.ServerFirst sf = ScramMessages.ServerFirst.parse(serverFirst.authBytes());
        assertTrue(sf.nonce().startsWith(first.nonce()));
        assertEquals(user.equals("nobody") ? 4096 : 8192, sf.iterations());
        byte[] finalMessage = clientFinal(ScramMechanism.SCRAM_SHA_256, "wrong", first, sf);
        long start = System.nanoTime();
        SaslAuthenticateResponse response = authenticate(raw, finalMessage);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Errors.SASL_AUTHENTICATION_FAILED.code(), response.errorCode());
        assertEquals(
            "Authentication failed: invalid username or password", response.errorMessage());
        assertTrue(elapsedMs >= DELAY_MS, "answered after " + elapsedMs + " ms");
        assertTrue(raw.closedByBroker(), "closed after the failure");
      }
    }
    assertBrokerServes();
  }

  @Test
  void anUnknownUserGetsTheSameSaltOnEveryAttempt() throws Exception {
    InetSocketAddress port = broker.broker().localAddresses().get("SASL_PLAINTEXT");
    List<String> salts = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      try (RawConnection raw = new RawConnection(port)) {
        handshake(raw, "SCRAM-SHA-512");
        ScramMessages.ClientFirst first =
            new ScramMessages.ClientFirst("n,,", null, "ghost", "nonce" + i, Map.of());
        ScramMessages.ServerFirst sf =
            ScramMessages.ServerFirst.parse(authenticate(raw, first.toBytes()).authBytes());
        salts.add(java.util.Base64.getEncoder().encodeToString(sf.salt()));
      }
    }
    assertEquals(salts.get(0), salts.get(1));
  }

  @Test
  void requestsBeforeAuthentication_closeTheConnectionUnanswered() throws Exception {
    InetSocketAddress port = broker.broker().localAddresses().get("SASL_PLAINTEXT");
    // Metadata as the very first request.
    try (RawConnection raw = new RawConnection(port)) {
      raw.send(ApiKey.METADATA.id(), (short) 12, 1, new MetadataRequest().setTopics(null));
      assertNull(raw.readFrameOrClose(), "closed, nothing answered");
    }
    // ApiVersions is answered, then a Produce-less Metadata after the handshake still closes.
    try (RawConnection raw = new RawConnection(port)) {
      raw.send(
          ApiKey.API_VERSIONS.id(),
          (short) 3,
          1,
          new ApiVersionsRequest().setClientSoftwareName("raw").setClientSoftwareVersion("1"));
      assertNotNull(raw.readFrame());
      handshake(raw, "PLAIN");
      raw.send(ApiKey.METADATA.id(), (short) 12, 3, new MetadataRequest().setTopics(null));
      assertNull(raw.readFrameOrClose(), "closed, nothing answered");
    }
    // SaslAuthenticate before SaslHandshake: ILLEGAL_SASL_STATE, closed.
    try (RawConnection raw = new RawConnection(port)) {
      SaslAuthenticateResponse response =
          authenticate(raw, "\0alice\0alice-secret".getBytes(StandardCharsets.UTF_8));
      assertEquals(Errors.ILLEGAL_SASL_STATE.code(), response.errorCode());
      assertTrue(raw.closedByBroker());
    }
    // A mechanism that is not enabled: UNSUPPORTED_SASL_MECHANISM with the list, closed.
    try (RawConnection raw = new RawConnection(port)) {
      raw.send(
          ApiKey.SASL_HANDSHAKE.id(),
          (short) 1,
          1,
          new SaslHandshakeRequest().setMechanism("GSSAPI"));
      SaslHandshakeResponse response = readHandshake(raw);
      assertEquals(Errors.UNSUPPORTED_SASL_MECHANISM.code(), response.errorCode());
      assertEquals(List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"), response.mechanisms());
      assertTrue(raw.closedByBroker());
    }
    assertBrokerServes();
  }

  @Test
  void garbageTokensAndFrames_areRefusedAndTheBrokerServesTheNextClient() throws Exception {
    InetSocketAddress port = broker.broker().localAddresses().get("SASL_PLAINTEXT");
    Random random = new Random(36);
    for (String mechanism : List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")) {
      byte[] garbage = new byte[512];
      random.nextBytes(garbage);
      for (int i = 0; i < garbage.length; i++) {
        garbage[i] = garbage[i] == 0 ? 1 : garbage[i]; // no NUL: not even PLAIN's shape
      }
      try (RawConnection raw = new RawConnection(port)) {
        handshake(raw, mechanism);
        SaslAuthenticateResponse response = authenticate(raw, garbage);
        assertEquals(Errors.ILLEGAL_SASL_STATE.code(), response.errorCode(), mechanism);
        assertTrue(raw.closedByBroker(), mechanism);
      }
    }
    // A valid SCRAM first message, then garbage as the final one.
    try (RawConnection raw = new RawConnection(port)) {
      handshake(raw, "SCRAM-SHA-256");
      authenticate(
          raw, new ScramMessages.ClientFirst("n,,", null, "scram256", "abc", Map.of()).toBytes());
      SaslAuthenticateResponse response =
          authenticate(raw, "c=biws,r=xyz,p=AAAA".getBytes(StandardCharsets.UTF_8));
      assertEquals(Errors.ILLEGAL_SASL_STATE.code(), response.errorCode());
      assertTrue(raw.closedByBroker());
    }
    // Random bytes instead of a frame.
    byte[] junk = new byte[4096];
    random.nextBytes(junk);
    try (RawConnection raw = new RawConnection(port)) {
      raw.send(junk);
      assertTrue(raw.closedByBroker());
    }
    assertBrokerServes();
  }

  @Test
  void beforeAuthenticationOnlySmallFramesAreRead_afterwardsTheUsualLimit() throws Exception {
    InetSocketAddress port = broker.broker().localAddresses().get("SASL_PLAINTEXT");
    try (RawConnection raw = new RawConnection(port)) {
      raw.send(ByteBuffer.allocate(8).putInt(600_000).putInt(0).array());
      assertTrue(raw.closedByBroker(), "a 600000-byte frame before authentication is closed");
    }
    // Authenticated, a request larger than sasl.server.max.receive.size (512 KiB) is served.
    String bootstrap = broker.bootstrapServers("SASL_PLAINTEXT");
    Properties props =
        sasl(KafkaClients.producer(bootstrap), "SASL_PLAINTEXT", "PLAIN", "alice", "alice-secret");
    props.put("max.request.size", "2000000");
    byte[] value = new byte[700_000];
    new Random(5).nextBytes(value);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      assertEquals(
          0,
          producer.send(new ProducerRecord<>("large-after-auth", 0, null, value)).get().offset());
    }
    assertBrokerServes();
  }

  @Test
  void aPlaintextClientOnASaslPort_isClosed() throws Exception {
    Properties props = KafkaClients.admin(broker.bootstrapServers("SASL_PLAINTEXT"));
    props.put("request.timeout.ms", "2000");
    props.put("default.api.timeout.ms", "3000");
    try (Admin admin = Admin.create(props)) {
      assertThrows(ExecutionException.class, () -> admin.describeCluster().nodes().get());
    }
    InetSocketAddress port = broker.broker().localAddresses().get("SASL_SSL");
    try (RawConnection raw = new RawConnection(port)) {
      raw.send(
          RawConnection.encode(
              ApiKey.API_VERSIONS.id(),
              (short) 3,
              1,
              new ApiVersionsRequest().setClientSoftwareName("raw").setClientSoftwareVersion("1")));
      assertTrue(raw.closedByBroker(), "plaintext on the SASL_SSL port is closed");
    }
    assertBrokerServes();
  }

  @Test
  void scramCredentialApi_refusesWhatKafkaRefuses() throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers("PLAINTEXT")))) {
      ExecutionException tooFew =
          assertThrows(
              ExecutionException.class,
              () ->
                  admin
                      .alterUserScramCredentials(
                          List.of(
                              new UserScramCredentialUpsertion(
                                  "weak",
                                  new ScramCredentialInfo(
                                      org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_256,
                                      1000),
                                  "pw")))
                      .all()
                      .get());
      assertInstanceOf(UnacceptableCredentialException.class, tooFew.getCause());
      assertEquals("Too few iterations", tooFew.getCause().getMessage());
      ExecutionException twice =
          assertThrows(
              ExecutionException.class,
              () ->
                  admin
                      .alterUserScramCredentials(
                          List.of(
                              new UserScramCredentialUpsertion(
                                  "twice",
                                  new ScramCredentialInfo(
                                      org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_256,
                                      4096),
                                  "pw"),
                              new UserScramCredentialDeletion(
                                  "twice",
                                  org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_256)))
                      .all()
                      .get());
      assertInstanceOf(DuplicateResourceException.class, twice.getCause());
      // One user, different mechanisms in one request: allowed (kafka-configs --add-config
      // 'SCRAM-SHA-512=[...]' --delete-config SCRAM-SHA-256 sends that).
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      "both",
                      new ScramCredentialInfo(
                          org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_256, 4096),
                      "pw"),
                  new UserScramCredentialUpsertion(
                      "both",
                      new ScramCredentialInfo(
                          org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 4096),
                      "pw")))
          .all()
          .get();
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      "both",
                      new ScramCredentialInfo(
                          org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 8192),
                      "pw2"),
                  new UserScramCredentialDeletion(
                      "both", org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_256)))
          .all()
          .get();
      List<ScramCredentialInfo> both =
          admin
              .describeUserScramCredentials(List.of("both"))
              .all()
              .get()
              .get("both")
              .credentialInfos();
      assertEquals(1, both.size(), both.toString());
      assertEquals(
          org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, both.get(0).mechanism());
      assertEquals(8192, both.get(0).iterations());
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialDeletion(
                      "both", org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512)))
          .all()
          .get();
      ExecutionException missing =
          assertThrows(
              ExecutionException.class,
              () ->
                  admin
                      .alterUserScramCredentials(
                          List.of(
                              new UserScramCredentialDeletion(
                                  "scram256",
                                  org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512)))
                      .all()
                      .get());
      assertInstanceOf(ResourceNotFoundException.class, missing.getCause());
      ExecutionException describeMissing =
          assertThrows(
              ExecutionException.class,
              () ->
                  admin.describeUserScramCredentials(List.of("ghost")).description("ghost").get());
      assertInstanceOf(ResourceNotFoundException.class, describeMissing.getCause());
      assertEquals(
          "Attempt to describe a user credential that does not exist",
          describeMissing.getCause().getMessage());
      assertEquals(
          java.util.Set.of("scram256", "scram512"),
          admin.describeUserScramCredentials().all().get().keySet());
    }
  }

  @Test
  void credentialsAreStoredHashedAndSurviveARestart() throws Exception {
    Map<String, String> config = saslBroker();
    try (EmbeddedBroker own = EmbeddedBroker.start(config)) {
      try (Admin admin = Admin.create(KafkaClients.admin(own.bootstrapServers("PLAINTEXT")))) {
        admin
            .alterUserScramCredentials(
                List.of(
                    new UserScramCredentialUpsertion(
                        "durable",
                        new ScramCredentialInfo(
                            org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 4096),
                        "durable-secret-password")))
            .all()
            .get();
      }
      String file = Files.readString(own.dataDir().resolve("scram-credentials"));
      assertTrue(file.contains("durable SCRAM-SHA-512 salt="), file);
      assertTrue(file.contains(",iterations=4096"), file);
      assertTrue(!file.contains("durable-secret-password"), "no password in the file");
      own.restart();
      String bootstrap = own.bootstrapServers("SASL_PLAINTEXT");
      try (Admin admin =
          Admin.create(
              sasl(
                  KafkaClients.admin(bootstrap),
                  "SASL_PLAINTEXT",
                  "SCRAM-SHA-512",
                  "durable",
                  "durable-secret-password"))) {
        assertEquals(1, admin.describeCluster().nodes().get().size());
        admin
            .alterUserScramCredentials(
                List.of(
                    new UserScramCredentialDeletion(
                        "durable", org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512)))
            .all()
            .get();
        assertEquals(Map.of(), admin.describeUserScramCredentials().all().get());
      }
    }
  }

  private static void assertBrokerServes() throws Exception {
    try (Admin admin =
        Admin.create(
            sasl(
                KafkaClients.admin(broker.bootstrapServers("SASL_PLAINTEXT")),
                "SASL_PLAINTEXT",
                "SCRAM-SHA-256",
                "scram256",
                "s256-secret"))) {
      assertEquals(1, admin.describeCluster().nodes().get().size());
    }
  }

  private static void handshake(RawConnection raw, String mechanism) throws Exception {
    raw.send(
        ApiKey.SASL_HANDSHAKE.id(),
        (short) 1,
        7,
        new SaslHandshakeRequest().setMechanism(mechanism));
    assertEquals(0, readHandshake(raw).errorCode());
  }

  private static SaslHandshakeResponse readHandshake(RawConnection raw) throws Exception {
    ByteBuffer frame = raw.readFrame();
    WireReader reader = new WireReader(Unpooled.wrappedBuffer(frame));
    ResponseHeader.read(reader, (short) 0);
    return SaslHandshakeResponse.read(reader, (short) 1);
  }

  private static SaslAuthenticateResponse authenticate(RawConnection raw, byte[] token)
      throws Exception {
    raw.send(
        ApiKey.SASL_AUTHENTICATE.id(),
        (short) 2,
        8,
        new SaslAuthenticateRequest().setAuthBytes(token));
    ByteBuffer frame = raw.readFrame();
    WireReader reader = new WireReader(Unpooled.wrappedBuffer(frame));
    ResponseHeader.read(reader, (short) 1);
    return SaslAuthenticateResponse.read(reader, (short) 2);
  }

  /** The client-final message for {@code password}, as a SCRAM client computes it. */
  static byte[] clientFinal(
      ScramMechanism mechanism,
      String password,
      ScramMessages.ClientFirst first,
      ScramMessages.ServerFirst serverFirst) {
    byte[] salted =
        mechanism.saltedPassword(password, serverFirst.salt(), serverFirst.iterations());
    byte[] clientKey = mechanism.clientKey(salted);
    ScramMessages.ClientFinal withoutProof =
        new ScramMessages.ClientFinal(
            first.gs2Header().getBytes(StandardCharsets.UTF_8), serverFirst.nonce(), new byte[0]);
    byte[] authMessage = ScramMessages.authMessage(first, serverFirst, withoutProof);
    byte[] signature = mechanism.hmac(mechanism.storedKey(clientKey), authMessage);
    return new ScramMessages.ClientFinal(
            withoutProof.channelBinding(),
            serverFirst.nonce(),
            ScramMechanism.xor(clientKey, signature))
        .toBytes();
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
