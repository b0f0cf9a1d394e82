package io.sluice.broker.handler;

import io.sluice.broker.quota.ClientQuotaStore;
import io.sluice.broker.quota.QuotaEntity;
import io.sluice.broker.quota.QuotaRequests;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.AlterClientQuotasRequest;
import io.sluice.protocol.message.AlterClientQuotasResponse;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AlterClientQuotas ({@code Admin.alterClientQuotas}, {@code kafka-configs --alter --add-config
 * producer_byte_rate=... --entity-type users}): sets or removes ({@code remove}) quotas of users,
 * client ids and (user, client id) pairs, defaults included (a null name). Each entry is validated
 * on its own with Kafka's errors ({@code INVALID_REQUEST}: an empty or duplicate entity type, an
 * unknown one, an empty name, an unknown key, a value not above 0 or not whole), and a principal
 * without {@code ALTER_CONFIGS} on the cluster gets {@code CLUSTER_AUTHORIZATION_FAILED} for every
 * entry. The valid entries are stored together, off the event loop, before the answer; with {@code
 * validateOnly} nothing is stored.
 */
final class AlterClientQuotasHandler extends VersionedHandler {
  private static final Logger log = LoggerFactory.getLogger(AlterClientQuotasHandler.class);

  private final ClientQuotaStore store;
  private final Authorization authorization;

  AlterClientQuotasHandler(ClientQuotaStore store, Authorization authorization) {
    super(ApiKey.ALTER_CLIENT_QUOTAS, 0, 1);
    this.store = store;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    AlterClientQuotasRequest req = AlterClientQuotasRequest.read(request.reader(), version);
    boolean authorized = authorization.cluster(request, AclOperation.ALTER_CONFIGS);
    List<AlterClientQuotasResponse.EntryData> results = new ArrayList<>();
    Map<QuotaEntity, Map<String, Double>> changes = new LinkedHashMap<>();
    for (AlterClientQuotasRequest.EntryData entry : req.entries()) {
      AlterClientQuotasResponse.EntryData result = echo(entry);
      results.add(result);
      String problem = authorized ? null : "not authorized to alter client quotas";
      Errors error = authorized ? Errors.INVALID_REQUEST : Errors.CLUSTER_AUTHORIZATION_FAILED;
      List<Map.Entry<String, String>> components = new ArrayList<>();
      entry
          .entity()
          .forEach(
              e -> components.add(new AbstractMap.SimpleEntry<>(e.entityType(), e.entityName())));
      if (problem == null) {
        problem = QuotaRequests.entityProblem(components);
      }
      Map<String, Double> values = new HashMap<>();
      for (AlterClientQuotasRequest.OpData op : entry.ops()) {
        if (problem != null) {
          break;
        }
        Double value = op.remove() ? null : op.value();
        problem = QuotaRequests.valueProblem(op.key(), value);
        if (problem == null && values.containsKey(op.key())) {
          problem = "Duplicate quota key " + op.key();
        }
        values.put(op.key(), value);
      }
      if (problem != null) {
        result.setErrorCode(error.code()).setErrorMessage(problem);
        continue;
      }
      QuotaEntity entity = entity(components);
      changes.computeIfAbsent(entity, e -> new HashMap<>()).putAll(values);
    }
    AlterClientQuotasResponse response = new AlterClientQuotasResponse().setEntries(results);
    if (req.validateOnly() || changes.isEmpty()) {
      responder.respond(response, version);
      return;
    }
    store
        .alter(changes)
        .whenComplete(
            (done, e) -> {
              if (e != null) {
                log.error("cannot store client quotas", e);
                for (AlterClientQuotasResponse.EntryData result : results) {
                  if (result.errorCode() == Errors.NONE.code()) {
                    result
                        .setErrorCode(Errors.UNKNOWN_SERVER_ERROR.code())
                        .setErrorMessage("cannot store the client quotas: " + e);
                  }
                }
              }
              responder.respond(response, version);
            });
  }

  private static QuotaEntity entity(List<Map.Entry<String, String>> components) {
    boolean hasUser = false;
    boolean hasClient = false;
    String user = null;
    String clientId = null;
    for (Map.Entry<String, String> c : components) {
      if (c.getKey().equals(QuotaEntity.USER)) {
        hasUser = true;
        user = c.getValue();
      } else {
        hasClient = true;
        clientId = c.getValue();
      }
    }
    return QuotaEntity.of(hasUser, user, hasClient, clientId);
  }

  private static AlterClientQuotasResponse.EntryData echo(AlterClientQuotasRequest.EntryData in) {
    List<AlterClientQuotasResponse.EntityData> entity = new ArrayList<>(in.entity().size());
    in.entity()
        .forEach(
            e ->
                entity.add(
                    new AlterClientQuotasResponse.EntityData()
                        .setEntityType(e.entityType())
                        .setEntityName(e.entityName())));
    return new AlterClientQuotasResponse.EntryData().setEntity(entity);
  }
}
