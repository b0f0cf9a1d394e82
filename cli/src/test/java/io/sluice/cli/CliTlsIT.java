package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.testing.TestBroker;
import io.sluice.client.testing.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/sluice} against an SSL listener, configured as Kafka's tools are: {@code
 * --command-config} names a properties file with {@code security.protocol=SSL} and the {@code
 * ssl.*} keys (here with mutual TLS).
 */
@Timeout(120)
class CliTlsIT {
  @TempDir Path dir;

  private Path commandConfig(Map<String, String> settings) throws Exception {
    Properties properties = new Properties();
    properties.putAll(settings);
    properties.put("client.id", "ignored-by-sluice"); // other keys are ignored
    Path file = dir.resolve("client-ssl.properties");
    try (var out = Files.newBufferedWriter(file)) {
      properties.store(out, "test");
    }
    return file;
  }

  @Test
  void topicsProduceConsumeAndGroups_overMutualTls() throws Exception {
    TestTls tls = TestTls.get();
    try (TestBroker broker = TestBroker.start(tls.brokerConfig(true))) {
      String config = commandConfig(tls.clientProperties(true)).toString();
      String[] common = {"--bootstrap-server", broker.bootstrap(), "--command-config", config};

      CliRunner.Run created =
          CliRunner.run(concat(new String[] {"topics", "create", "tls"}, common));
      assertEquals(0, created.exitCode(), created.err());
      CliRunner.Run listed = CliRunner.run(concat(new String[] {"topics", "list"}, common));
      assertEquals("tls\n", listed.out(), listed.err());

      CliRunner.Run produced =
          CliRunner.withInput(
              "one\ntwo\n", concat(new String[] {"produce", "--topic", "tls"}, common));
      assertEquals(0, produced.exitCode(), produced.err());
      CliRunner.Run consumed =
          CliRunner.run(
              concat(
                  new String[] {
                    "consume", "--topic", "tls", "--from-beginning", "--max-messages", "2"
                  },
                  common));
      assertEquals(0, consumed.exitCode(), consumed.err());
      assertEquals("one\ntwo\n", consumed.out());

      CliRunner.Run groups = CliRunner.run(concat(new String[] {"groups", "list"}, common));
      assertEquals(0, groups.exitCode(), groups.err());

      // Without --command-config the client speaks plaintext to the TLS port: it fails.
      CliRunner.Run plain =
          CliRunner.run(
              "topics", "list", "--bootstrap-server", broker.bootstrap(), "--timeout-ms", "3000");
      assertNotEquals(0, plain.exitCode());
    }
  }

  @Test
  void aMissingCommandConfigFile_failsNamingIt() {
    try (TestBroker broker = TestBroker.start()) {
      CliRunner.Run run =
          CliRunner.run(
              "topics",
              "list",
              "--bootstrap-server",
              broker.bootstrap(),
              "--command-config",
              dir.resolve("nope").toString());
      assertNotEquals(0, run.exitCode());
      assertTrue(
          run.err().contains("cannot read --command-config " + dir.resolve("nope")), run.err());
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
