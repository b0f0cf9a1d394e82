package io.sluice.broker.quota;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where a broker's client quotas live: {@code client-quotas} in the first log directory on a single
 * node ({@link FileClientQuotaStore}), ZooKeeper's {@code /config/users} and {@code
 * /config/clients} in cluster mode. {@link #current} is a volatile read and may run on an event
 * loop (the quota checks call it on every Produce and Fetch); {@link #alter} does its I/O on the
 * store's own executor. Implementations are thread-safe.
 */
public interface ClientQuotaStore {
  /** Every entity's quotas: a snapshot, replaced (never changed) on every change. */
  QuotaConfigs current();

  /**
   * Sets each entity's keys to the values given, removing those whose value is null, durably; the
   * future completes once stored (then {@link #current} shows the change) or fails with the error.
   */
  CompletableFuture<Void> alter(Map<QuotaEntity, Map<String, Double>> changes);

  /** No quotas, and no changes: for brokers built without a store in tests. */
  ClientQuotaStore NONE =
      new ClientQuotaStore() {
        @Override
        public QuotaConfigs current() {
          return QuotaConfigs.EMPTY;
        }

        @Override
        public CompletableFuture<Void> alter(Map<QuotaEntity, Map<String, Double>> changes) {
          return CompletableFuture.failedFuture(
              new IllegalStateException("this broker stores no client quotas"));
        }
      };
}
