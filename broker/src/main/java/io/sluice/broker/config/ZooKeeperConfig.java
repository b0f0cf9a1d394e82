package io.sluice.broker.config;

/**
 * Cluster mode's settings: the ZooKeeper ensemble ({@code zookeeper.connect} split into the servers
 * and the chroot, which Sluice creates if missing), the session and connection timeouts, and this
 * broker's rack. Present in {@link BrokerConfig} only when {@code zookeeper.connect} is set.
 * Immutable.
 *
 * @param servers {@code host:port[,host:port...]}
 * @param chroot the path under which the cluster lives, without the leading slash; empty for the
 *     root
 * @param rack null when {@code broker.rack} is not set
 */
public record ZooKeeperConfig(
    String servers, String chroot, int sessionTimeoutMs, int connectionTimeoutMs, String rack) {

  static ZooKeeperConfig parse(
      String connect, int sessionTimeoutMs, int connectionTimeoutMs, String rack) {
    int slash = connect.indexOf('/');
    String servers = slash < 0 ? connect : connect.substring(0, slash);
    String chroot = slash < 0 ? "" : connect.substring(slash + 1);
    while (chroot.endsWith("/")) {
      chroot = chroot.substring(0, chroot.length() - 1);
    }
    if (servers.isBlank()) {
      throw new IllegalArgumentException("no ZooKeeper server named");
    }
    for (String server : servers.split(",")) {
      int colon = server.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("expected host:port, got '" + server + "'");
      }
      try {
        Integer.parseInt(server.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad port in '" + server + "'");
      }
    }
    if (chroot.contains("//")) {
      throw new IllegalArgumentException("bad chroot '/" + chroot + "'");
    }
    return new ZooKeeperConfig(servers, chroot, sessionTimeoutMs, connectionTimeoutMs, rack);
  }
}
