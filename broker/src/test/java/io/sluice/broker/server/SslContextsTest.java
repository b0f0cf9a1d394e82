package io.sluice.broker.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.sluice.broker.TestCertificates;
import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.ConfigException;
import io.sluice.broker.config.SslConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ssl.engine}: OpenSSL (tcnative's BoringSSL, shipped for Linux x86-64, the platform this
 * build runs on) or the JDK's engine, per listener; bad values and cipher suites the engine does
 * not have stop the broker naming the key.
 */
class SslContextsTest {

  private static SslConfig ssl(String... more) throws Exception {
    TestCertificates certs = TestCertificates.get();
    Map<String, String> config = new HashMap<>();
    config.put("listeners", "SSL://127.0.0.1:0");
    config.put("ssl.keystore.type", "PKCS12");
    config.put("ssl.keystore.location", certs.serverPkcs12.toString());
    config.put("ssl.keystore.password", TestCertificates.PASSWORD);
    for (int i = 0; i < more.length; i += 2) {
      config.put(more[i], more[i + 1]);
    }
    return BrokerConfig.from(config).listeners().ssl("SSL");
  }

  @Test
  void openSslLoadsOnThisPlatform() {
    assertTrue(OpenSsl.isAvailable(), () -> "tcnative: " + OpenSsl.unavailabilityCause());
  }

  @Test
  void autoAndOpensslServeThroughOpenSsl_jdkThroughTheJdk() throws Exception {
    assertInstanceOf(OpenSslContext.class, SslContexts.server(ssl()));
    assertInstanceOf(OpenSslContext.class, SslContexts.server(ssl("ssl.engine", "openssl")));
    assertInstanceOf(JdkSslContext.class, SslContexts.server(ssl("ssl.engine", "JDK")));
    SslContext perListener =
        SslContexts.server(ssl("ssl.engine", "openssl", "listener.name.ssl.ssl.engine", "jdk"));
    assertInstanceOf(JdkSslContext.class, perListener);
    assertFalse(perListener.isClient());
  }

  @Test
  void anUnknownEngine_isRefusedNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> ssl("ssl.engine", "conscrypt"));
    assertTrue(e.getMessage().contains("'ssl.engine'"), e.getMessage());
    assertTrue(e.getMessage().contains("auto, openssl or jdk"), e.getMessage());
  }

  @Test
  void aCipherSuiteTheEngineLacks_isRefusedNamingTheKey() throws Exception {
    for (String engine : new String[] {"openssl", "jdk"}) {
      SslConfig config =
          ssl("ssl.engine", engine, "ssl.cipher.suites", "TLS_NO_SUCH_SUITE_WITH_NULL_SHA");
      ConfigException e = assertThrows(ConfigException.class, () -> SslContexts.server(config));
      assertTrue(e.getMessage().contains("ssl.cipher.suites"), engine + ": " + e.getMessage());
    }
  }
}
