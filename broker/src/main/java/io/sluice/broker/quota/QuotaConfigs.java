package io.sluice.broker.quota;

import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every quota entity's configured quotas (key to value), as stored: an immutable snapshot. A store
 * publishes a new instance on every change, so identity tells whether anything changed.
 *
 * <p>{@link #resolve} applies Kafka's precedence (KIP-55), most specific first, for one quota type
 * at a time:
 *
 * <ol>
 *   <li>{@code /config/users/<user>/clients/<client-id>}
 *   <li>{@code /config/users/<user>/clients/<default>}
 *   <li>{@code /config/users/<user>}
 *   <li>{@code /config/users/<default>/clients/<client-id>}
 *   <li>{@code /config/users/<default>/clients/<default>}
 *   <li>{@code /config/users/<default>}
 *   <li>{@code /config/clients/<client-id>}
 *   <li>{@code /config/clients/<default>}
 * </ol>
 *
 * Thread-safe (immutable).
 */
public final class QuotaConfigs {
  /** Entities in a stable order: by user, then client id, absent parts first. */
  static final Comparator<QuotaEntity> ORDER =
      Comparator.comparing(
              QuotaEntity::user, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
          .thenComparing(
              QuotaEntity::clientId, Comparator.nullsFirst(Comparator.<String>naturalOrder()));

  public static final QuotaConfigs EMPTY = new QuotaConfigs(Map.of());

  private final Map<QuotaEntity, Map<String, Double>> entities;
  private final Set<QuotaType> configured;

  private QuotaConfigs(Map<QuotaEntity, Map<String, Double>> entities) {
    Map<QuotaEntity, Map<String, Double>> copy = new TreeMap<>(ORDER);
    Set<QuotaType> types = EnumSet.noneOf(QuotaType.class);
    entities.forEach(
        (entity, quotas) -> {
          if (!quotas.isEmpty()) {
            copy.put(entity, Collections.unmodifiableMap(new TreeMap<>(quotas)));
            for (String key : quotas.keySet()) {
              QuotaType type = QuotaType.forKey(key);
              if (type != null) {
                types.add(type);
              }
            }
          }
        });
    this.entities = Collections.unmodifiableMap(copy);
    this.configured = Collections.unmodifiableSet(types);
  }

  /** A snapshot of these entities' quotas; entities without any are left out. */
  public static QuotaConfigs of(Map<QuotaEntity, Map<String, Double>> entities) {
    return entities.isEmpty() ? EMPTY : new QuotaConfigs(entities);
  }

  /** Every entity with at least one quota, in {@link #ORDER}. */
  public Map<QuotaEntity, Map<String, Double>> entities() {
    return entities;
  }

  /** Whether any entity has a quota of this type (the hot path's check: nothing else runs then). */
  public boolean configured(QuotaType type) {
    return configured.contains(type);
  }

  /**
   * These quotas with {@code changes} applied: each entity's keys set to the value given, or
   * removed where the value is null; an entity left without quotas goes.
   */
  public QuotaConfigs with(Map<QuotaEntity, Map<String, Double>> changes) {
    Map<QuotaEntity, Map<String, Double>> next = new TreeMap<>(ORDER);
    entities.forEach((entity, quotas) -> next.put(entity, new TreeMap<>(quotas)));
    changes.forEach(
        (entity, quotas) -> {
          Map<String, Double> values = next.computeIfAbsent(entity, e -> new TreeMap<>());
          quotas.forEach(
              (key, value) -> {
                if (value == null) {
                  values.remove(key);
                } else {
                  values.put(key, value);
                }
              });
          if (values.isEmpty()) {
            next.remove(entity);
          }
        });
    return of(next);
  }

  /**
   * The quota of {@code type} that applies to a client, and the entity whose rate it bounds: the
   * first level of the precedence above that has a quota of the type. Names are sanitized. Null
   * when no level has one (the client is not limited).
   *
   * <p>The returned tags name whom the rate is shared by, as Kafka's metric tags do: a quota of
   * {@code /config/users/alice} is shared by every client of alice ({@code user=alice,
   * client-id=""}), one of {@code /config/users/<default>} applies to each user on its own ({@code
   * user=<that user>}).
   */
  public Resolved resolve(QuotaType type, String user, String clientId) {
    String key = type.key();
    Double q;
    if ((q = value(user, clientId, key)) != null
        || (q = value(user, QuotaEntity.DEFAULT, key)) != null) {
      return new Resolved(q, user, clientId);
    }
    if ((q = value(user, null, key)) != null) {
      return new Resolved(q, user, "");
    }
    if ((q = value(QuotaEntity.DEFAULT, clientId, key)) != null
        || (q = value(QuotaEntity.DEFAULT, QuotaEntity.DEFAULT, key)) != null) {
      return new Resolved(q, user, clientId);
    }
    if ((q = value(QuotaEntity.DEFAULT, null, key)) != null) {
      return new Resolved(q, user, "");
    }
    if ((q = value(null, clientId, key)) != null
        || (q = value(null, QuotaEntity.DEFAULT, key)) != null) {
      return new Resolved(q, "", clientId);
    }
    return null;
  }

  /**
   * A quota value as stored: a whole number without a fraction ({@code 1048576}, as Kafka writes
   * its LONG quotas), else Java's double form.
   */
  public static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  private Double value(String user, String clientId, String key) {
    Map<String, Double> quotas = entities.get(new QuotaEntity(user, clientId));
    return quotas == null ? null : quotas.get(key);
  }

  /**
   * A quota that applies to a client.
   *
   * @param limit the bound (bytes per second)
   * @param user the sanitized user whose rate it is, or "" when shared by every user
   * @param clientId the sanitized client id whose rate it is, or "" when shared by every client id
   */
  public record Resolved(double limit, String user, String clientId) {}

  @Override
  public boolean equals(Object o) {
    return o instanceof QuotaConfigs other && entities.equals(other.entities);
  }

  @Override
  public int hashCode() {
    return entities.hashCode();
  }

  @Override
  public String toString() {
    return entities.toString();
  }
}
