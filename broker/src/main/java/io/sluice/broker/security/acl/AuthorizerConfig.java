package io.sluice.broker.security.acl;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.ConfigException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The authorizer's keys, Kafka's names: {@code authorizer.class.name} (empty: no authorization;
 * Kafka's built-in authorizers' class names switch on Sluice's), {@code super.users} (principals
 * separated by semicolons, allowed everything) and {@code allow.everyone.if.no.acl.found}.
 * Immutable.
 */
public record AuthorizerConfig(
    boolean enabled, Set<String> superUsers, boolean allowEveryoneIfNoAclFound) {
  /** Kafka's KRaft-era built-in authorizer. */
  public static final String STANDARD_AUTHORIZER =
      "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

  /** Kafka's ZooKeeper-era built-in authorizer. */
  public static final String ACL_AUTHORIZER = "kafka.security.authorizer.AclAuthorizer";

  public static final AuthorizerConfig DISABLED = new AuthorizerConfig(false, Set.of(), false);

  public AuthorizerConfig {
    superUsers = Set.copyOf(superUsers);
  }

  /** Reads and checks the keys; a class name other than Kafka's two is a ConfigException. */
  public static AuthorizerConfig from(BrokerConfig config) {
    String className = config.value("authorizer.class.name").trim();
    boolean enabled;
    if (className.isEmpty()) {
      enabled = false;
    } else if (className.equals(STANDARD_AUTHORIZER) || className.equals(ACL_AUTHORIZER)) {
      enabled = true;
    } else {
      throw new ConfigException(
          "authorizer.class.name '"
              + className
              + "' is not supported: use "
              + STANDARD_AUTHORIZER
              + " or "
              + ACL_AUTHORIZER
              + " (the built-in ACL authorizer), or leave it empty");
    }
    Set<String> superUsers = new LinkedHashSet<>();
    for (String item : config.value("super.users").split(";")) {
      String principal = item.trim();
      if (principal.isEmpty()) {
        continue;
      }
      int colon = principal.indexOf(':');
      if (colon <= 0 || colon == principal.length() - 1) {
        throw new ConfigException(
            "super.users: '" + principal + "' is not a principal of the form User:name");
      }
      superUsers.add(principal);
    }
    String allow = config.value("allow.everyone.if.no.acl.found").trim();
    if (!allow.equalsIgnoreCase("true") && !allow.equalsIgnoreCase("false")) {
      throw new ConfigException(
          "allow.everyone.if.no.acl.found '" + allow + "': must be true or false");
    }
    return new AuthorizerConfig(enabled, superUsers, Boolean.parseBoolean(allow.toLowerCase()));
  }
}
