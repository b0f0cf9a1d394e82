package io.sluice.broker.quota;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Enforcement of client quotas (Kafka's KIP-13 with KIP-219's throttling): each Produce request's
 * bytes and each consumer Fetch response's bytes are recorded against the rate of the entity whose
 * quota applies ({@link QuotaConfigs#resolve}), and a client over its quota gets a throttle time:
 * the response carries it in {@code throttle_time_ms}, and the connection is muted for that long
 * after the response is sent.
 *
 * <p>Cost: when no quota of a type is configured, {@link #recordProduce}/{@link #recordFetch} read
 * one volatile field and return, allocating nothing. Otherwise a client's resolution is cached by
 * principal and client id (two hash lookups, no allocation) until the quotas change; its rate
 * ({@link QuotaRate}) is shared by every client the same quota level covers, and is updated under
 * that rate's lock.
 *
 * <p>Thread-safe: called from every event loop.
 */
public final class ClientQuotas {
  /** Kafka's defaults: {@code quota.window.num} and {@code quota.window.size.seconds}. */
  public static final int DEFAULT_SAMPLES = 11;

  public static final int DEFAULT_WINDOW_SECONDS = 1;

  /** Resolutions cached per type before the cache is dropped (clients with ever-new ids). */
  private static final int MAX_CACHED = 10_000;

  /** No quotas, no store: for handler registries built without one (tests). */
  public static final ClientQuotas NONE =
      new ClientQuotas(
          ClientQuotaStore.NONE,
          DEFAULT_SAMPLES,
          DEFAULT_WINDOW_SECONDS,
          System::currentTimeMillis);

  private final ClientQuotaStore store;
  private final int samples;
  private final long windowMs;
  private final LongSupplier clock;
  private final Enforcer produce;
  private final Enforcer fetch;

  /**
   * @param samples {@code quota.window.num}
   * @param windowSeconds {@code quota.window.size.seconds}
   * @param clock milliseconds
   */
  public ClientQuotas(ClientQuotaStore store, int samples, int windowSeconds, LongSupplier clock) {
    this.store = store;
    this.samples = samples;
    this.windowMs = windowSeconds * 1000L;
    this.clock = clock;
    this.produce = new Enforcer(QuotaType.PRODUCE);
    this.fetch = new Enforcer(QuotaType.FETCH);
  }

  public ClientQuotaStore store() {
    return store;
  }

  /**
   * Records a Produce request of {@code bytes} from the client; the throttle time in ms, 0 when
   * within its quota (or without one).
   *
   * @param principal Kafka's form, {@code User:alice}
   * @param clientId the request header's client id (null as "")
   */
  public int recordProduce(String principal, String clientId, long bytes) {
    return produce.record(principal, clientId, bytes, false);
  }

  /**
   * Records a consumer Fetch response of {@code bytes}; when that puts the client over its quota,
   * the bytes are taken back (Kafka answers such a fetch with an empty response) and the throttle
   * time is returned, else 0.
   */
  public int recordFetch(String principal, String clientId, long bytes) {
    return fetch.record(principal, clientId, bytes, true);
  }

  /** Throttled responses so far, of Produce and of Fetch. */
  public long throttledProduce() {
    return produce.throttled.sum();
  }

  public long throttledFetch() {
    return fetch.throttled.sum();
  }

  /** Every rate being tracked, for the metrics: a snapshot. */
  public List<RateView> rates() {
    List<RateView> views = new ArrayList<>();
    long now = clock.getAsLong();
    for (Enforcer enforcer : List.of(produce, fetch)) {
      for (Rate rate : enforcer.rates.values()) {
        views.add(rate.view(enforcer.type, now));
      }
    }
    return views;
  }

  /**
   * One tracked rate.
   *
   * @param user the user it is shared by (raw name), "" for every user
   * @param clientId the client id it is shared by (raw), "" for every client id
   * @param bytesPerSecond the current rate
   * @param limit the quota
   * @param throttled responses throttled so far
   * @param throttleMs their throttle times added up
   */
  public record RateView(
      QuotaType type,
      String user,
      String clientId,
      double bytesPerSecond,
      double limit,
      long throttled,
      long throttleMs) {}

  /** The user name of a principal ({@code User:alice} is alice). */
  static String userName(String principal) {
    if (principal == null) {
      return "";
    }
    int colon = principal.indexOf(':');
    return colon >= 0 ? principal.substring(colon + 1) : principal;
  }

  /** One quota type's rates and cached resolutions. */
  private final class Enforcer {
    final QuotaType type;
    final LongAdder throttled = new LongAdder();
    final Map<RateKey, Rate> rates = new ConcurrentHashMap<>();
    final Map<String, Map<String, Resolution>> byPrincipal = new ConcurrentHashMap<>();
    volatile QuotaConfigs cachedFor;
    volatile int cached;

    Enforcer(QuotaType type) {
      this.type = type;
    }

    int record(String principal, String clientId, long bytes, boolean takeBackIfThrottled) {
      QuotaConfigs configs = store.current();
      if (!configs.configured(type)) {
        return 0;
      }
      Rate rate =
          resolve(configs, principal == null ? "" : principal, clientId == null ? "" : clientId);
      if (rate == null) {
        return 0;
      }
      int ms = rate.record(bytes, clock.getAsLong(), takeBackIfThrottled);
      if (ms > 0) {
        throttled.increment();
      }
      return ms;
    }

    /** The rate the client's bytes count against, or null when no quota applies to it. */
    private Rate resolve(QuotaConfigs configs, String principal, String clientId) {
      if (cachedFor != configs) {
        synchronized (this) {
          if (cachedFor != configs) {
            byPrincipal.clear();
            cached = 0;
            cachedFor = configs;
          }
        }
      }
      Map<String, Resolution> byClient = byPrincipal.get(principal);
      Resolution known = byClient == null ? null : byClient.get(clientId);
      if (known != null && known.configs == configs) {
        return known.rate;
      }
      QuotaConfigs.Resolved resolved =
          configs.resolve(
              type, QuotaEntity.sanitize(userName(principal)), QuotaEntity.sanitize(clientId));
      Rate rate = null;
      if (resolved != null) {
        if (rates.size() >= MAX_CACHED) {
          rates.clear();
        }
        rate =
            rates.computeIfAbsent(
                new RateKey(resolved.user(), resolved.clientId()),
                k -> new Rate(k, new QuotaRate(samples, windowMs)));
        rate.limit = resolved.limit();
      }
      if (cached++ >= MAX_CACHED) {
        byPrincipal.clear();
        cached = 0;
      }
      byPrincipal
          .computeIfAbsent(principal, p -> new ConcurrentHashMap<>())
          .put(clientId, new Resolution(configs, rate));
      return rate;
    }
  }

  /** A client's resolution under one snapshot of the quotas ({@code rate} null: unlimited). */
  private record Resolution(QuotaConfigs configs, Rate rate) {}

  /** Whom a rate is shared by: sanitized user and client id, "" for everyone. */
  private record RateKey(String user, String clientId) {}

  /** A shared rate with its quota. Guarded by its own lock. */
  private static final class Rate {
    final RateKey key;
    private final QuotaRate rate;
    volatile double limit;
    private long throttledResponses;
    private long throttleMsTotal;

    Rate(RateKey key, QuotaRate rate) {
      this.key = key;
      this.rate = rate;
    }

    synchronized int record(long bytes, long nowMs, boolean takeBackIfThrottled) {
      rate.record(bytes, nowMs);
      long ms = rate.throttleMs(limit, nowMs);
      if (ms <= 0) {
        return 0;
      }
      if (takeBackIfThrottled) {
        rate.record(-bytes, nowMs);
      }
      throttledResponses++;
      throttleMsTotal += ms;
      return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    synchronized RateView view(QuotaType type, long nowMs) {
      return new RateView(
          type,
          key.user().isEmpty() ? "" : QuotaEntity.desanitize(key.user()),
          key.clientId().isEmpty() ? "" : QuotaEntity.desanitize(key.clientId()),
          rate.measure(nowMs),
          limit,
          throttledResponses,
          throttleMsTotal);
    }
  }
}
