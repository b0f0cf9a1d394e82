package io.sluice.broker.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The broker's listeners, from Kafka's four keys: {@code listeners} (what is bound), {@code
 * advertised.listeners} (what clients of each listener are told), {@code
 * listener.security.protocol.map} (each listener name's security protocol) and {@code
 * inter.broker.listener.name} (or {@code security.inter.broker.protocol}, which names the listener
 * called after the protocol; Kafka allows one of the two). Validated as Kafka validates them, with
 * Kafka's messages where Kafka has one; every failure is a {@link ConfigException} naming the key
 * and its value.
 *
 * <p>Invariants: at least one listener; names are distinct and upper case; ports other than 0 are
 * distinct; every listener has a security protocol, and it is one this broker serves; every
 * advertised entry names a listener and is an address a client can connect to (a real host, a real
 * port). Immutable.
 *
 * @param bound the listeners in the order given; the first is the broker's default listener
 * @param advertised the explicit {@code advertised.listeners} entries by listener name
 * @param protocols the security protocol of each listener, by listener name
 * @param interBrokerListenerName {@code inter.broker.listener.name}, or the listener {@code
 *     security.inter.broker.protocol} names, or null when neither is set
 * @param ssl the TLS settings of each {@code SSL} and {@code SASL_SSL} listener, by listener name
 * @param sasl the SASL settings of each {@code SASL_PLAINTEXT} and {@code SASL_SSL} listener, by
 *     listener name
 */
