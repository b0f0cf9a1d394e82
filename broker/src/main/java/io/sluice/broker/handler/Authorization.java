package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.security.acl.Authorizer;
import io.sluice.broker.security.acl.ResourceType;
import io.sluice.protocol.Errors;
import java.net.InetSocketAddress;

/**
 * The one place handlers ask "may this request do that?": the request's principal and client
 * address against the {@link Authorizer}, or, when no authorizer is configured ({@link #NONE}),
 * always yes. Handlers answer a refusal with Kafka's error for the resource type ({@code
 * TOPIC_AUTHORIZATION_FAILED}, {@code GROUP_AUTHORIZATION_FAILED}, {@code
 * CLUSTER_AUTHORIZATION_FAILED}, {@code TRANSACTIONAL_ID_AUTHORIZATION_FAILED}); docs/security.md
 * lists which API checks what. Thread-safe (the authorizer's checks are lock-free reads).
 */
public final class Authorization {
  /** No authorizer: every request is allowed, as before ACLs existed. */
  public static final Authorization NONE = new Authorization(null);

  private final Authorizer authorizer;

  public Authorization(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  /** Whether an authorizer is configured (the ACL APIs answer SECURITY_DISABLED otherwise). */
  public boolean enabled() {
    return authorizer != null;
  }

  /**
   * The message Kafka sends with SECURITY_DISABLED when an ACL API reaches a broker without one.
   */
  static final String NO_AUTHORIZER = "No authorizer is configured.";

  /**
   * Why an ACL change (CreateAcls, DeleteAcls: ALTER on the cluster) may not go on, or NONE:
   * SECURITY_DISABLED without an authorizer, CLUSTER_AUTHORIZATION_FAILED without the permission.
   */
  Errors aclChangeRefusal(Request request) {
    if (!enabled()) {
      return Errors.SECURITY_DISABLED;
    }
    return cluster(request, AclOperation.ALTER) ? Errors.NONE : Errors.CLUSTER_AUTHORIZATION_FAILED;
  }

  /** The authorizer; only valid when {@link #enabled}. */
  Authorizer authorizer() {
    return authorizer;
  }

  public boolean allowed(Request request, AclOperation op, ResourceType type, String name) {
    return authorizer == null
        || authorizer.authorize(request.principal(), host(request), op, type, name);
  }

  /** Whether the request may do {@code op} on some resource of the type (see the authorizer). */
  public boolean anyOfType(Request request, AclOperation op, ResourceType type) {
    return authorizer == null
        || authorizer.authorizeAny(request.principal(), host(request), op, type);
  }

  /** {@code op} on the cluster resource ({@code kafka-cluster}). */
  public boolean cluster(Request request, AclOperation op) {
    return allowed(request, op, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME);
  }

  public boolean topic(Request request, AclOperation op, String topic) {
    return allowed(request, op, ResourceType.TOPIC, topic);
  }

  public boolean group(Request request, AclOperation op, String group) {
    return allowed(request, op, ResourceType.GROUP, group);
  }

  public boolean transactionalId(Request request, AclOperation op, String id) {
    return allowed(request, op, ResourceType.TRANSACTIONAL_ID, id);
  }

  /** Kafka's BROKER_LOGGER config resource type (a broker's loggers: checked like the broker). */
  private static final byte BROKER_LOGGER = 8;

  /**
   * The refusal of {@code op} (DESCRIBE_CONFIGS or ALTER_CONFIGS) on a config resource, or NONE: a
   * topic needs it on the topic (TOPIC_AUTHORIZATION_FAILED), a broker or its loggers on the
   * cluster (CLUSTER_AUTHORIZATION_FAILED); other types are left to the handler to refuse.
   */
  Errors configResource(Request request, byte type, String name, AclOperation op) {
    if (type == ConfigEntries.TOPIC) {
      return topic(request, op, name) ? Errors.NONE : Errors.TOPIC_AUTHORIZATION_FAILED;
    }
    if (type == ConfigEntries.BROKER || type == BROKER_LOGGER) {
      return cluster(request, op) ? Errors.NONE : Errors.CLUSTER_AUTHORIZATION_FAILED;
    }
    return Errors.NONE;
  }

  /**
   * The client's IP address as ACL hosts name it ({@code 127.0.0.1}); empty when unknown, which
   * only the host {@code *} matches.
   */
  static String host(Request request) {
    if (request.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return "";
  }
}
