package io.sluice.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SCRAM derivations and messages against the SCRAM-SHA-256 example of RFC 7677 section 3 (user
 * "user", password "pencil"), and the parsers' refusals.
 */
class ScramTest {
  private static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
  private static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  private static final String CLIENT_FINAL =
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
          + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void rfc7677Example_proofAndServerSignature() {
    ScramMechanism m = ScramMechanism.SCRAM_SHA_256;
    ScramMessages.ClientFirst first = ScramMessages.ClientFirst.parse(utf8(CLIENT_FIRST));
    assertEquals("user", first.userName());
    assertEquals("n,,", first.gs2Header());
    ScramMessages.ServerFirst serverFirst = ScramMessages.ServerFirst.parse(utf8(SERVER_FIRST));
    assertEquals(4096, serverFirst.iterations());
    assertEquals(SERVER_FIRST, serverFirst.text());
    ScramMessages.ClientFinal last = ScramMessages.ClientFinal.parse(utf8(CLIENT_FINAL));
    assertArrayEquals(utf8("n,,"), last.channelBinding());

    byte[] salted = m.saltedPassword("pencil", serverFirst.salt(), serverFirst.iterations());
    byte[] clientKey = m.clientKey(salted);
    byte[] authMessage = ScramMessages.authMessage(first, serverFirst, last);
    byte[] proof = ScramMechanism.xor(clientKey, m.hmac(m.storedKey(clientKey), authMessage));
    assertArrayEquals(last.proof(), proof);
    byte[] serverSignature = m.hmac(m.serverKey(salted), authMessage);
    assertEquals(
        SERVER_FINAL,
        new String(
            new ScramMessages.ServerFinal(serverSignature, null).toBytes(),
            StandardCharsets.UTF_8));
    assertArrayEquals(
        serverSignature, ScramMessages.ServerFinal.parse(utf8(SERVER_FINAL)).serverSignature());
    assertEquals(CLIENT_FINAL, new String(last.toBytes(), StandardCharsets.UTF_8));
    assertEquals(CLIENT_FIRST, new String(first.toBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void names_escapeCommaAndEquals_andExtensionsAndAuthzidParse() {
    assertEquals("a=3Db=2Cc", ScramMessages.encodeName("a=b,c"));
    assertEquals("a=b,c", ScramMessages.decodeName("a=3Db=2Cc"));
    ScramMessages.ClientFirst first =
        ScramMessages.ClientFirst.parse(utf8("n,a=a=3Db,n=a=3Db,r=xyz,tokenauth=true"));
    assertEquals("a=b", first.userName());
    assertEquals("a=b", first.authorizationId());
    assertEquals(Map.of("tokenauth", "true"), first.extensions());
    assertNull(ScramMessages.ClientFirst.parse(utf8("n,,n=u,r=x")).authorizationId());
  }

  @Test
  void malformedMessages_areRefused() {
    for (String bad :
        new String[] {
          "",
          "y,,n=user,r=abc",
          "p=tls-unique,,n=user,r=abc",
          "n,,n=user",
          "n,,r=abc,n=user",
          "n,,n=us=er,r=abc",
          "n,,n=user,r=a,b"
        }) {
      assertThrows(
          IllegalArgumentException.class, () -> ScramMessages.ClientFirst.parse(utf8(bad)), bad);
    }
    for (String bad : new String[] {"c=biws,r=abc", "c=biws,r=abc,p=***", "r=abc,c=biws,p=AAAA"}) {
      assertThrows(
          IllegalArgumentException.class, () -> ScramMessages.ClientFinal.parse(utf8(bad)), bad);
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> ScramMessages.ServerFirst.parse(utf8("r=abc,s=AAAA")));
  }

  @Test
  void mechanisms_haveKafkasNamesAndIds() {
    assertEquals(ScramMechanism.SCRAM_SHA_256, ScramMechanism.forName("scram-sha-256"));
    assertEquals(ScramMechanism.SCRAM_SHA_512, ScramMechanism.forId((byte) 2));
    assertNull(ScramMechanism.forId((byte) 0));
    assertNull(ScramMechanism.forName("SCRAM-SHA-1"));
    assertEquals(
        64,
        ScramMechanism.SCRAM_SHA_512.saltedPassword("p", Base64.getDecoder().decode("AAAA"), 4096)
            .length);
  }
}
