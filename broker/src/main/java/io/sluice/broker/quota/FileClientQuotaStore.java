package io.sluice.broker.quota;

import io.sluice.broker.storage.DurableFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The client quotas of a single-node broker, in {@code client-quotas} in the first log directory:
 * one line per entity, {@code <entity> <key>=<value> [<key>=<value>...]}, the entity as {@code
 * user=<name>}, {@code client-id=<name>} or {@code user=<name>,client-id=<name>} with names
 * sanitized as in ZooKeeper ({@link QuotaEntity}) and {@code <default>} for a default. Each change
 * rewrites the file atomically ({@link DurableFile}: temp file, fsync, rename, fsync of the
 * directory), so a crash leaves the old quotas or the new ones. A file that does not parse stops
 * the broker at startup, naming the file and line.
 *
 * <p>Thread-safety: readers see an immutable snapshot through a volatile field; changes are written
 * on the executor given to {@link #open}, one at a time (synchronized).
 */
public final class FileClientQuotaStore implements ClientQuotaStore {
  /** The file's name in the first log directory. */
  public static final String FILE_NAME = "client-quotas";

  private static final String HEADER =
      "# client quotas: <entity> <key>=<value>...; entity user=<name>, client-id=<name> or both"
          + " (names URL-encoded, <default> for the default)";

  private final Path file;
  private final Executor io;
  private volatile QuotaConfigs quotas;

  private FileClientQuotaStore(Path file, Executor io, QuotaConfigs quotas) {
    this.file = file;
    this.io = io;
    this.quotas = quotas;
  }

  /** Opens the store of a log directory (no file means no quotas); changes are written on io. */
  public static FileClientQuotaStore open(Path logDir, Executor io) throws IOException {
    Path file = logDir.resolve(FILE_NAME);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new FileClientQuotaStore(file, io, QuotaConfigs.EMPTY);
    }
    Map<QuotaEntity, Map<String, Double>> entities = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        String[] parts = line.split(" +");
        if (parts.length < 2) {
          throw new IllegalArgumentException("expected <entity> <key>=<value>...");
        }
        QuotaEntity entity = QuotaEntity.parse(parts[0]);
        Map<String, Double> values = new TreeMap<>();
        for (int p = 1; p < parts.length; p++) {
          int eq = parts[p].indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("expected <key>=<value>, got " + parts[p]);
          }
          values.put(parts[p].substring(0, eq), Double.parseDouble(parts[p].substring(eq + 1)));
        }
        if (entities.putIfAbsent(entity, values) != null) {
          throw new IllegalArgumentException("second line for " + entity);
        }
      } catch (IllegalArgumentException e) {
        throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage());
      }
    }
    return new FileClientQuotaStore(file, io, QuotaConfigs.of(entities));
  }

  @Override
  public QuotaConfigs current() {
    return quotas;
  }

  @Override
  public CompletableFuture<Void> alter(Map<QuotaEntity, Map<String, Double>> changes) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      io.execute(
          () -> {
            try {
              write(changes);
              done.complete(null);
            } catch (IOException | RuntimeException e) {
              done.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  private synchronized void write(Map<QuotaEntity, Map<String, Double>> changes)
      throws IOException {
    QuotaConfigs next = quotas.with(changes);
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    next.entities()
        .forEach(
            (entity, values) -> {
              text.append(entity);
              values.forEach(
                  (key, value) ->
                      text.append(' ').append(key).append('=').append(QuotaConfigs.format(value)));
              text.append('\n');
            });
    DurableFile.replace(file, text.toString().getBytes(StandardCharsets.UTF_8));
    quotas = next;
  }
}
