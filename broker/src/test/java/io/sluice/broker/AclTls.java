package io.sluice.broker;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Principals for ACL tests: a broker with a PLAINTEXT listener first (its clients are {@code
 * User:ANONYMOUS}, made a super user here, as the brokers' own principal must be) and an SSL
 * listener requiring client certificates (its clients are {@link #APP}, the test certificate's
 * subject), with the built-in authorizer on.
 */
final class AclTls {
  static final String APP = TestCertificates.CLIENT_PRINCIPAL;
  static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

  private AclTls() {}

  static Map<String, String> broker(TestCertificates certs, String... more) {
    Map<String, String> config = new HashMap<>();
    config.put("listeners", "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0");
    config.put("ssl.keystore.type", "PKCS12");
    config.put("ssl.keystore.location", certs.serverPkcs12.toString());
    config.put("ssl.keystore.password", TestCertificates.PASSWORD);
    config.put("ssl.client.auth", "required");
    config.put("ssl.truststore.type", "PKCS12");
    config.put("ssl.truststore.location", certs.truststore.toString());
    config.put("ssl.truststore.password", TestCertificates.PASSWORD);
    config.put("authorizer.class.name", AUTHORIZER);
    config.put("super.users", "User:ANONYMOUS");
    for (int i = 0; i < more.length; i += 2) {
      config.put(more[i], more[i + 1]);
    }
    return config;
  }

  /** Kafka client keys for the SSL listener with the test client certificate ({@link #APP}). */
  static Properties app(TestCertificates certs, Properties props) {
    props.put("security.protocol", "SSL");
    props.put("ssl.truststore.type", "PKCS12");
    props.put("ssl.truststore.location", certs.truststore.toString());
    props.put("ssl.truststore.password", TestCertificates.PASSWORD);
    props.put("ssl.keystore.type", "PKCS12");
    props.put("ssl.keystore.location", certs.clientPkcs12.toString());
    props.put("ssl.keystore.password", TestCertificates.PASSWORD);
    return props;
  }
}
