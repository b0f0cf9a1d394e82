package io.sluice.broker.security.acl;

import java.util.Locale;

/**
 * Kafka's resource pattern types with their wire codes. A stored ACL is {@link #LITERAL} (the exact
 * name, or {@code *} for every name) or {@link #PREFIXED} (every name starting with it); {@link
 * #ANY} and {@link #MATCH} only appear in filters.
 */
public enum PatternType {
  UNKNOWN(0),
  ANY(1),
  MATCH(2),
  LITERAL(3),
  PREFIXED(4);

  private final byte code;

  PatternType(int code) {
    this.code = (byte) code;
  }

  public byte code() {
    return code;
  }

  /** Whether a stored ACL may have this pattern type. */
  public boolean specific() {
    return this == LITERAL || this == PREFIXED;
  }

  public static PatternType forCode(byte code) {
    for (PatternType type : values()) {
      if (type.code == code) {
        return type;
      }
    }
    return UNKNOWN;
  }

  public static PatternType forName(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
  }

  /** {@code Literal}, {@code Prefixed}: the spelling of Kafka's JSON. */
  public String jsonName() {
    String lower = name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
  }
}
