package io.sluice.client.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Self-signed TLS material for the client's and the CLI's tests, made with the JDK's {@code
 * keytool} once per JVM in a temporary directory deleted at exit: a broker certificate ({@code
 * CN=localhost}, SAN 127.0.0.1 and localhost) that the clients' trust store holds, and a client
 * certificate that the broker's trust store holds (for mutual TLS). Every store is PKCS12 with the
 * password {@link #PASSWORD}.
 */
public final class TestTls {
  public static final String PASSWORD = "test-password";

  private static TestTls instance;

  private final Path dir;

  private TestTls(Path dir) {
    this.dir = dir;
  }

  public static synchronized TestTls get() throws Exception {
    if (instance == null) {
      Path dir = Files.createTempDirectory("sluice-client-tls-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
      TestTls made = new TestTls(dir);
      made.make();
      instance = made;
    }
    return instance;
  }

  private void make() throws Exception {
    selfSigned("broker", "CN=localhost", "SAN=IP:127.0.0.1,DNS:localhost", "client-trust.p12");
    selfSigned("client", "CN=cli,O=Sluice Test", null, "broker-trust.p12");
  }

  private void selfSigned(String alias, String dname, String san, String trustStore)
      throws Exception {
    List<String> generate =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-dname",
                dname,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "3",
                "-keystore",
                dir.resolve(alias + ".p12").toString(),
                "-storetype",
                "PKCS12"));
    if (san != null) {
      generate.addAll(List.of("-ext", san));
    }
    keytool(generate);
    Path cert = dir.resolve(alias + ".pem");
    keytool(
        List.of(
            "-exportcert",
            "-alias",
            alias,
            "-rfc",
            "-file",
            cert.toString(),
            "-keystore",
            dir.resolve(alias + ".p12").toString()));
    keytool(
        List.of(
            "-importcert",
            "-alias",
            alias,
            "-file",
            cert.toString(),
            "-noprompt",
            "-keystore",
            dir.resolve(trustStore).toString(),
            "-storetype",
            "PKCS12"));
  }

  /** Broker keys for an {@code SSL} listener (named SSL), optionally requiring client certs. */
  public Map<String, String> brokerConfig(boolean requireClientCertificate) {
    Map<String, String> config = new HashMap<>();
    config.put("listeners", "SSL://127.0.0.1:0");
    config.put("ssl.keystore.type", "PKCS12");
    config.put("ssl.keystore.location", dir.resolve("broker.p12").toString());
    config.put("ssl.keystore.password", PASSWORD);
    if (requireClientCertificate) {
      config.put("ssl.client.auth", "required");
      config.put("ssl.truststore.type", "PKCS12");
      config.put("ssl.truststore.location", dir.resolve("broker-trust.p12").toString());
      config.put("ssl.truststore.password", PASSWORD);
    }
    return config;
  }

  /** Kafka's client keys for TLS to that broker, optionally with the client certificate. */
  public Map<String, String> clientProperties(boolean withClientCertificate) {
    Map<String, String> props = new HashMap<>();
    props.put("security.protocol", "SSL");
    props.put("ssl.truststore.type", "PKCS12");
    props.put("ssl.truststore.location", dir.resolve("client-trust.p12").toString());
    props.put("ssl.truststore.password", PASSWORD);
    if (withClientCertificate) {
      props.put("ssl.keystore.type", "PKCS12");
      props.put("ssl.keystore.location", dir.resolve("client.p12").toString());
      props.put("ssl.keystore.password", PASSWORD);
    }
    return props;
  }

  private static void keytool(List<String> args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(args);
    command.addAll(List.of("-storepass", PASSWORD));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException(
            "keytool failed: " + command + ": " + new String(output, StandardCharsets.UTF_8));
      }
    } finally {
      process.destroyForcibly();
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // best effort at exit
    }
  }
}
