package io.sluice.broker.security.acl;

import java.util.Locale;

/**
 * Kafka's ACL resource types with their wire codes and the names Kafka's ZooKeeper layout and tools
 * use. {@link #ANY} and {@link #UNKNOWN} only appear in filters (and refused requests); the broker
 * stores and checks {@link #TOPIC}, {@link #GROUP}, {@link #CLUSTER} and {@link #TRANSACTIONAL_ID}.
 */
public enum ResourceType {
  UNKNOWN(0, "Unknown"),
  ANY(1, "Any"),
  TOPIC(2, "Topic"),
  GROUP(3, "Group"),
  CLUSTER(4, "Cluster"),
  TRANSACTIONAL_ID(5, "TransactionalId"),
  DELEGATION_TOKEN(6, "DelegationToken"),
  USER(7, "User");

  /** The one name a {@link #CLUSTER} resource has, as in Kafka. */
  public static final String CLUSTER_NAME = "kafka-cluster";

  private final byte code;
  private final String zkName;

  ResourceType(int code, String zkName) {
    this.code = (byte) code;
    this.zkName = zkName;
  }

  public byte code() {
    return code;
  }

  /** The name in Kafka's ZooKeeper paths and JSON ({@code Topic}, {@code TransactionalId}). */
  public String zkName() {
    return zkName;
  }

  /** Whether ACLs of this type can be stored and checked by this broker. */
  public boolean supported() {
    return this == TOPIC || this == GROUP || this == CLUSTER || this == TRANSACTIONAL_ID;
  }

  /** The type with this wire code, {@link #UNKNOWN} for any other. */
  public static ResourceType forCode(byte code) {
    for (ResourceType type : values()) {
      if (type.code == code) {
        return type;
      }
    }
    return UNKNOWN;
  }

  /** The type with this name (either {@code TransactionalId} or {@code TRANSACTIONAL_ID}). */
  public static ResourceType forName(String name) {
    for (ResourceType type : values()) {
      if (type.zkName.equalsIgnoreCase(name) || type.name().equals(name.toUpperCase(Locale.ROOT))) {
        return type;
      }
    }
    return UNKNOWN;
  }
}
