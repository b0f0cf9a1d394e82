package io.sluice.broker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away certificate authority with a server and a client certificate, made with the JDK's
 * {@code keytool} (no internal API, no extra library) once per JVM in a temporary directory that is
 * deleted when the JVM exits. EC keys (P-256): quick to make. Every store has the password {@link
 * #PASSWORD}.
 *
 * <ul>
 *   <li>{@link #serverPkcs12}, {@link #serverJks}: the server key ({@code CN=localhost}, SAN
 *       127.0.0.1 and localhost) and its chain, alias {@code server};
 *   <li>{@link #serverPem}: the same as one PEM file (certificate chain, then the PKCS#8 key);
 *   <li>{@link #clientPkcs12}: a client key {@code CN=app,O=Sluice Test}, signed by the same CA;
 *   <li>{@link #truststore}: PKCS12 with the CA certificate only; {@link #caPem}: the CA in PEM.
 * </ul>
 */
public final class TestCertificates {
  public static final String PASSWORD = "test-password";
  public static final String CLIENT_PRINCIPAL = "User:CN=app,O=Sluice Test";

  private static TestCertificates instance;

  public final Path dir;
  public final Path caPem;
  public final Path truststore;
  public final Path serverPkcs12;
  public final Path serverJks;
  public final Path serverPem;
  public final Path clientPkcs12;

  private TestCertificates(Path dir) {
    this.dir = dir;
    this.caPem = dir.resolve("ca.pem");
    this.truststore = dir.resolve("truststore.p12");
    this.serverPkcs12 = dir.resolve("server.p12");
    this.serverJks = dir.resolve("server.jks");
    this.serverPem = dir.resolve("server.pem");
    this.clientPkcs12 = dir.resolve("client.p12");
  }

  /** The JVM's certificates, made on first use. */
  public static synchronized TestCertificates get() throws Exception {
    if (instance == null) {
      Path dir = Files.createTempDirectory("sluice-tls-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
      TestCertificates made = new TestCertificates(dir);
      made.make();
      instance = made;
    }
    return instance;
  }

  private void make() throws Exception {
    Path ca = dir.resolve("ca.p12");
    keytool(
        "-genkeypair",
        "-keystore",
        ca,
        "-storetype",
        "PKCS12",
        "-alias",
        "ca",
        "-dname",
        "CN=Sluice Test CA",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-ext",
        "bc:c",
        "-validity",
        "3");
    keytool("-exportcert", "-keystore", ca, "-alias", "ca", "-rfc", "-file", caPem);
    keytool(
        "-importcert",
        "-keystore",
        truststore,
        "-storetype",
        "PKCS12",
        "-alias",
        "ca",
        "-file",
        caPem,
        "-noprompt");
    signed(ca, serverPkcs12, "server", "CN=localhost", "SAN=IP:127.0.0.1,DNS:localhost");
    signed(ca, clientPkcs12, "client", "CN=app,O=Sluice Test", null);
    keytool(
        "-importkeystore",
        "-srckeystore",
        serverPkcs12,
        "-srcstoretype",
        "PKCS12",
        "-srcstorepass",
        PASSWORD,
        "-destkeystore",
        serverJks,
        "-deststoretype",
        "JKS",
        "-deststorepass",
        PASSWORD,
        "-srcalias",
        "server",
        "-destalias",
        "server",
        "-destkeypass",
        PASSWORD,
        "-noprompt");
    Files.writeString(serverPem, pem(serverPkcs12, "server"), StandardCharsets.US_ASCII);
  }

  /** A key pair in {@code store}, its certificate signed by the CA, the chain imported back. */
  private void signed(Path ca, Path store, String alias, String dname, String san)
      throws Exception {
    keytool(
        "-genkeypair",
        "-keystore",
        store,
        "-storetype",
        "PKCS12",
        "-alias",
        alias,
        "-dname",
        dname,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-validity",
        "3");
    Path csr = dir.resolve(alias + ".csr");
    Path cert = dir.resolve(alias + ".crt");
    keytool("-certreq", "-keystore", store, "-alias", alias, "-file", csr);
    List<Object> gencert =
        new ArrayList<>(
            List.of(
                "-gencert",
                "-keystore",
                ca,
                "-alias",
                "ca",
                "-infile",
                csr,
                "-outfile",
                cert,
                "-rfc",
                "-validity",
                "3"));
    if (san != null) {
      gencert.addAll(List.of("-ext", san));
    }
    keytool(gencert.toArray());
    keytool("-importcert", "-keystore", store, "-alias", "ca", "-file", caPem, "-noprompt");
    keytool("-importcert", "-keystore", store, "-alias", alias, "-file", cert);
  }

  /** The chain (leaf first) and the PKCS#8 private key of {@code alias}, as PEM. */
  public static String pem(Path pkcs12, String alias) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(pkcs12)) {
      store.load(in, PASSWORD.toCharArray());
    }
    StringBuilder out = new StringBuilder();
    for (Certificate certificate : store.getCertificateChain(alias)) {
      out.append(block("CERTIFICATE", certificate.getEncoded()));
    }
    Key key = store.getKey(alias, PASSWORD.toCharArray());
    out.append(block("PRIVATE KEY", key.getEncoded()));
    return out.toString();
  }

  /** The certificates of a PEM text (its CERTIFICATE blocks). */
  public static String certificates(String pem) {
    return pem.substring(0, pem.indexOf("-----BEGIN PRIVATE KEY-----"));
  }

  /** The private key of a PEM text (its PRIVATE KEY block). */
  public static String privateKey(String pem) {
    return pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----"));
  }

  private static String block(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** Runs the JDK's keytool with the common password; fails with its output. */
  private static void keytool(Object... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    for (Object arg : args) {
      command.add(arg.toString());
    }
    boolean sourceAndDest = command.contains("-srcstorepass");
    if (!sourceAndDest) {
      command.addAll(List.of("-storepass", PASSWORD));
    }
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
