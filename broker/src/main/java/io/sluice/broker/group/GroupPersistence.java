package io.sluice.broker.group;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * Where a coordinator keeps each group's last settled generation: a checkpoint file on a single
 * node ({@link GroupStore}), the replicated {@code __consumer_offsets} log in a cluster ({@link
 * ReplicatedGroupStorage}). Thread-safe; {@link #save} and {@link #remove} never block.
 */
interface GroupPersistence extends AutoCloseable {

  /** The groups to restore when the coordinator starts (none for a store that loads later). */
  Collection<GroupSnapshot> groups();

  /** Replaces the group's snapshot; completes once it is durable (exceptionally if it is not). */
  CompletableFuture<Void> save(GroupSnapshot snapshot);

  /** Forgets the group; completes once that is durable. */
  CompletableFuture<Void> remove(String groupId);

  @Override
  void close();
}
