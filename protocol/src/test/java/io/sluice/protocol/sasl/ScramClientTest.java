package io.sluice.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The client side of SCRAM against the SCRAM-SHA-256 example of RFC 7677 section 3 (user "user",
 * password "pencil"), and its refusals: a server nonce not built on ours, too few iterations, a
 * wrong or missing server signature.
 */
class ScramClientTest {
  private static final String NONCE = "rOprNGfwEbeRWgbNEkqO";
  private static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static ScramClient example() {
    return new ScramClient(ScramMechanism.SCRAM_SHA_256, "user", "pencil", NONCE);
  }

  @Test
  void rfc7677Example_messagesAndServerSignature() {
    ScramClient client = example();
    assertEquals("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", text(client.clientFirst()));
    assertEquals(
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        text(client.clientFinal(utf8(SERVER_FIRST))));
    client.verify(utf8("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
  }

  @Test
  void aServerThatDoesNotKnowTheCredential_isRefused() {
    ScramClient client = example();
    client.clientFinal(utf8(SERVER_FIRST));
    ScramClient.Failure wrong =
        assertThrows(
            ScramClient.Failure.class,
            () -> client.verify(utf8("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
    assertTrue(wrong.serverUnproven());
    ScramClient.Failure error =
        assertThrows(ScramClient.Failure.class, () -> client.verify(utf8("e=invalid-proof")));
    assertTrue(error.serverUnproven());
  }

  @Test
  void protocolViolations_areRefused() {
    ScramClient.Failure foreignNonce =
        assertThrows(
            ScramClient.Failure.class,
            () ->
                example().clientFinal(utf8("r=someoneElse123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")));
    assertFalse(foreignNonce.serverUnproven());
    assertThrows(
        ScramClient.Failure.class,
        () -> example().clientFinal(utf8("r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")));
    ScramClient.Failure weak =
        assertThrows(
            ScramClient.Failure.class,
            () -> example().clientFinal(utf8(SERVER_FIRST.replace("i=4096", "i=1024"))));
    assertTrue(weak.getMessage().contains("1024"), weak.getMessage());
    assertThrows(ScramClient.Failure.class, () -> example().clientFinal(utf8("garbage")));
    assertThrows(ScramClient.Failure.class, () -> example().verify(utf8("v=AAAA")));
  }
}
