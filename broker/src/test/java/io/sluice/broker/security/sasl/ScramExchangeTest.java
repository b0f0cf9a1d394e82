package io.sluice.broker.security.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.config.SaslConfig;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.sasl.ScramMechanism;
import io.sluice.protocol.sasl.ScramMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server side of PLAIN and SCRAM against a client computed here: success with the server's
 * signature, one failure message for a wrong password and an unknown user, malformed and
 * out-of-turn tokens as ILLEGAL_SASL_STATE; and the credential file (hashed, atomic, reloaded).
 */
class ScramExchangeTest {
  @TempDir Path dir;

  private SaslAuthenticators authenticators(ScramCredentialStore store) {
    return new SaslAuthenticators(
        new SaslConfig(
            "SASL",
            List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"),
            Map.of("alice", "alice-pw"),
            Map.of()),
        store,
        new SecureRandom());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Runs a SCRAM client against the exchange; returns the server-final message. */
  private static byte[] scram(SaslExchange exchange, ScramMechanism m, String user, String pw) {
    ScramMessages.ClientFirst first =
        new ScramMessages.ClientFirst("n,,", null, user, "clientnonce", Map.of());
    ScramMessages.ServerFirst serverFirst =
        ScramMessages.ServerFirst.parse(exchange.evaluate(first.toBytes()));
    assertTrue(serverFirst.nonce().startsWith("clientnonce"));
    byte[] salted = m.saltedPassword(pw, serverFirst.salt(), serverFirst.iterations());
    byte[] clientKey = m.clientKey(salted);
    ScramMessages.ClientFinal noProof =
        new ScramMessages.ClientFinal(utf8("n,,"), serverFirst.nonce(), new byte[0]);
    byte[] authMessage = ScramMessages.authMessage(first, serverFirst, noProof);
    byte[] proof = ScramMechanism.xor(clientKey, m.hmac(m.storedKey(clientKey), authMessage));
    byte[] serverFinal =
        exchange.evaluate(
            new ScramMessages.ClientFinal(utf8("n,,"), serverFirst.nonce(), proof).toBytes());
    assertArrayEquals(
        m.hmac(m.serverKey(salted), authMessage),
        ScramMessages.ServerFinal.parse(serverFinal).serverSignature());
    return serverFinal;
  }

  @Test
  void scram_rightPasswordAuthenticates_wrongOrUnknownFailAlike() throws Exception {
    FileScramCredentialStore store = FileScramCredentialStore.open(dir, Runnable::run);
    SecureRandom random = new SecureRandom();
    store
        .alter(
            Map.of(
                "bob",
                Map.of(
                    ScramMechanism.SCRAM_SHA_256,
                    ScramCredential.fromPassword(
                        ScramMechanism.SCRAM_SHA_256, "bob-pw", 4096, random),
                    ScramMechanism.SCRAM_SHA_512,
                    ScramCredential.fromPassword(
                        ScramMechanism.SCRAM_SHA_512, "bob-pw", 8192, random))),
            Map.of())
        .get();
    SaslAuthenticators auth = authenticators(store);
    for (ScramMechanism m : ScramMechanism.values()) {
      SaslExchange ok = auth.start(m.mechanismName());
      scram(ok, m, "bob", "bob-pw");
      assertTrue(ok.complete());
      assertEquals("bob", ok.user());
      for (String[] bad : new String[][] {{"bob", "wrong"}, {"nobody", "bob-pw"}}) {
        SaslExchange exchange = auth.start(m.mechanismName());
        SluiceException e =
            assertThrows(SluiceException.class, () -> scram(exchange, m, bad[0], bad[1]));
        assertEquals(Errors.SASL_AUTHENTICATION_FAILED, e.error());
        assertEquals(SaslAuthenticators.FAILED_MESSAGE, e.getMessage());
        assertFalse(exchange.complete());
      }
    }
  }

  @Test
  void plain_checksUsersAndAuthorizationId() {
    SaslAuthenticators auth = authenticators(ScramCredentialStore.NONE);
    SaslExchange ok = auth.start("PLAIN");
    assertArrayEquals(new byte[0], ok.evaluate(utf8("\0alice\0alice-pw")));
    assertEquals("alice", ok.user());
    assertEquals("alice", authOk(auth, "alice\0alice\0alice-pw"));
    for (String token : List.of("\0alice\0wrong", "\0bob\0alice-pw", "bob\0alice\0alice-pw")) {
      SluiceException e =
          assertThrows(SluiceException.class, () -> auth.start("PLAIN").evaluate(utf8(token)));
      assertEquals(Errors.SASL_AUTHENTICATION_FAILED, e.error(), token);
      assertEquals(SaslAuthenticators.FAILED_MESSAGE, e.getMessage());
    }
    SluiceException malformed =
        assertThrows(SluiceException.class, () -> auth.start("PLAIN").evaluate(utf8("alice")));
    assertEquals(Errors.ILLEGAL_SASL_STATE, malformed.error());
    SluiceException again = assertThrows(SluiceException.class, () -> ok.evaluate(utf8("x")));
    assertEquals(Errors.ILLEGAL_SASL_STATE, again.error());
    assertEquals(null, auth.start("GSSAPI"));
  }

  private static String authOk(SaslAuthenticators auth, String token) {
    SaslExchange exchange = auth.start("PLAIN");
    exchange.evaluate(utf8(token));
    return exchange.user();
  }

  @Test
  void scram_malformedOrOutOfTurnTokens_areIllegalState() {
    SaslAuthenticators auth = authenticators(ScramCredentialStore.NONE);
    for (String token :
        List.of("", "garbage", "n,,n=bob", "p=tls,,n=bob,r=x", "c=biws,r=x,p=AA==")) {
      SluiceException e =
          assertThrows(
              SluiceException.class, () -> auth.start("SCRAM-SHA-256").evaluate(utf8(token)));
      assertEquals(Errors.ILLEGAL_SASL_STATE, e.error(), token);
    }
    SaslExchange exchange = auth.start("SCRAM-SHA-256");
    exchange.evaluate(utf8("n,,n=bob,r=abc"));
    // The final message must carry the server's nonce and the gs2 header as channel binding.
    SluiceException nonce =
        assertThrows(SluiceException.class, () -> exchange.evaluate(utf8("c=biws,r=abc,p=AAAA")));
    assertEquals(Errors.ILLEGAL_SASL_STATE, nonce.error());
    SluiceException over =
        assertThrows(SluiceException.class, () -> exchange.evaluate(utf8("n,,n=bob,r=abc")));
    assertEquals(Errors.ILLEGAL_SASL_STATE, over.error());
  }

  @Test
  void credentialFile_holdsKafkasFormatNoPassword_andReloads() throws Exception {
    FileScramCredentialStore store = FileScramCredentialStore.open(dir, Runnable::run);
    ScramCredential credential =
        ScramCredential.fromPassword(
            ScramMechanism.SCRAM_SHA_256, "the-password", 4096, new SecureRandom());
    store
        .alter(Map.of("a b,c=d", Map.of(ScramMechanism.SCRAM_SHA_256, credential)), Map.of())
        .get();
    String text = Files.readString(dir.resolve(FileScramCredentialStore.FILE_NAME));
    assertTrue(text.contains("a+b%2Cc%3Dd SCRAM-SHA-256 " + credential.toKafkaFormat()), text);
    assertFalse(text.contains("the-password"));
    assertFalse(Files.exists(dir.resolve(FileScramCredentialStore.FILE_NAME + ".tmp")));
    FileScramCredentialStore reopened = FileScramCredentialStore.open(dir, Runnable::run);
    assertEquals(credential, reopened.credential("a b,c=d", ScramMechanism.SCRAM_SHA_256));
    assertEquals(ScramCredential.parse(credential.toKafkaFormat()), credential);
    reopened.alter(Map.of(), Map.of("a b,c=d", Set.of(ScramMechanism.SCRAM_SHA_256))).get();
    assertEquals(Map.of(), FileScramCredentialStore.open(dir, Runnable::run).all());
    Files.writeString(dir.resolve(FileScramCredentialStore.FILE_NAME), "u SCRAM-SHA-256 salt=AA\n");
    java.io.IOException e =
        assertThrows(
            java.io.IOException.class, () -> FileScramCredentialStore.open(dir, Runnable::run));
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
  }
}
