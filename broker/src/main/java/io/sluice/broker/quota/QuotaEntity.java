package io.sluice.broker.quota;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A client-quota entity: a user, a client id, or a user and a client id, each either a name or the
 * default of its type. Names are kept in Kafka's ZooKeeper form: sanitized (URL-encoded, with
 * {@code %20} for a space and {@code %2A} for {@code *}, as Kafka's {@code Sanitizer}), and the
 * default is the literal {@link #DEFAULT} ({@code <default>}), which no sanitized name can equal. A
 * null part is not part of the entity. Immutable.
 *
 * @param user the sanitized user name, {@link #DEFAULT}, or null
 * @param clientId the sanitized client id, {@link #DEFAULT}, or null
 */
public record QuotaEntity(String user, String clientId) {
  /** The name of an entity type's default, in ZooKeeper paths and here. */
  public static final String DEFAULT = "<default>";

  /** Kafka's entity type names in the quota APIs. */
  public static final String USER = "user";

  public static final String CLIENT_ID = "client-id";

  public QuotaEntity {
    if (user == null && clientId == null) {
      throw new IllegalArgumentException("a quota entity names a user, a client id or both");
    }
  }

  /**
   * The entity of the quota APIs' (type, name) pairs: {@code user} and {@code clientId} are the raw
   * names, null for the default; {@code hasUser}/{@code hasClientId} say which types it has.
   */
  public static QuotaEntity of(boolean hasUser, String user, boolean hasClientId, String clientId) {
    return new QuotaEntity(
        hasUser ? (user == null ? DEFAULT : sanitize(user)) : null,
        hasClientId ? (clientId == null ? DEFAULT : sanitize(clientId)) : null);
  }

  /** Kafka's {@code Sanitizer.sanitize}: URL-encoding, with {@code %20} and {@code %2A}. */
  public static String sanitize(String name) {
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8);
    if (encoded.indexOf('+') < 0 && encoded.indexOf('*') < 0) {
      return encoded;
    }
    return encoded.replace("+", "%20").replace("*", "%2A");
  }

  /** The raw name of a sanitized one. */
  public static String desanitize(String sanitized) {
    return URLDecoder.decode(sanitized, StandardCharsets.UTF_8);
  }

  /** A part as the quota APIs name it: null for the default, else the raw name. */
  public static String apiName(String part) {
    return DEFAULT.equals(part) ? null : desanitize(part);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    if (user != null) {
      text.append("user=").append(user);
    }
    if (clientId != null) {
      text.append(user != null ? "," : "").append("client-id=").append(clientId);
    }
    return text.toString();
  }

  /**
   * Parses {@link #toString}'s form ({@code user=a}, {@code client-id=b}, {@code
   * user=a,client-id=b}).
   */
  static QuotaEntity parse(String text) {
    String user = null;
    String clientId = null;
    for (String part : text.split(",", -1)) {
      if (part.startsWith("user=") && user == null) {
        user = nonEmpty(part.substring("user=".length()), text);
      } else if (part.startsWith("client-id=") && clientId == null) {
        clientId = nonEmpty(part.substring("client-id=".length()), text);
      } else {
        throw new IllegalArgumentException("not a quota entity: " + text);
      }
    }
    if (user == null && clientId == null) {
      throw new IllegalArgumentException("not a quota entity: " + text);
    }
    return new QuotaEntity(user, clientId);
  }

  private static String nonEmpty(String name, String text) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty name in quota entity: " + text);
    }
    return name;
  }
}
