package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.testing.TestBroker;
import io.sluice.client.testing.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/sluice} with SASL, configured as Kafka's tools are ({@code --command-config} with
 * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}): SCRAM users made
 * with {@code users add-scram}, listed and deleted, then topics, produce and consume as such a user
 * over SASL_PLAINTEXT, and as a PLAIN user over SASL_SSL.
 */
@Timeout(180)
class CliSaslIT {
  @TempDir Path dir;

  private Path file(String name, Map<String, String> settings) throws Exception {
    Properties properties = new Properties();
    properties.putAll(settings);
    Path file = dir.resolve(name);
    try (var out = Files.newBufferedWriter(file)) {
      properties.store(out, "test");
    }
    return file;
  }

  private static Map<String, String> sasl(String mechanism, String user, String password) {
    String module =
        mechanism.equals("PLAIN")
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
    return Map.of(
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        mechanism,
        "sasl.jaas.config",
        module + " required username=\"" + user + "\" password=\"" + password + "\";");
  }

  @Test
  void usersTopicsProduceAndConsume_overSasl() throws Exception {
    TestTls tls = TestTls.get();
    Map<String, String> config = new HashMap<>(tls.brokerConfig(false));
    config.put("listeners", "SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0");
    config.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512");
    String users =
        "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " user_admin=\"admin-secret\";";
    config.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", users);
    config.put("listener.name.sasl_ssl.plain.sasl.jaas.config", users);
    config.put("connection.failed.authentication.delay.ms", "10");
    try (TestBroker broker = TestBroker.start(config)) {
      String plainBootstrap = broker.bootstrap("SASL_PLAINTEXT");
      String admin = file("admin.properties", sasl("PLAIN", "admin", "admin-secret")).toString();
      Path password = dir.resolve("alice.pw");
      Files.writeString(password, "alice-secret\n");
      CliRunner.Run added =
          CliRunner.run(
              "users",
              "add-scram",
              "alice",
              "--mechanism",
              "SCRAM-SHA-512",
              "--password-file",
              password.toString(),
              "-b",
              plainBootstrap,
              "--command-config",
              admin);
      assertEquals(0, added.exitCode(), added.err());
      assertEquals("set SCRAM-SHA-512 credential of user alice (8192 iterations)\n", added.out());
      CliRunner.Run listed =
          CliRunner.run("users", "list", "-b", plainBootstrap, "--command-config", admin);
      assertEquals(0, listed.exitCode(), listed.err());
      assertEquals("USER\tMECHANISM\tITERATIONS\nalice\tSCRAM-SHA-512\t8192\n", listed.out());

      String alice =
          file("alice.properties", sasl("SCRAM-SHA-512", "alice", "alice-secret")).toString();
      String[] asAlice = {"-b", plainBootstrap, "--command-config", alice};
      assertEquals(
          0, CliRunner.run(concat(new String[] {"topics", "create", "s"}, asAlice)).exitCode());
      CliRunner.Run produced =
          CliRunner.withInput(
              "one\ntwo\n", concat(new String[] {"produce", "--topic", "s"}, asAlice));
      assertEquals(0, produced.exitCode(), produced.err());
      CliRunner.Run consumed =
          CliRunner.run(
              concat(
                  new String[] {
                    "consume", "--topic", "s", "--from-beginning", "--max-messages", "2"
                  },
                  asAlice));
      assertEquals(0, consumed.exitCode(), consumed.err());
      assertEquals("one\ntwo\n", consumed.out());
      CliRunner.Run cluster =
          CliRunner.run(concat(new String[] {"cluster", "describe", "--json"}, asAlice));
      assertEquals(0, cluster.exitCode(), cluster.err());

      // PLAIN over SASL_SSL: the TLS keys and the SASL keys in one file.
      Map<String, String> overTls = new HashMap<>(tls.clientProperties(false));
      overTls.putAll(sasl("PLAIN", "admin", "admin-secret"));
      overTls.put("security.protocol", "SASL_SSL");
      CliRunner.Run listedOverTls =
          CliRunner.run(
              "topics",
              "list",
              "-b",
              broker.bootstrap("SASL_SSL"),
              "--command-config",
              file("tls.properties", overTls).toString());
      assertEquals("s\n", listedOverTls.out(), listedOverTls.err());

      String wrong = file("wrong.properties", sasl("SCRAM-SHA-512", "alice", "not-it")).toString();
      CliRunner.Run refused =
          CliRunner.run("topics", "list", "-b", plainBootstrap, "--command-config", wrong);
      assertEquals(1, refused.exitCode(), refused.err());
      assertTrue(
          refused.err().contains("Authentication failed: invalid username or password"),
          refused.err());

      CliRunner.Run deleted =
          CliRunner.run(
              "users",
              "delete-scram",
              "alice",
              "--mechanism",
              "SCRAM-SHA-512",
              "-b",
              plainBootstrap,
              "--command-config",
              admin);
      assertEquals(0, deleted.exitCode(), deleted.err());
      CliRunner.Run gone =
          CliRunner.run("topics", "list", "-b", plainBootstrap, "--command-config", alice);
      assertEquals(1, gone.exitCode(), gone.err());
      CliRunner.Run missing =
          CliRunner.run(
              "users",
              "delete-scram",
              "alice",
              "--mechanism",
              "SCRAM-SHA-512",
              "-b",
              plainBootstrap,
              "--command-config",
              admin);
      assertEquals(1, missing.exitCode());
      assertTrue(
          missing.err().contains("Attempt to delete a user credential that does not exist"),
          missing.err());
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
