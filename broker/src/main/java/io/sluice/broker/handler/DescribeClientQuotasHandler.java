package io.sluice.broker.handler;

import io.sluice.broker.quota.ClientQuotaStore;
import io.sluice.broker.quota.QuotaEntity;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DescribeClientQuotasRequest;
import io.sluice.protocol.message.DescribeClientQuotasResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DescribeClientQuotas ({@code Admin.describeClientQuotas}, {@code kafka-configs --describe
 * --entity-type users|clients}): the stored quotas of every entity the filter matches, with Kafka's
 * filter semantics. Each component names an entity type and matches an exact name ({@code 0}), the
 * type's default ({@code 1}) or any entity that has the type ({@code 2}); {@code strict} keeps only
 * entities with no other type. A bad filter answers {@code INVALID_REQUEST} for the whole request,
 * a principal without {@code DESCRIBE_CONFIGS} on the cluster {@code CLUSTER_AUTHORIZATION_FAILED}.
 * Reads a snapshot; stateless.
 */
final class DescribeClientQuotasHandler extends VersionedHandler {
  static final byte MATCH_EXACT = 0;
  static final byte MATCH_DEFAULT = 1;
  static final byte MATCH_ANY = 2;

  private final ClientQuotaStore store;
  private final Authorization authorization;

  DescribeClientQuotasHandler(ClientQuotaStore store, Authorization authorization) {
    super(ApiKey.DESCRIBE_CLIENT_QUOTAS, 0, 1);
    this.store = store;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    DescribeClientQuotasRequest req = DescribeClientQuotasRequest.read(request.reader(), version);
    DescribeClientQuotasResponse response = new DescribeClientQuotasResponse();
    if (!authorization.cluster(request, AclOperation.DESCRIBE_CONFIGS)) {
      responder.respond(
          response
              .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
              .setErrorMessage("not authorized to describe client quotas")
              .setEntries(null),
          version);
      return;
    }
    Map<String, String> exact = new HashMap<>(); // type to sanitized name or <default>
    Set<String> any = new HashSet<>();
    String problem = null;
    for (DescribeClientQuotasRequest.ComponentData c : req.components()) {
      problem = componentProblem(c, exact, any);
      if (problem != null) {
        break;
      }
    }
    if (problem != null) {
      responder.respond(
          response
              .setErrorCode(Errors.INVALID_REQUEST.code())
              .setErrorMessage(problem)
              .setEntries(null),
          version);
      return;
    }
    List<DescribeClientQuotasResponse.EntryData> entries = new ArrayList<>();
    store
        .current()
        .entities()
        .forEach(
            (entity, values) -> {
              if (matches(entity, exact, any, req.strict())) {
                entries.add(entry(entity, values));
              }
            });
    responder.respond(response.setEntries(entries), version);
  }

  /** Files one filter component; the problem with it, or null. */
  private static String componentProblem(
      DescribeClientQuotasRequest.ComponentData c, Map<String, String> exact, Set<String> any) {
    String type = c.entityType();
    if (type == null || type.isEmpty()) {
      return "Invalid empty entity type.";
    }
    if (exact.containsKey(type) || any.contains(type)) {
      return "Entity type " + type + " cannot appear more than once in the filter.";
    }
    if (!type.equals(QuotaEntity.USER) && !type.equals(QuotaEntity.CLIENT_ID)) {
      return "Unsupported entity type " + type;
    }
    switch (c.matchType()) {
      case MATCH_EXACT -> {
        if (c.match() == null) {
          return "Request specified MATCH_TYPE_EXACT, but set match string to null.";
        }
        exact.put(type, QuotaEntity.sanitize(c.match()));
      }
      case MATCH_DEFAULT -> {
        if (c.match() != null) {
          return "Request specified MATCH_TYPE_DEFAULT, but also specified a match string.";
        }
        exact.put(type, QuotaEntity.DEFAULT);
      }
      case MATCH_ANY -> {
        if (c.match() != null) {
          return "Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.";
        }
        any.add(type);
      }
      default -> {
        return "Unknown match type " + c.matchType();
      }
    }
    return null;
  }

  static boolean matches(
      QuotaEntity entity, Map<String, String> exact, Set<String> any, boolean strict) {
    int parts = (entity.user() != null ? 1 : 0) + (entity.clientId() != null ? 1 : 0);
    if (strict && parts != exact.size() + any.size()) {
      return false;
    }
    for (Map.Entry<String, String> e : exact.entrySet()) {
      if (!e.getValue().equals(part(entity, e.getKey()))) {
        return false;
      }
    }
    for (String type : any) {
      if (part(entity, type) == null) {
        return false;
      }
    }
    return true;
  }

  private static String part(QuotaEntity entity, String type) {
    return type.equals(QuotaEntity.USER) ? entity.user() : entity.clientId();
  }

  private static DescribeClientQuotasResponse.EntryData entry(
      QuotaEntity entity, Map<String, Double> values) {
    List<DescribeClientQuotasResponse.EntityData> components = new ArrayList<>(2);
    if (entity.user() != null) {
      components.add(
          new DescribeClientQuotasResponse.EntityData()
              .setEntityType(QuotaEntity.USER)
              .setEntityName(QuotaEntity.apiName(entity.user())));
    }
    if (entity.clientId() != null) {
      components.add(
          new DescribeClientQuotasResponse.EntityData()
              .setEntityType(QuotaEntity.CLIENT_ID)
              .setEntityName(QuotaEntity.apiName(entity.clientId())));
    }
    List<DescribeClientQuotasResponse.ValueData> out = new ArrayList<>(values.size());
    values.forEach(
        (key, value) ->
            out.add(new DescribeClientQuotasResponse.ValueData().setKey(key).setValue(value)));
    return new DescribeClientQuotasResponse.EntryData().setEntity(components).setValues(out);
  }
}
