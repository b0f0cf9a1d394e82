package io.sluice.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JAAS entry parser: Kafka's syntax accepted, every deviation refused without the values. */
class JaasConfigTest {
  @Test
  void kafkasForms_parse() {
    JaasConfig plain =
        JaasConfig.parse(
            "org.apache.kafka.common.security.plain.PlainLoginModule required\n"
                + "  username=\"admin\"   password=\"admin-secret\"\n"
                + "  user_admin=\"admin-secret\" user_alice=alice-secret ;  ");
    assertEquals(JaasConfig.PLAIN_LOGIN_MODULE, plain.loginModule());
    assertEquals("required", plain.controlFlag());
    assertEquals(
        Map.of(
            "username", "admin",
            "password", "admin-secret",
            "user_admin", "admin-secret",
            "user_alice", "alice-secret"),
        plain.options());
    JaasConfig escaped =
        JaasConfig.parse(
            "org.apache.kafka.common.security.scram.ScramLoginModule optional"
                + " password=\"a \\\"quoted\\\" \\\\ pass;word\";");
    assertEquals("a \"quoted\" \\ pass;word", escaped.option("password"));
    assertEquals(Map.of(), JaasConfig.parse("x.Y sufficient;").options());
  }

  @Test
  void deviations_areRefusedSayingWhereWithoutTheValue() {
    for (String bad :
        new String[] {
          "",
          "org.Module",
          "org.Module required",
          "org.Module required a=\"secret-value",
          "org.Module required a=\"secret-value\"",
          "org.Module required a;",
          "org.Module required a=;",
          "org.Module maybe a=b;",
          "org.Module required a=b; org.Other required;",
          "org.Module required a=b a=\"secret-value\";",
          "org.Module required a=\"secret-value\"b;"
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> JaasConfig.parse(bad), bad);
      assertTrue(e.getMessage().contains("(at character "), e.getMessage());
      assertFalse(e.getMessage().contains("secret-value"), e.getMessage());
    }
    assertFalse(
        JaasConfig.parse("m required password=\"secret-value\";").toString().contains("secret"));
  }
}
