package io.sluice.cli;

import io.sluice.client.SecurityConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/** The options every command that talks to a broker accepts. */
final class CommonOptions {
  @Option(
      names = {"--bootstrap-server", "-b"},
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9092",
      description = "Broker to connect to first (default: ${DEFAULT-VALUE}).")
  String bootstrapServer;

  @Option(
      names = "--timeout-ms",
      paramLabel = "MS",
      defaultValue = "30000",
      description = "How long to wait for the broker before giving up (default: ${DEFAULT-VALUE}).")
  long timeoutMs;

  @Option(
      names = "--command-config",
      paramLabel = "FILE",
      description =
          "Client settings in a properties file, Kafka's keys: security.protocol (SSL,"
              + " SASL_PLAINTEXT, SASL_SSL), ssl.truststore.location, ssl.truststore.password,"
              + " ssl.keystore.* for mutual TLS, sasl.mechanism, sasl.jaas.config (other keys"
              + " are ignored).")
  Path commandConfig;

  /**
   * The {@code security.protocol}, {@code ssl.*} and {@code sasl.*} entries of {@code
   * --command-config}.
   */
  Map<String, String> securityProperties() {
    Map<String, String> security = new TreeMap<>();
    if (commandConfig == null) {
      return security;
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(commandConfig, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read --command-config " + commandConfig + ": " + e.getMessage(), e);
    }
    for (String key : properties.stringPropertyNames()) {
      if (key.equals("security.protocol") || key.startsWith("ssl.") || key.startsWith("sasl.")) {
        security.put(key, properties.getProperty(key).trim());
      }
    }
    return security;
  }

  /** The TLS and SASL settings of {@code --command-config}; PLAINTEXT without one. */
  SecurityConfig security() {
    return SecurityConfig.from(securityProperties());
  }
}
