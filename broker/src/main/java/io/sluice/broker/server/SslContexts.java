package io.sluice.broker.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.sluice.broker.config.ConfigException;
import io.sluice.broker.config.ConfigKey;
import io.sluice.broker.config.SslConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Netty {@link SslContext} of an SSL listener from its {@link SslConfig}: JKS and PKCS12
 * stores through the JDK's {@link KeyStore}, PEM through Netty's PEM reader (a PEM file holds the
 * certificate chain and the PKCS#8 key; or both are given inline). The engine is OpenSSL (BoringSSL
 * through Netty's tcnative, {@link SslProvider#OPENSSL}: garbage-collected, not reference-counted,
 * so nothing can leak a native context) or the JDK's ({@link SslProvider#JDK}), as {@code
 * ssl.engine} says; {@code auto} takes OpenSSL where its native library loads. Every failure (a
 * file that cannot be read, a wrong password, a protocol or cipher suite the JDK does not have) is
 * a {@link ConfigException} that names the key, raised when the listener is bound, so a broker with
 * a broken TLS setup does not start.
 *
 * <p>{@link #client} builds the other side, for this broker's connections to other brokers' SSL
 * listeners (inter-broker TLS): the same stores, the key store as the client certificate, the trust
 * store to check the other broker's. Stateless.
 */
public final class SslContexts {
  private static final Logger LOG = LoggerFactory.getLogger(SslContexts.class);

  private SslContexts() {}

  /**
   * The provider {@code ssl.engine} asks for: {@code openssl} needs tcnative's library (else a
   * {@link ConfigException}); {@code auto} falls back to the JDK's engine, saying why.
   */
  static SslProvider provider(SslConfig ssl) {
    return switch (ssl.engine()) {
      case JDK -> SslProvider.JDK;
      case OPENSSL -> {
        if (!OpenSsl.isAvailable()) {
          throw new ConfigException(
              "invalid value 'openssl' for configuration key '"
                  + SslConfig.keyName(ssl.listenerName(), ConfigKey.SSL_ENGINE, false)
                  + "': OpenSSL is not available here ("
                  + OpenSsl.unavailabilityCause()
                  + "); use jdk or auto");
        }
        yield SslProvider.OPENSSL;
      }
      case AUTO -> {
        if (OpenSsl.isAvailable()) {
          yield SslProvider.OPENSSL;
        }
        LOG.info(
            "listener {}: OpenSSL is not available ({}); TLS through the JDK's engine",
            ssl.listenerName(),
            String.valueOf(OpenSsl.unavailabilityCause()));
        yield SslProvider.JDK;
      }
    };
  }

  static SslContext server(SslConfig ssl) {
    SslContextBuilder builder = keys(ssl);
    trust(ssl, builder);
    SslProvider provider = provider(ssl);
    builder
        .sslProvider(provider)
        .protocols(ssl.enabledProtocols())
        .clientAuth(
            switch (ssl.clientAuth()) {
              case NONE -> ClientAuth.NONE;
              case REQUESTED -> ClientAuth.OPTIONAL;
              case REQUIRED -> ClientAuth.REQUIRE;
            });
    if (!ssl.cipherSuites().isEmpty()) {
      if (provider == SslProvider.OPENSSL) {
        // OpenSSL refuses unknown suites only when the context is built: check them here so the
        // message names the key that holds them.
        for (String suite : ssl.cipherSuites()) {
          if (!OpenSsl.isCipherSuiteAvailable(suite)) {
            throw fail(
                ssl,
                ConfigKey.SSL_CIPHER_SUITES,
                "not supported by the OPENSSL TLS engine",
                new IllegalArgumentException(suite));
          }
        }
      }
      builder.ciphers(ssl.cipherSuites());
    }
    SslContext context;
    try {
      context = builder.build();
    } catch (IOException | RuntimeException e) {
      throw fail(ssl, ConfigKey.SSL_KEYSTORE_LOCATION, "cannot set up TLS", e);
    }
    // The JDK checks protocol and cipher suite names only when an engine is made: make one now.
    SSLEngine engine = null;
    try {
      engine = context.newEngine(ByteBufAllocator.DEFAULT);
      engine.closeOutbound();
    } catch (IllegalArgumentException e) {
      throw fail(
          ssl, ConfigKey.SSL_CIPHER_SUITES, "not supported by the " + provider + " TLS engine", e);
    } finally {
      ReferenceCountUtil.release(engine);
    }
    LOG.info("listener {}: TLS through the {} engine", ssl.listenerName(), provider);
    return context;
  }

  /**
   * The client side of TLS towards a listener with these settings, on blocking sockets: the JDK's
   * engine, this listener's key store as the client certificate and its trust store (none: the
   * JDK's certificate authorities) to check the server's. The TLS versions, cipher suites and the
   * host name check are set per socket ({@link #clientSocket}). A store that cannot be read is a
   * {@link ConfigException} naming the key.
   */
  public static SSLContext client(SslConfig ssl) {
    SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
    String keyPassword = ssl.keyPassword().isEmpty() ? null : ssl.keyPassword();
    if (ssl.keystoreType().equals("PEM")) {
      byte[][] pem = pemKey(ssl);
      try {
        builder.keyManager(
            new ByteArrayInputStream(pem[0]), new ByteArrayInputStream(pem[1]), keyPassword);
      } catch (RuntimeException e) {
        throw fail(ssl, ConfigKey.SSL_KEYSTORE_KEY, "cannot read the PEM key or certificates", e);
      }
    } else {
      builder.keyManager(keyManagers(ssl));
    }
    trust(ssl, builder);
    try {
      return ((JdkSslContext) builder.build()).context();
    } catch (IOException | RuntimeException e) {
      throw fail(ssl, ConfigKey.SSL_KEYSTORE_LOCATION, "cannot set up TLS", e);
    }
  }

  /**
   * {@code socket}, connected to {@code host:port}, wrapped in TLS from {@code context} with the
   * listener's TLS versions and cipher suites, and, with {@code
   * ssl.endpoint.identification.algorithm=https}, the check that the server's certificate names
   * {@code host}. The handshake happens on first use (or {@link SSLSocket#startHandshake}); closing
   * the result closes {@code socket}.
   */
  public static SSLSocket clientSocket(
      SSLContext context, SslConfig ssl, Socket socket, String host, int port) throws IOException {
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
    SSLParameters parameters = tls.getSSLParameters();
    parameters.setProtocols(ssl.enabledProtocols().toArray(String[]::new));
    if (!ssl.cipherSuites().isEmpty()) {
      parameters.setCipherSuites(ssl.cipherSuites().toArray(String[]::new));
    }
    if (ssl.verifyHostname()) {
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
    }
    tls.setSSLParameters(parameters);
    tls.setUseClientMode(true);
    return tls;
  }

  private static SslContextBuilder keys(SslConfig ssl) {
    String keyPassword = ssl.keyPassword().isEmpty() ? null : ssl.keyPassword();
    if (ssl.keystoreType().equals("PEM")) {
      byte[][] pem = pemKey(ssl);
      try {
        return SslContextBuilder.forServer(
            new ByteArrayInputStream(pem[0]), new ByteArrayInputStream(pem[1]), keyPassword);
      } catch (RuntimeException e) {
        throw fail(ssl, ConfigKey.SSL_KEYSTORE_KEY, "cannot read the PEM key or certificates", e);
      }
    }
    return SslContextBuilder.forServer(keyManagers(ssl));
  }

  /** The PEM certificate chain and key: inline, or both from the one file. */
  private static byte[][] pemKey(SslConfig ssl) {
    if (ssl.keystoreLocation().isEmpty()) {
      return new byte[][] {
        ssl.keystoreCertificateChain().getBytes(StandardCharsets.US_ASCII),
        ssl.keystoreKey().getBytes(StandardCharsets.US_ASCII)
      };
    }
    byte[] both = read(ssl, ConfigKey.SSL_KEYSTORE_LOCATION, ssl.keystoreLocation());
    return new byte[][] {both, both}; // each is found by its PEM header
  }

  /** The key manager of a JKS or PKCS12 key store. */
  private static KeyManagerFactory keyManagers(SslConfig ssl) {
    String keyPassword = ssl.keyPassword().isEmpty() ? null : ssl.keyPassword();
    KeyStore store =
        load(
            ssl,
            ConfigKey.SSL_KEYSTORE_LOCATION,
            ssl.keystoreType(),
            ssl.keystoreLocation(),
            ssl.keystorePassword());
    try {
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(
          store, (keyPassword != null ? keyPassword : ssl.keystorePassword()).toCharArray());
      return factory;
    } catch (GeneralSecurityException e) {
      throw fail(ssl, ConfigKey.SSL_KEY_PASSWORD, "cannot read the private key", e);
    }
  }

  private static void trust(SslConfig ssl, SslContextBuilder builder) {
    if (ssl.truststoreType().equals("PEM")) {
      byte[] certificates =
          ssl.truststoreLocation().isEmpty()
              ? ssl.truststoreCertificates().getBytes(StandardCharsets.US_ASCII)
              : read(ssl, ConfigKey.SSL_TRUSTSTORE_LOCATION, ssl.truststoreLocation());
      if (certificates.length > 0) {
        try {
          builder.trustManager(new ByteArrayInputStream(certificates));
        } catch (RuntimeException e) {
          throw fail(ssl, ConfigKey.SSL_TRUSTSTORE_CERTIFICATES, "cannot read certificates", e);
        }
      }
      return;
    }
    if (ssl.truststoreLocation().isEmpty()) {
      return; // the JDK's certificate authorities
    }
    KeyStore store =
        load(
            ssl,
            ConfigKey.SSL_TRUSTSTORE_LOCATION,
            ssl.truststoreType(),
            ssl.truststoreLocation(),
            ssl.truststorePassword());
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      builder.trustManager(factory);
    } catch (GeneralSecurityException e) {
      throw fail(ssl, ConfigKey.SSL_TRUSTSTORE_LOCATION, "cannot use the trust store", e);
    }
  }

  private static KeyStore load(
      SslConfig ssl, ConfigKey key, String type, String location, String password) {
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, password.isEmpty() ? null : password.toCharArray());
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw fail(ssl, key, "cannot open " + type + " store " + location, e);
    }
  }

  private static byte[] read(SslConfig ssl, ConfigKey key, String location) {
    try {
      return Files.readAllBytes(Path.of(location));
    } catch (IOException e) {
      throw fail(ssl, key, "cannot read " + location, e);
    }
  }

  /** The key as the listener has it, with the reason (a wrong password shows as such). */
  private static ConfigException fail(SslConfig ssl, ConfigKey key, String what, Exception e) {
    String reason = e.getMessage();
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null) {
      reason = reason + " (" + cause.getMessage() + ")";
    }
    ConfigException failure =
        new ConfigException(
            "listener " + ssl.listenerName() + ", '" + key.key() + "': " + what + ": " + reason);
    failure.initCause(e);
    return failure;
  }
}
