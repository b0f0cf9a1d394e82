package io.sluice.broker.security.acl;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Where the ACLs are kept durably: a file under the first log directory on a single node ({@link
 * AclFile}), ZooKeeper in cluster mode (Kafka's {@code /kafka-acl} layout). Every method but {@link
 * #watch} may block (disk or network); the {@link Authorizer} calls them on the metadata admin
 * thread, never on an event loop, one at a time.
 */
public interface AclStore extends AutoCloseable {
  /** Every stored ACL. */
  AclState load();

  /**
   * Applies {@code changes} (for each resource pattern: the entries it should have given the
   * entries it has now; an empty result removes the resource) and returns the state after them. A
   * store shared by several brokers re-reads a resource and applies its change again when another
   * writer changed it meanwhile. Throws {@link java.io.UncheckedIOException} or {@link
   * IllegalStateException} when the change cannot be stored; changes already stored stay.
   */
  AclState update(Map<ResourcePattern, UnaryOperator<Set<AccessControlEntry>>> changes);

  /**
   * Calls {@code listener} with the new state whenever another writer (another broker) changed the
   * ACLs; a store with a single writer never calls it.
   */
  default void watch(Consumer<AclState> listener) {}

  @Override
  default void close() {}
}
