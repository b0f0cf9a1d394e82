package io.sluice.broker.security.acl;

import io.sluice.protocol.Errors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in ACL authorizer, Kafka's model: a request is allowed when its principal is a super
 * user, else when no DENY and at least one ALLOW among the ACLs covering the resource applies to
 * its principal and host (operations imply as in {@link AclOperation}), else, when no ACL covers
 * the resource at all, as {@code allow.everyone.if.no.acl.found} says.
 *
 * <p>Checks read an immutable {@link AclIndex} snapshot through a volatile field: lock-free and
 * cheap enough for the produce and fetch path, callable from any thread. Changes ({@link #create},
 * {@link #delete}) run on the admin executor (the store may block), one at a time, and publish a
 * new snapshot when the store has them; changes made by other brokers arrive through {@link
 * AclStore#watch}. A change is visible to checks on every thread once its future completes.
 */
public final class Authorizer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Authorizer.class);

  private final AuthorizerConfig config;
  private final AclStore store;
  private final Executor admin;
  private volatile AclIndex index = AclIndex.EMPTY;
  private long generation = -1; // guarded by this

  /** The outcome of one ACL creation or of one deletion filter. */
  public record Outcome(Errors error, String message, List<AclBinding> deleted) {
    static final Outcome OK = new Outcome(Errors.NONE, null, List.of());
  }

  private Authorizer(AuthorizerConfig config, AclStore store, Executor admin) {
    this.config = config;
    this.store = store;
    this.admin = admin;
  }

  /** Loads the stored ACLs and follows other writers' changes. Blocks (reads the store). */
  public static Authorizer open(AuthorizerConfig config, AclStore store, Executor admin) {
    Authorizer authorizer = new Authorizer(config, store, admin);
    authorizer.publish(store.load());
    store.watch(authorizer::publish);
    log.info(
        "ACL authorizer on: {} ACL(s), super users {}, allow.everyone.if.no.acl.found={}",
        authorizer.index.size(),
        config.superUsers(),
        config.allowEveryoneIfNoAclFound());
    return authorizer;
  }

  private synchronized void publish(AclState state) {
    if (state.generation() < generation) {
      return;
    }
    generation = state.generation();
    index = AclIndex.of(state.acls());
  }

  /** Whether {@code principal} connecting from {@code host} may do {@code op} on the resource. */
  public boolean authorize(
      String principal, String host, AclOperation op, ResourceType type, String name) {
    if (config.superUsers().contains(principal)) {
      return true;
    }
    return index.authorize(principal, host, op, type, name, config.allowEveryoneIfNoAclFound());
  }

  /**
   * Whether {@code principal} may do {@code op} on at least one resource of the type (Kafka's
   * {@code authorizeByResourceType}); see {@link AclIndex#authorizeAny}.
   */
  public boolean authorizeAny(String principal, String host, AclOperation op, ResourceType type) {
    if (config.superUsers().contains(principal)) {
      return true;
    }
    return index.authorizeAny(principal, host, op, type, config.allowEveryoneIfNoAclFound());
  }

  public boolean isSuperUser(String principal) {
    return config.superUsers().contains(principal);
  }

  /** Every ACL the filter matches (the filter must be valid). */
  public List<AclBinding> describe(AclBindingFilter filter) {
    return index.matching(filter);
  }

  /**
   * Stores the bindings; each gets its outcome (INVALID_REQUEST for a binding Kafka would refuse,
   * UNKNOWN_SERVER_ERROR when the store failed). Completes on the admin executor.
   */
  public CompletableFuture<List<Outcome>> create(List<AclBinding> bindings) {
    List<Outcome> outcomes = new ArrayList<>(bindings.size());
    Map<ResourcePattern, Set<AccessControlEntry>> added = new LinkedHashMap<>();
    for (AclBinding binding : bindings) {
      String invalid = binding.invalidReason();
      outcomes.add(
          invalid == null ? Outcome.OK : new Outcome(Errors.INVALID_REQUEST, invalid, null));
      if (invalid == null) {
        added.computeIfAbsent(binding.pattern(), p -> new LinkedHashSet<>()).add(binding.entry());
      }
    }
    if (added.isEmpty()) {
      return CompletableFuture.completedFuture(outcomes);
    }
    Map<ResourcePattern, UnaryOperator<Set<AccessControlEntry>>> changes = new LinkedHashMap<>();
    added.forEach(
        (pattern, entries) ->
            changes.put(
                pattern,
                current -> {
                  Set<AccessControlEntry> next = new LinkedHashSet<>(current);
                  next.addAll(entries);
                  return next;
                }));
    return CompletableFuture.supplyAsync(
        () -> {
          RuntimeException failure = apply(changes);
          if (failure == null) {
            log.info("ACLs created: {}", bindings);
            return outcomes;
          }
          List<Outcome> failed = new ArrayList<>(outcomes.size());
          for (Outcome outcome : outcomes) {
            failed.add(
                outcome.error() == Errors.NONE
                    ? new Outcome(Errors.UNKNOWN_SERVER_ERROR, failure.getMessage(), null)
                    : outcome);
          }
          return failed;
        },
        admin);
  }

  /**
   * Deletes every ACL each filter matches; each filter's outcome lists what it deleted
   * (INVALID_REQUEST for a filter with an unknown value). Completes on the admin executor.
   */
  public CompletableFuture<List<Outcome>> delete(List<AclBindingFilter> filters) {
    return CompletableFuture.supplyAsync(
        () -> {
          List<Outcome> outcomes = new ArrayList<>(filters.size());
          List<AclBindingFilter> valid = new ArrayList<>();
          Map<ResourcePattern, UnaryOperator<Set<AccessControlEntry>>> changes =
              new LinkedHashMap<>();
          for (AclBindingFilter filter : filters) {
            String invalid = filter.invalidReason();
            if (invalid != null) {
              outcomes.add(new Outcome(Errors.INVALID_REQUEST, invalid, List.of()));
              continue;
            }
            valid.add(filter);
            List<AclBinding> matched = index.matching(filter);
            outcomes.add(new Outcome(Errors.NONE, null, matched));
            for (AclBinding binding : matched) {
              changes.putIfAbsent(
                  binding.pattern(), current -> without(binding.pattern(), current, valid));
            }
          }
          if (changes.isEmpty()) {
            return outcomes;
          }
          RuntimeException failure = apply(changes);
          if (failure == null) {
            log.info("ACLs deleted: {}", changes.keySet());
            return outcomes;
          }
          List<Outcome> failed = new ArrayList<>();
          for (Outcome outcome : outcomes) {
            failed.add(
                outcome.error() == Errors.NONE
                    ? new Outcome(Errors.UNKNOWN_SERVER_ERROR, failure.getMessage(), List.of())
                    : outcome);
          }
          return failed;
        },
        admin);
  }

  /** The entries of {@code pattern} that none of the filters matches. */
  private static Set<AccessControlEntry> without(
      ResourcePattern pattern, Set<AccessControlEntry> current, List<AclBindingFilter> filters) {
    Set<AccessControlEntry> next = new LinkedHashSet<>();
    for (AccessControlEntry entry : current) {
      AclBinding binding = new AclBinding(pattern, entry);
      if (filters.stream().noneMatch(f -> f.matches(binding))) {
        next.add(entry);
      }
    }
    return next;
  }

  /** Stores the changes and publishes the result; the failure, or null. */
  private RuntimeException apply(
      Map<ResourcePattern, UnaryOperator<Set<AccessControlEntry>>> changes) {
    try {
      publish(store.update(changes));
      return null;
    } catch (RuntimeException e) {
      log.error("cannot store an ACL change", e);
      // What did get stored is what the store now holds.
      try {
        publish(store.load());
      } catch (RuntimeException again) {
        e.addSuppressed(again);
      }
      return e;
    }
  }

  @Override
  public void close() {
    store.close();
  }
}
