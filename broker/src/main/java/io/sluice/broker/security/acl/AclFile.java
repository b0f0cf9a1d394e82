package io.sluice.broker.security.acl;

import io.sluice.broker.storage.DurableFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The single-node {@link AclStore}: every ACL in one JSON file ({@value #FILE_NAME} in the first
 * log directory), replaced atomically by {@link DurableFile} (temp file, fsync, rename, fsync of
 * the directory) on every change, so that a crash leaves the old set or the new one. The in-memory
 * copy changes only after the file has been replaced. Not thread-safe on its own: the {@link
 * Authorizer} calls it from one thread.
 */
public final class AclFile implements AclStore {
  public static final String FILE_NAME = "acls.json";

  private final Path file;
  private Map<ResourcePattern, Set<AccessControlEntry>> acls;
  private long generation;

  private AclFile(Path file, Map<ResourcePattern, Set<AccessControlEntry>> acls) {
    this.file = file;
    this.acls = acls;
  }

  /** Reads the file in {@code dir} (no file: no ACLs); a malformed file stops the broker. */
  public static AclFile open(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    try {
      byte[] data = Files.readAllBytes(file);
      return new AclFile(file, new HashMap<>(AclJson.file(data, file.toString())));
    } catch (NoSuchFileException e) {
      return new AclFile(file, new HashMap<>());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the ACLs in " + file, e);
    }
  }

  @Override
  public AclState load() {
    return new AclState(generation, Map.copyOf(acls));
  }

  @Override
  public AclState update(Map<ResourcePattern, UnaryOperator<Set<AccessControlEntry>>> changes) {
    Map<ResourcePattern, Set<AccessControlEntry>> next = new HashMap<>(acls);
    changes.forEach(
        (pattern, change) -> {
          Set<AccessControlEntry> entries =
              change.apply(Set.copyOf(next.getOrDefault(pattern, Set.of())));
          if (entries.isEmpty()) {
            next.remove(pattern);
          } else {
            next.put(pattern, Set.copyOf(new LinkedHashSet<>(entries)));
          }
        });
    try {
      DurableFile.replace(file, AclJson.file(AclIndex.of(next).all()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the ACLs to " + file, e);
    }
    acls = next;
    generation++;
    return load();
  }
}
