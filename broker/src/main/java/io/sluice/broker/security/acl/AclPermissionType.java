package io.sluice.broker.security.acl;

import java.util.Locale;

/** ALLOW or DENY, with Kafka's wire codes; {@link #ANY} and {@link #UNKNOWN} only in filters. */
public enum AclPermissionType {
  UNKNOWN(0),
  ANY(1),
  DENY(2),
  ALLOW(3);

  private final byte code;

  AclPermissionType(int code) {
    this.code = (byte) code;
  }

  public byte code() {
    return code;
  }

  /** {@code Allow}, {@code Deny}: Kafka's JSON spelling. */
  public String jsonName() {
    String lower = name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
  }

  public static AclPermissionType forCode(byte code) {
    for (AclPermissionType type : values()) {
      if (type.code == code) {
        return type;
      }
    }
    return UNKNOWN;
  }

  public static AclPermissionType forName(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
  }
}
