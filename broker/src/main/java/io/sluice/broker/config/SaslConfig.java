package io.sluice.broker.config;

import io.sluice.protocol.sasl.JaasConfig;
import io.sluice.protocol.sasl.ScramMechanism;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SASL settings of one {@code SASL_PLAINTEXT} or {@code SASL_SSL} listener: the mechanisms it
 * offers ({@code sasl.enabled.mechanisms}, or {@code listener.name.<l>.sasl.enabled.mechanisms}),
 * the PLAIN users from {@code listener.name.<l>.plain.sasl.jaas.config} ({@code user_<name>="..."}
 * options of Kafka's {@code PlainLoginModule}), and the broker's own user name and password for
 * each mechanism (the {@code username} and {@code password} options of that mechanism's JAAS entry,
 * used for inter-broker connections). Validated at startup: an unsupported mechanism (Kafka's
 * default GSSAPI included), PLAIN without users, or a JAAS entry that does not parse or names the
 * wrong login module stops the broker with the key named. Immutable; {@link #toString} hides
 * passwords.
 *
 * @param enabledMechanisms the mechanism names in the order given (PLAIN, SCRAM-SHA-256,
 *     SCRAM-SHA-512)
 * @param plainUsers PLAIN's user names and passwords
 * @param ownCredentials per mechanism, the broker's own {@code username} and {@code password}
 */
public record SaslConfig(
    String listenerName,
    List<String> enabledMechanisms,
    Map<String, String> plainUsers,
    Map<String, Credentials> ownCredentials) {

  /** The mechanisms Sluice implements. */
  public static final List<String> SUPPORTED = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

  /** A user name and password from a JAAS entry. */
  public record Credentials(String username, String password) {
    @Override
    public String toString() {
      return "Credentials[username=" + username + "]";
    }
  }

  public SaslConfig {
    enabledMechanisms = List.copyOf(enabledMechanisms);
    plainUsers = Collections.unmodifiableMap(new LinkedHashMap<>(plainUsers));
    ownCredentials = Map.copyOf(ownCredentials);
  }

  /**
   * The settings of listener {@code name}: the mechanisms from {@code overrides} if set there, else
   * from {@code base}; each mechanism's JAAS entry from {@code jaas} (by lower-case mechanism name,
   * from {@code listener.name.<l>.<mechanism>.sasl.jaas.config}).
   */
  static SaslConfig parse(
      String name,
      Map<ConfigKey, String> base,
      Map<ConfigKey, String> overrides,
      Map<String, String> jaas) {
    ConfigKey key = ConfigKey.SASL_ENABLED_MECHANISMS;
    boolean overridden = overrides.containsKey(key);
    String keyName = SslConfig.keyName(name, key, overridden);
    String value = (overridden ? overrides.get(key) : base.get(key)).trim();
    List<String> mechanisms = new ArrayList<>();
    for (String item : value.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      String mechanism = item.trim().toUpperCase(Locale.ROOT);
      if (!SUPPORTED.contains(mechanism)) {
        throw new ConfigException(
            "invalid value '"
                + value
                + "' for configuration key '"
                + keyName
                + "': listener "
                + name
                + " is SASL and mechanism "
                + mechanism
                + " is not supported (supported: "
                + String.join(", ", SUPPORTED)
                + (mechanism.equals("GSSAPI") ? "; GSSAPI is Kafka's default, set this key" : "")
                + ")");
      }
      if (!mechanisms.contains(mechanism)) {
        mechanisms.add(mechanism);
      }
    }
    if (mechanisms.isEmpty()) {
      throw new ConfigException(
          "invalid value '' for configuration key '"
              + keyName
              + "': listener "
              + name
              + " is SASL and needs at least one mechanism");
    }
    for (String mechanism : jaas.keySet()) {
      if (!mechanisms.contains(mechanism.toUpperCase(Locale.ROOT))) {
        throw new ConfigException(
            "configuration key '"
                + jaasKey(name, mechanism)
                + "' is set but "
                + mechanism.toUpperCase(Locale.ROOT)
                + " is not enabled on listener "
                + name
                + " ("
                + keyName
                + "="
                + value
                + ")");
      }
    }
    Map<String, String> plainUsers = new LinkedHashMap<>();
    Map<String, Credentials> own = new LinkedHashMap<>();
    for (String mechanism : mechanisms) {
      String jaasKey = jaasKey(name, mechanism);
      String text = jaas.get(mechanism.toLowerCase(Locale.ROOT));
      boolean plain = mechanism.equals("PLAIN");
      if (text == null) {
        if (plain) {
          throw new ConfigException(
              "listener "
                  + name
                  + " enables PLAIN and needs its users: set '"
                  + jaasKey
                  + "' to "
                  + JaasConfig.PLAIN_LOGIN_MODULE
                  + " required user_<name>=\"<password>\" ...;");
        }
        continue;
      }
      JaasConfig entry;
      try {
        entry = JaasConfig.parse(text);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "invalid value for configuration key '" + jaasKey + "': " + e.getMessage());
      }
      String module = plain ? JaasConfig.PLAIN_LOGIN_MODULE : JaasConfig.SCRAM_LOGIN_MODULE;
      if (!entry.loginModule().equals(module)) {
        throw new ConfigException(
            "invalid value for configuration key '"
                + jaasKey
                + "': the login module of "
                + mechanism
                + " is "
                + module
                + ", not "
                + entry.loginModule());
      }
      for (Map.Entry<String, String> option : entry.options().entrySet()) {
        String optionName = option.getKey();
        if (plain && optionName.startsWith("user_") && optionName.length() > "user_".length()) {
          plainUsers.put(optionName.substring("user_".length()), option.getValue());
        } else if (!optionName.equals("username") && !optionName.equals("password")) {
          throw new ConfigException(
              "invalid value for configuration key '"
                  + jaasKey
                  + "': unknown option "
                  + optionName
                  + (plain ? " (username, password, user_<name>)" : " (username, password)"));
        }
      }
      String username = entry.option("username");
      String password = entry.option("password");
      if ((username == null) != (password == null)) {
        throw new ConfigException(
            "invalid value for configuration key '"
                + jaasKey
                + "': give both username and password, or neither");
      }
      if (username != null) {
        own.put(mechanism, new Credentials(username, password));
      }
      if (plain && plainUsers.isEmpty()) {
        throw new ConfigException(
            "invalid value for configuration key '"
                + jaasKey
                + "': PLAIN needs at least one user_<name>=\"<password>\" option");
      }
    }
    return new SaslConfig(name, mechanisms, plainUsers, own);
  }

  /** Kafka's per-listener, per-mechanism JAAS key. */
  static String jaasKey(String listenerName, String mechanism) {
    return "listener.name."
        + listenerName.toLowerCase(Locale.ROOT)
        + "."
        + mechanism.toLowerCase(Locale.ROOT)
        + ".sasl.jaas.config";
  }

  /** Whether a SCRAM mechanism is among the enabled ones. */
  public boolean scramEnabled() {
    for (ScramMechanism m : ScramMechanism.values()) {
      if (enabledMechanisms.contains(m.mechanismName())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "SaslConfig[listener="
        + listenerName
        + ", mechanisms="
        + enabledMechanisms
        + ", plainUsers="
        + plainUsers.keySet()
        + ", ownCredentials="
        + ownCredentials.values()
        + "]";
  }
}
