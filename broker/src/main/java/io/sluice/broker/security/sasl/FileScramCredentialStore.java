package io.sluice.broker.security.sasl;

import io.sluice.broker.storage.DurableFile;
import io.sluice.protocol.sasl.ScramMechanism;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The SCRAM credentials of a single-node broker, in {@code scram-credentials} in the first log
 * directory: one line per user and mechanism, {@code <user> <mechanism> <credential>}, the user
 * URL-encoded and the credential in Kafka's form (salt, StoredKey, ServerKey, iterations: never a
 * password). Each change rewrites the file atomically ({@link DurableFile}: temp file, fsync,
 * rename, fsync of the directory), so a crash leaves the old set or the new one. A file that does
 * not parse stops the broker at startup, naming the file and line.
 *
 * <p>Thread-safety: readers see an immutable snapshot through a volatile field; changes are written
 * on the executor given to {@link #open}, one at a time (synchronized).
 */
public final class FileScramCredentialStore implements ScramCredentialStore {
  /** The file's name in the first log directory. */
  public static final String FILE_NAME = "scram-credentials";

  private static final String HEADER =
      "# SCRAM credentials: <user, URL-encoded> <mechanism> salt=,stored_key=,server_key=,iterations=";

  private final Path file;
  private final Executor io;
  private volatile Map<String, Map<ScramMechanism, ScramCredential>> users;

  private FileScramCredentialStore(
      Path file, Executor io, Map<String, Map<ScramMechanism, ScramCredential>> users) {
    this.file = file;
    this.io = io;
    this.users = users;
  }

  /**
   * Opens the store of a log directory (no file means no users); changes are written on {@code io}.
   */
  public static FileScramCredentialStore open(Path logDir, Executor io) throws IOException {
    Path file = logDir.resolve(FILE_NAME);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new FileScramCredentialStore(file, io, Map.of());
    }
    Map<String, Map<ScramMechanism, ScramCredential>> users = new TreeMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split(" ");
      ScramMechanism mechanism = parts.length == 3 ? ScramMechanism.forName(parts[1]) : null;
      try {
        if (mechanism == null) {
          throw new IllegalArgumentException("expected <user> <mechanism> <credential>");
        }
        String user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        users
            .computeIfAbsent(user, u -> new EnumMap<>(ScramMechanism.class))
            .put(mechanism, ScramCredential.parse(parts[2]));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage());
      }
    }
    return new FileScramCredentialStore(file, io, freeze(users));
  }

  @Override
  public ScramCredential credential(String user, ScramMechanism mechanism) {
    Map<ScramMechanism, ScramCredential> credentials = users.get(user);
    return credentials == null ? null : credentials.get(mechanism);
  }

  @Override
  public Map<String, Map<ScramMechanism, ScramCredential>> all() {
    return users;
  }

  @Override
  public CompletableFuture<Void> alter(
      Map<String, Map<ScramMechanism, ScramCredential>> upsertions,
      Map<String, Set<ScramMechanism>> deletions) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      io.execute(
          () -> {
            try {
              write(upsertions, deletions);
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

  private synchronized void write(
      Map<String, Map<ScramMechanism, ScramCredential>> upsertions,
      Map<String, Set<ScramMechanism>> deletions)
      throws IOException {
    Map<String, Map<ScramMechanism, ScramCredential>> next = new TreeMap<>();
    users.forEach((user, credentials) -> next.put(user, new EnumMap<>(credentials)));
    deletions.forEach(
        (user, mechanisms) -> {
          Map<ScramMechanism, ScramCredential> credentials = next.get(user);
          if (credentials != null) {
            credentials.keySet().removeAll(mechanisms);
            if (credentials.isEmpty()) {
              next.remove(user);
            }
          }
        });
    upsertions.forEach(
        (user, credentials) ->
            next.computeIfAbsent(user, u -> new EnumMap<>(ScramMechanism.class))
                .putAll(credentials));
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    next.forEach(
        (user, credentials) ->
            credentials.forEach(
                (mechanism, credential) ->
                    text.append(URLEncoder.encode(user, StandardCharsets.UTF_8))
                        .append(' ')
                        .append(mechanism.mechanismName())
                        .append(' ')
                        .append(credential.toKafkaFormat())
                        .append('\n')));
    DurableFile.replace(file, text.toString().getBytes(StandardCharsets.UTF_8));
    users = freeze(next);
  }

  private static Map<String, Map<ScramMechanism, ScramCredential>> freeze(
      Map<String, Map<ScramMechanism, ScramCredential>> users) {
    Map<String, Map<ScramMechanism, ScramCredential>> frozen = new TreeMap<>();
    users.forEach(
        (user, credentials) ->
            frozen.put(user, Collections.unmodifiableMap(new EnumMap<>(credentials))));
    return Collections.unmodifiableMap(frozen);
  }
}
