package io.sluice.client.internal;

import io.sluice.client.SecurityConfig;
import io.sluice.client.SluiceClientException;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ApiVersionsRequest;
import io.sluice.protocol.message.ApiVersionsResponse;
import io.sluice.protocol.wire.WireReader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The connections of one client: at most one per broker, opened on first use, replaced when it
 * breaks, each negotiated with ApiVersions before its first request. The version of every API is
 * the highest both sides support, capped by {@link #CLIENT_MAX} where this client deliberately
 * stays below the newest schema.
 *
 * <p>Thread-safe.
 */
public final class NodeConnections implements AutoCloseable {
  /**
   * Upper bounds below the generated schemas' newest versions. Produce 13+, Fetch 13+, OffsetCommit
   * 10+ and OffsetFetch 10+ name topics by id instead of by name; DeleteTopics 6+ likewise. This
   * client names topics, so it stays below those versions.
   */
  static final Map<ApiKey, Short> CLIENT_MAX =
      Map.of(
          ApiKey.PRODUCE, (short) 12,
          ApiKey.FETCH, (short) 12,
          ApiKey.OFFSET_COMMIT, (short) 9,
          ApiKey.OFFSET_FETCH, (short) 7,
          ApiKey.DELETE_TOPICS, (short) 5);

  private final Transport transport;
  private final List<Node> bootstrap;
  private final String clientId;
  private final long requestTimeoutMs;
  private final int maxFrameBytes;
  private final SecurityConfig security;
  private final Map<Integer, CompletableFuture<BrokerConnection>> connections =
      new ConcurrentHashMap<>();
  private volatile Map<Integer, Node> nodes = Map.of();

  public NodeConnections(
      String bootstrapServers,
      String clientId,
      long requestTimeoutMs,
      int maxFrameBytes,
      String threadName) {
    this(
        bootstrapServers,
        clientId,
        requestTimeoutMs,
        maxFrameBytes,
        threadName,
        SecurityConfig.PLAINTEXT);
  }

  /**
   * Connections that use TLS when {@code security} says SSL or SASL_SSL, and authenticate with SASL
   * (after ApiVersions, before anything else) when it says SASL_PLAINTEXT or SASL_SSL.
   */
  public NodeConnections(
      String bootstrapServers,
      String clientId,
      long requestTimeoutMs,
      int maxFrameBytes,
      String threadName,
      SecurityConfig security) {
    this.bootstrap = parseBootstrap(bootstrapServers);
    this.clientId = clientId;
    this.requestTimeoutMs = requestTimeoutMs;
    this.maxFrameBytes = maxFrameBytes;
    this.transport = new Transport(threadName, security);
    this.security = security;
  }

  static List<Node> parseBootstrap(String servers) {
    List<Node> result = new ArrayList<>();
    int id = -1;
    for (String part : servers.split(",")) {
      String s = part.trim();
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw new IllegalArgumentException(
            "invalid value bootstrap.servers=" + servers + ": expected host:port");
      }
      int port;
      try {
        port = Integer.parseInt(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "invalid value bootstrap.servers=" + servers + ": bad port in " + s);
      }
      result.add(new Node(id--, s.substring(0, colon), port));
    }
    return List.copyOf(result);
  }

  long requestTimeoutMs() {
    return requestTimeoutMs;
  }

  /** Replaces the known brokers (from a metadata response). */
  synchronized void updateNodes(Map<Integer, Node> latest) {
    this.nodes = Map.copyOf(latest);
  }

  /** Adds or replaces one broker's address (a coordinator that metadata has not named yet). */
  synchronized void addNode(Node node) {
    Map<Integer, Node> copy = new java.util.HashMap<>(nodes);
    copy.put(node.id(), node);
    nodes = Map.copyOf(copy);
  }

  Node node(int id) {
    return nodes.get(id);
  }

  /** A connection to broker {@code nodeId}, which metadata must have named. */
  CompletableFuture<BrokerConnection> connection(int nodeId) {
    Node node = nodes.get(nodeId);
    if (node == null) {
      return CompletableFuture.failedFuture(
          new SluiceClientException(
              Errors.LEADER_NOT_AVAILABLE,
              null,
              "no address known for broker " + nodeId,
              true,
              null));
    }
    return connection(node);
  }

  /** A connection to any broker: one already open, else a known broker, else a bootstrap one. */
  CompletableFuture<BrokerConnection> anyConnection() {
    for (CompletableFuture<BrokerConnection> c : connections.values()) {
      if (c.isDone() && !c.isCompletedExceptionally() && c.join().isActive()) {
        return c;
      }
    }
    List<Node> candidates = new ArrayList<>(nodes.values());
    if (candidates.isEmpty()) {
      candidates = bootstrap;
    }
    Node node = candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    CompletableFuture<BrokerConnection> c = connection(node);
    // A broker that fails is worth one try of each bootstrap address before giving up.
    for (Node other : bootstrap) {
      if (other != node) {
        c = c.exceptionallyCompose(e -> connection(other));
      }
    }
    return c;
  }

  private CompletableFuture<BrokerConnection> connection(Node node) {
    return connections.compute(
        node.id(),
        (id, existing) -> {
          if (existing != null
              && (!existing.isDone()
                  || (!existing.isCompletedExceptionally() && existing.join().isActive()))) {
            return existing;
          }
          return BrokerConnection.open(
                  transport, node.host(), node.port(), clientId, requestTimeoutMs, maxFrameBytes)
              .thenCompose(this::negotiate)
              .thenCompose(
                  c ->
                      security.sasl()
                          ? SaslLogin.authenticate(c, security)
                          : CompletableFuture.completedFuture(c));
        });
  }

  private CompletableFuture<BrokerConnection> negotiate(BrokerConnection connection) {
    return askVersions(connection, ApiKey.API_VERSIONS.highestVersion())
        .thenCompose(
            answer -> {
              if (answer.errorCode() == Errors.UNSUPPORTED_VERSION.code()) {
                // The broker answered in v0 with its own range: ask again at its highest.
                short brokerMax = brokerMax(answer, ApiKey.API_VERSIONS);
                return askVersions(connection, brokerMax);
              }
              return CompletableFuture.completedFuture(answer);
            })
        .thenApply(
            answer -> {
              if (answer.errorCode() != Errors.NONE.code()) {
                connection.close();
                throw new SluiceClientException(
                    Errors.forCode(answer.errorCode()),
                    null,
                    "broker at "
                        + connection.address()
                        + " refused ApiVersions: "
                        + Errors.forCode(answer.errorCode()));
              }
              connection.setVersions(agree(answer));
              return connection;
            });
  }

  private CompletableFuture<ApiVersionsResponse> askVersions(
      BrokerConnection connection, short version) {
    return connection.send(
        ApiKey.API_VERSIONS,
        version,
        new ApiVersionsRequest()
            .setClientSoftwareName("sluice-java")
            .setClientSoftwareVersion("0.1.0"),
        r -> readVersions(r, version));
  }

  /** Reads at {@code version}, falling back to v0: how a broker answers a version it lacks. */
  private static ApiVersionsResponse readVersions(WireReader reader, short version) {
    int start = reader.buffer().readerIndex();
    try {
      return ApiVersionsResponse.read(reader, version);
    } catch (RuntimeException e) {
      reader.buffer().readerIndex(start);
      return ApiVersionsResponse.read(reader, (short) 0);
    }
  }

  private static short brokerMax(ApiVersionsResponse answer, ApiKey api) {
    for (ApiVersionsResponse.ApiVersion v : answer.apiKeys()) {
      if (v.apiKey() == api.id()) {
        return (short) Math.min(v.maxVersion(), api.highestVersion());
      }
    }
    return 0;
  }

  static Map<ApiKey, Short> agree(ApiVersionsResponse answer) {
    Map<ApiKey, Short> agreed = new EnumMap<>(ApiKey.class);
    for (ApiVersionsResponse.ApiVersion v : answer.apiKeys()) {
      for (ApiKey api : ApiKey.values()) {
        if (api.id() != v.apiKey()) {
          continue;
        }
        short ours = CLIENT_MAX.getOrDefault(api, api.highestVersion());
        short max = (short) Math.min(ours, v.maxVersion());
        short min = (short) Math.max(api.lowestVersion(), v.minVersion());
        if (max >= min) {
          agreed.put(api, max);
        }
      }
    }
    return agreed;
  }

  @Override
  public void close() {
    for (CompletableFuture<BrokerConnection> c : connections.values()) {
      c.thenAccept(BrokerConnection::close);
    }
    transport.close();
  }
}
