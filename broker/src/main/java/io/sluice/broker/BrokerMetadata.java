package io.sluice.broker;

import io.sluice.broker.storage.DurableFile;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;
import java.util.UUID;

/**
 * The {@code meta.properties} file Kafka keeps in a log directory: the cluster id (made once, on
 * first start) and the node id. A data directory written by another node id is refused, so that a
 * misconfigured broker does not adopt someone else's logs.
 */
final class BrokerMetadata {
  static final String FILE_NAME = "meta.properties";

  private BrokerMetadata() {}

  /** The cluster id stored in {@code dir}, creating the file on first start. */
  static String loadOrCreate(Path dir, int nodeId) {
    Path file = dir.resolve(FILE_NAME);
    try {
      if (Files.exists(file)) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          properties.load(reader);
        }
        String stored = properties.getProperty("node.id");
        if (stored != null && !stored.equals(Integer.toString(nodeId))) {
          throw new IllegalStateException(
              file + " belongs to node.id=" + stored + ", not node.id=" + nodeId);
        }
        String clusterId = properties.getProperty("cluster.id");
        if (clusterId == null || clusterId.isEmpty()) {
          throw new IllegalStateException(file + " has no cluster.id");
        }
        return clusterId;
      }
      String clusterId = newClusterId();
      store(file, nodeId, clusterId);
      return clusterId;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  /**
   * Cluster mode: makes the directory belong to the cluster's id. A directory holding no data yet
   * takes it; one that holds data of another cluster is refused (Kafka's
   * InconsistentClusterIdException), so that a broker pointed at the wrong ZooKeeper does not mix
   * two clusters' data.
   */
  static void adopt(Path dir, int nodeId, String stored, String cluster, boolean hasData) {
    if (stored.equals(cluster)) {
      return;
    }
    Path file = dir.resolve(FILE_NAME);
    if (hasData) {
      throw new IllegalStateException(
          file
              + " belongs to cluster "
              + stored
              + " but ZooKeeper holds cluster "
              + cluster
              + ": is zookeeper.connect (and its chroot) right?");
    }
    try {
      store(file, nodeId, cluster);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void store(Path file, int nodeId, String clusterId) throws IOException {
    Properties properties = new Properties();
    properties.setProperty("version", "1");
    properties.setProperty("cluster.id", clusterId);
    properties.setProperty("node.id", Integer.toString(nodeId));
    StringWriter text = new StringWriter();
    properties.store(text, "Sluice broker metadata");
    DurableFile.replace(file, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Kafka's cluster id shape: a random UUID as 22 characters of URL-safe base64. */
  private static String newClusterId() {
    UUID uuid = UUID.randomUUID();
    byte[] bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (uuid.getMostSignificantBits() >>> (56 - 8 * i));
      bytes[8 + i] = (byte) (uuid.getLeastSignificantBits() >>> (56 - 8 * i));
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
