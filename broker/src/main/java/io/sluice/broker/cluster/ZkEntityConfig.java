package io.sluice.broker.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Changes the {@code config} map of an entity's znode under {@code /config} ({@code
 * {"version":1,"config":{...}}}, Kafka's form), keeping the keys the change does not touch: a
 * user's node holds SCRAM credentials and client quotas side by side, written by two stores. Read,
 * change, write conditionally on the version read; on a race read again. An emptied node is deleted
 * unless it has children (a user's node keeps its per-client quotas below it); one that does not
 * exist and would be empty is not created.
 */
final class ZkEntityConfig {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 10;

  private ZkEntityConfig() {}

  /** Applies {@code change} to the node's config map; returns the bytes written, null if none. */
  static byte[] update(CuratorFramework client, String path, Consumer<ObjectNode> change)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      Stat stat = new Stat();
      ObjectNode root;
      boolean exists;
      try {
        byte[] data = client.getData().storingStatIn(stat).forPath(path);
        JsonNode parsed = data == null || data.length == 0 ? null : JSON.readTree(data);
        root = parsed instanceof ObjectNode o ? o : JSON.createObjectNode();
        exists = true;
      } catch (KeeperException.NoNodeException e) {
        root = JSON.createObjectNode();
        exists = false;
      }
      root.put("version", 1);
      ObjectNode config = root.get("config") instanceof ObjectNode c ? c : root.putObject("config");
      change.accept(config);
      byte[] bytes = JSON.writeValueAsBytes(root);
      try {
        if (!exists) {
          if (config.isEmpty()) {
            return null;
          }
          client.create().creatingParentsIfNeeded().forPath(path, bytes);
        } else if (config.isEmpty() && stat.getNumChildren() == 0) {
          client.delete().withVersion(stat.getVersion()).forPath(path);
        } else {
          client.setData().withVersion(stat.getVersion()).forPath(path, bytes);
        }
        return bytes;
      } catch (KeeperException.BadVersionException
          | KeeperException.NodeExistsException
          | KeeperException.NoNodeException
          | KeeperException.NotEmptyException e) {
        if (attempt >= ATTEMPTS) {
          throw e;
        }
        // another broker or the other store changed the node since it was read: read again
      }
    }
  }
}
