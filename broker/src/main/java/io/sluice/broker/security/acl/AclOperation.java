package io.sluice.broker.security.acl;

import java.util.Locale;

/**
 * Kafka's ACL operations with their wire codes and the spelling of Kafka's ZooKeeper JSON ({@code
 * Read}, {@code ClusterAction}). {@link #ANY} and {@link #UNKNOWN} only appear in filters.
 *
 * <p>Implication, as in Kafka: an ALLOW for {@link #READ}, {@link #WRITE}, {@link #DELETE} or
 * {@link #ALTER} also allows {@link #DESCRIBE}; an ALLOW for {@link #ALTER_CONFIGS} also allows
 * {@link #DESCRIBE_CONFIGS}; {@link #ALL} allows and denies everything. A DENY denies only its own
 * operation (or all, for {@link #ALL}).
 */
public enum AclOperation {
  UNKNOWN(0, "Unknown"),
  ANY(1, "Any"),
  ALL(2, "All"),
  READ(3, "Read"),
  WRITE(4, "Write"),
  CREATE(5, "Create"),
  DELETE(6, "Delete"),
  ALTER(7, "Alter"),
  DESCRIBE(8, "Describe"),
  CLUSTER_ACTION(9, "ClusterAction"),
  DESCRIBE_CONFIGS(10, "DescribeConfigs"),
  ALTER_CONFIGS(11, "AlterConfigs"),
  IDEMPOTENT_WRITE(12, "IdempotentWrite"),
  CREATE_TOKENS(13, "CreateTokens"),
  DESCRIBE_TOKENS(14, "DescribeTokens");

  private final byte code;
  private final String jsonName;

  AclOperation(int code, String jsonName) {
    this.code = (byte) code;
    this.jsonName = jsonName;
  }

  public byte code() {
    return code;
  }

  public String jsonName() {
    return jsonName;
  }

  /** Whether an ALLOW of this operation allows {@code requested}. */
  boolean allows(AclOperation requested) {
    if (this == ALL || this == requested) {
      return true;
    }
    return switch (requested) {
      case DESCRIBE -> this == READ || this == WRITE || this == DELETE || this == ALTER;
      case DESCRIBE_CONFIGS -> this == ALTER_CONFIGS;
      default -> false;
    };
  }

  /** Whether a DENY of this operation denies {@code requested}. */
  boolean denies(AclOperation requested) {
    return this == ALL || this == requested;
  }

  public static AclOperation forCode(byte code) {
    for (AclOperation op : values()) {
      if (op.code == code) {
        return op;
      }
    }
    return UNKNOWN;
  }

  /**
   * The operation with this name, in either spelling ({@code ClusterAction}, {@code
   * CLUSTER_ACTION}).
   */
  public static AclOperation forName(String name) {
    for (AclOperation op : values()) {
      if (op.jsonName.equalsIgnoreCase(name) || op.name().equals(name.toUpperCase(Locale.ROOT))) {
        return op;
      }
    }
    return UNKNOWN;
  }
}