public record Listeners(
    List<Endpoint> bound,
    Map<String, Endpoint> advertised,
    Map<String, SecurityProtocol> protocols,
    String interBrokerListenerName,
    Map<String, SslConfig> ssl,
    Map<String, SaslConfig> sasl) {

  /** Kafka's default map: each protocol name maps to itself. */
  static final String DEFAULT_PROTOCOL_MAP =
      "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL";

  /** The protocols a listener may use in this version. */
  static final Set<SecurityProtocol> SUPPORTED = Set.of(SecurityProtocol.values());

  public Listeners {
    bound = List.copyOf(bound);
    advertised = Collections.unmodifiableMap(new LinkedHashMap<>(advertised));
    protocols = Collections.unmodifiableMap(new LinkedHashMap<>(protocols));
    ssl = Map.copyOf(ssl);
    sasl = Map.copyOf(sasl);
    if (bound.isEmpty()) {
      throw new IllegalArgumentException("no listener");
    }
  }

  /** The first listener: the one the broker's own {@code bootstrapServers()} names. */
  public Endpoint first() {
    return bound.get(0);
  }

  /** The listener names in the order given. */
  public List<String> names() {
    List<String> names = new ArrayList<>(bound.size());
    bound.forEach(l -> names.add(l.listenerName()));
    return names;
  }

  /** The security protocol of listener {@code name}. */
  public SecurityProtocol protocol(String name) {
    SecurityProtocol protocol = protocols.get(name);
    if (protocol == null) {
      throw new IllegalArgumentException("no listener named " + name);
    }
    return protocol;
  }

  /**
   * The address given to clients that connected to listener {@code name}: its entry in {@code
   * advertised.listeners}, else its own host (127.0.0.1 when it binds every interface) and the port
   * it is bound to.
   */
  public Endpoint advertised(String name, int boundPort) {
    Endpoint explicit = advertised.get(name);
    if (explicit != null) {
      return explicit;
    }
    for (Endpoint listener : bound) {
      if (listener.listenerName().equals(name)) {
        String host = listener.wildcardHost() ? "127.0.0.1" : listener.host();
        return new Endpoint(name, host, boundPort);
      }
    }
    throw new IllegalArgumentException("no listener named " + name);
  }

  /** The SASL settings of listener {@code name}, or null if it is not a SASL listener. */
  public SaslConfig sasl(String name) {
    return sasl.get(name);
  }

  /** The TLS settings of listener {@code name}, or null if it is not an SSL listener. */
  public SslConfig ssl(String name) {
    return ssl.get(name);
  }

  /**
   * Parses and validates the listener keys (values already trimmed; empty means unset) and, for
   * each SSL listener, its {@code ssl.*} keys with its {@code listener.name.<name>.ssl.*}
   * overrides.
   */
  static Listeners parse(
      Map<ConfigKey, String> values, Map<String, Map<ConfigKey, String>> overridesByListener) {
    return parse(values, overridesByListener, Map.of());
  }

  /**
   * As {@link #parse(Map, Map)}, with each SASL listener's JAAS entries by listener name and
   * lower-case mechanism ({@code listener.name.<l>.<mechanism>.sasl.jaas.config}).
   */
  static Listeners parse(
      Map<ConfigKey, String> values,
      Map<String, Map<ConfigKey, String>> overridesByListener,
      Map<String, Map<String, String>> jaasByListener) {
    String listeners = values.get(ConfigKey.LISTENERS);
    String advertisedListeners = values.get(ConfigKey.ADVERTISED_LISTENERS);
    String protocolMap = values.get(ConfigKey.LISTENER_SECURITY_PROTOCOL_MAP);
    String interBroker = values.get(ConfigKey.INTER_BROKER_LISTENER_NAME);
    Map<String, SecurityProtocol> map = protocolMap(protocolMap);
    List<Endpoint> bound = endpoints(ConfigKey.LISTENERS, listeners);
    if (bound.isEmpty()) {
      throw bad(ConfigKey.LISTENERS, listeners, "must name at least one listener");
    }
    Map<String, SecurityProtocol> protocols = new LinkedHashMap<>();
    Set<Integer> ports = new TreeSet<>();
    for (Endpoint listener : bound) {
      String name = listener.listenerName();
      if (protocols.containsKey(name)) {
        throw bad(
            ConfigKey.LISTENERS,
            listeners,
            "Each listener must have a different name; " + name + " appears twice");
      }
      if (listener.port() != 0 && !ports.add(listener.port())) {
        throw bad(
            ConfigKey.LISTENERS,
            listeners,
            "Each listener must have a different port; " + listener.port() + " appears twice");
      }
      SecurityProtocol protocol = map.get(name);
      if (protocol == null) {
        throw bad(
            ConfigKey.LISTENERS,
            listeners,
            "No security protocol defined for listener "
                + name
                + " in "
                + ConfigKey.LISTENER_SECURITY_PROTOCOL_MAP.key()
                + " ("
                + protocolMap
                + ")");
      }
      if (!SUPPORTED.contains(protocol)) {
        throw bad(
            ConfigKey.LISTENERS,
            listeners,
            "listener "
                + name
                + " uses security protocol "
                + protocol
                + ", which is not supported yet (supported: "
                + new TreeSet<>(SUPPORTED)
                + ")");
      }
      protocols.put(name, protocol);
    }
    Map<String, Endpoint> advertised = new LinkedHashMap<>();
    if (!advertisedListeners.isEmpty()) {
      for (Endpoint endpoint : endpoints(ConfigKey.ADVERTISED_LISTENERS, advertisedListeners)) {
        String name = endpoint.listenerName();
        if (!protocols.containsKey(name)) {
          throw bad(
              ConfigKey.ADVERTISED_LISTENERS,
              advertisedListeners,
              "advertised.listeners listener names must be equal to or a subset of the ones"
                  + " defined in listeners. Found "
                  + name
                  + ". The valid options based on currently configured listeners are "
                  + String.join(",", protocols.keySet()));
        }
        if (advertised.put(name, endpoint) != null) {
          throw bad(
              ConfigKey.ADVERTISED_LISTENERS,
              advertisedListeners,
              "Each listener must have a different name; " + name + " appears twice");
        }
        if (endpoint.host().isEmpty()) {
          throw bad(
              ConfigKey.ADVERTISED_LISTENERS,
              advertisedListeners,
              endpoint + " has no host: clients need an address they can connect to");
        }
        if (endpoint.wildcardHost()) {
          throw bad(
              ConfigKey.ADVERTISED_LISTENERS,
              advertisedListeners,
              "advertised.listeners cannot use the nonroutable meta-address "
                  + endpoint.host()
                  + ". Use a routable IP address.");
        }
        if (endpoint.port() == 0) {
          throw bad(
              ConfigKey.ADVERTISED_LISTENERS,
              advertisedListeners,
              endpoint + " has port 0: clients need the port they can connect to");
        }
      }
    }
    String interBrokerName = null;
    String interBrokerProtocol =
        values.getOrDefault(ConfigKey.SECURITY_INTER_BROKER_PROTOCOL, "").trim();
    if (!interBrokerProtocol.isEmpty()) {
      // Kafka's rules: one key or the other; the protocol names the listener called after it.
      if (!interBroker.isEmpty()) {
        throw new ConfigException(
            "Only one of "
                + ConfigKey.INTER_BROKER_LISTENER_NAME.key()
                + " and "
                + ConfigKey.SECURITY_INTER_BROKER_PROTOCOL.key()
                + " should be set.");
      }
      SecurityProtocol protocol = SecurityProtocol.forName(interBrokerProtocol);
      if (protocol == null) {
        throw bad(
            ConfigKey.SECURITY_INTER_BROKER_PROTOCOL,
            interBrokerProtocol,
            "unknown security protocol (known: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)");
      }
      interBrokerName = protocol.name();
      if (!protocols.containsKey(interBrokerName)) {
        throw bad(
            ConfigKey.SECURITY_INTER_BROKER_PROTOCOL,
            interBrokerProtocol,
            "the inter-broker listener is the one named "
                + interBrokerName
                + ", and there is none. The valid options based on currently configured listeners"
                + " are "
                + String.join(",", protocols.keySet())
                + " (or set "
                + ConfigKey.INTER_BROKER_LISTENER_NAME.key()
                + " instead)");
      }
    }
    if (!interBroker.isEmpty()) {
      interBrokerName = interBroker.toUpperCase(java.util.Locale.ROOT);
      if (!protocols.containsKey(interBrokerName)) {
        throw bad(
            ConfigKey.INTER_BROKER_LISTENER_NAME,
            interBroker,
            "inter.broker.listener.name must be a listener name defined in advertised.listeners."
                + " The valid options based on currently configured listeners are "
                + String.join(",", protocols.keySet()));
      }
    }
    java.util.Set<String> prefixed = new java.util.LinkedHashSet<>(overridesByListener.keySet());
    prefixed.addAll(jaasByListener.keySet());
    for (String name : prefixed) {
      if (!protocols.containsKey(name)) {
        throw new ConfigException(
            "configuration keys 'listener.name."
                + name.toLowerCase(java.util.Locale.ROOT)
                + ".*' name no listener; the listeners are "
                + String.join(",", protocols.keySet()));
      }
    }
    Map<String, SslConfig> ssl = new LinkedHashMap<>();
    protocols.forEach(
        (name, protocol) -> {
          if (protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL) {
            ssl.put(
                name,
                SslConfig.parse(name, values, overridesByListener.getOrDefault(name, Map.of())));
          }
        });
    Map<String, SaslConfig> sasl = new LinkedHashMap<>();
    protocols.forEach(
        (name, protocol) -> {
          Map<String, String> jaas = jaasByListener.getOrDefault(name, Map.of());
          if (protocol == SecurityProtocol.SASL_PLAINTEXT
              || protocol == SecurityProtocol.SASL_SSL) {
            sasl.put(
                name,
                SaslConfig.parse(
                    name, values, overridesByListener.getOrDefault(name, Map.of()), jaas));
          } else if (!jaas.isEmpty()) {
            throw new ConfigException(
                "configuration key '"
                    + SaslConfig.jaasKey(name, jaas.keySet().iterator().next())
                    + "' is set but listener "
                    + name
                    + " uses "
                    + protocol
                    + ", not SASL_PLAINTEXT or SASL_SSL");
          }
        });
    return new Listeners(bound, advertised, protocols, interBrokerName, ssl, sasl);
  }

  private static List<Endpoint> endpoints(ConfigKey key, String value) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (String item : value.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      try {
        endpoints.add(Endpoint.parse(item));
      } catch (IllegalArgumentException e) {
        throw bad(key, value, e.getMessage());
      }
    }
    return endpoints;
  }

  /** {@code NAME:PROTOCOL,NAME:PROTOCOL}, names upper-cased; each name at most once. */
  private static Map<String, SecurityProtocol> protocolMap(String value) {
    ConfigKey key = ConfigKey.LISTENER_SECURITY_PROTOCOL_MAP;
    Map<String, SecurityProtocol> map = new LinkedHashMap<>();
    for (String item : value.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      int colon = item.indexOf(':');
      if (colon <= 0 || colon == item.trim().length() - 1 || item.indexOf(':', colon + 1) >= 0) {
        throw bad(key, value, "expected NAME:PROTOCOL, got '" + item.trim() + "'");
      }
      String name = item.substring(0, colon).trim().toUpperCase(java.util.Locale.ROOT);
      SecurityProtocol protocol = SecurityProtocol.forName(item.substring(colon + 1));
      if (protocol == null) {
        throw bad(
            key,
            value,
            "unknown security protocol '"
                + item.substring(colon + 1).trim()
                + "' (known: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)");
      }
      if (map.put(name, protocol) != null) {
        throw bad(key, value, "listener name " + name + " appears twice");
      }
    }
    return map;
  }

  private static ConfigException bad(ConfigKey key, String value, String why) {
    return new ConfigException(
        "invalid value '" + value + "' for configuration key '" + key.key() + "': " + why);
  }
}
