package io.sluice.client.internal;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.sluice.client.SecurityConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client's Netty {@link SslContext} from a {@link SecurityConfig}: JDK engine, TLS 1.3 and 1.2,
 * the trust store (JKS, PKCS12 or PEM; none: the JDK's certificate authorities), the key store for
 * mutual TLS if one is given, and host name verification unless {@code
 * ssl.endpoint.identification.algorithm} is empty. A store that cannot be read fails with {@link
 * IllegalArgumentException} naming the key. Stateless.
 */
final class ClientTls {
  private ClientTls() {}

  /** The context, or null for PLAINTEXT. */
  static SslContext context(SecurityConfig security) {
    if (!security.tls()) {
      return null;
    }
    SslContextBuilder builder =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .protocols("TLSv1.3", "TLSv1.2")
            .endpointIdentificationAlgorithm(
                security.endpointIdentification().isEmpty() ? null : "HTTPS");
    try {
      if (!security.truststoreLocation().isEmpty()) {
        if (security.truststoreType().equals("PEM")) {
          builder.trustManager(new File(security.truststoreLocation()));
        } else {
          TrustManagerFactory trust =
              TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
          trust.init(
              load(
                  "ssl.truststore.location",
                  security.truststoreType(),
                  security.truststoreLocation(),
                  security.truststorePassword()));
          builder.trustManager(trust);
        }
      }
      if (!security.keystoreLocation().isEmpty()) {
        String keyPassword =
            security.keyPassword().isEmpty() ? security.keystorePassword() : security.keyPassword();
        if (security.keystoreType().equals("PEM")) {
          File pem = new File(security.keystoreLocation());
          builder.keyManager(pem, pem, keyPassword.isEmpty() ? null : keyPassword);
        } else {
          KeyManagerFactory keys =
              KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
          keys.init(
              load(
                  "ssl.keystore.location",
                  security.keystoreType(),
                  security.keystoreLocation(),
                  security.keystorePassword()),
              keyPassword.toCharArray());
          builder.keyManager(keys);
        }
      }
      return builder.build();
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException named && named.getMessage().startsWith("invalid")) {
        throw named;
      }
      throw new IllegalArgumentException("invalid TLS settings " + security + ": " + e, e);
    }
  }

  private static KeyStore load(String key, String type, String location, String password) {
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, password.isEmpty() ? null : password.toCharArray());
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "invalid value "
              + key
              + "="
              + location
              + ": cannot open "
              + type
              + " store: "
              + e.getMessage(),
          e);
    }
  }
}
