package io.sluice.broker.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.broker.config.Endpoint;
import io.sluice.broker.config.SecurityProtocol;
import io.sluice.broker.metadata.LeaderElection;
import io.sluice.protocol.Errors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of the znodes in {@link ZkPaths}, in Kafka's ZooKeeper-era shapes (fields Sluice does
 * not use are written with Kafka's defaults so Kafka's tools can read them, and ignored when read).
 * A znode that cannot be parsed throws {@link IllegalStateException} naming it. Stateless and
 * thread-safe.
 */
final class ZkJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ZkJson() {}

  /**
   * {@code /brokers/ids/{id}}: Kafka's version 5 registration. Every advertised listener is in
   * {@code endpoints} and {@code listener_security_protocol_map}; the legacy {@code host} and
   * {@code port} are those of the first PLAINTEXT listener (null and -1 without one), as Kafka
   * writes them for clients older than the endpoints.
   */
  static byte[] brokerRegistration(
      List<Endpoint> endpoints, Map<String, SecurityProtocol> protocols, String rack) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("version", 5);
    Endpoint plaintext = null;
    for (Endpoint endpoint : endpoints) {
      if (plaintext == null
          && protocols.get(endpoint.listenerName()) == SecurityProtocol.PLAINTEXT) {
        plaintext = endpoint;
      }
    }
    if (plaintext == null) {
      node.putNull("host");
      node.put("port", -1);
    } else {
      node.put("host", plaintext.host());
      node.put("port", plaintext.port());
    }
    node.put("jmx_port", -1);
    node.put("timestamp", Long.toString(System.currentTimeMillis()));
    ArrayNode list = node.putArray("endpoints");
    ObjectNode map = node.putObject("listener_security_protocol_map");
    for (Endpoint endpoint : endpoints) {
      list.add(endpoint.toString());
      SecurityProtocol protocol = protocols.get(endpoint.listenerName());
      map.put(endpoint.listenerName(), protocol == null ? "PLAINTEXT" : protocol.name());
    }
    if (rack == null) {
      node.putNull("rack");
    } else {
      node.put("rack", rack);
    }
    return write(node);
  }

  /**
   * A registration: its {@code endpoints}, or, in a registration without them, the legacy {@code
   * host} and {@code port} as a PLAINTEXT listener.
   */
  static BrokerInfo broker(int id, byte[] data, long epoch) {
    JsonNode node = read(data, "broker " + id);
    List<Endpoint> endpoints = new ArrayList<>();
    JsonNode listed = node.get("endpoints");
    if (listed != null && listed.isArray() && !listed.isEmpty()) {
      for (JsonNode endpoint : listed) {
        try {
          endpoints.add(Endpoint.parse(endpoint.asText()));
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException("broker " + id + ": bad endpoint: " + e.getMessage(), e);
        }
      }
    } else if (node.hasNonNull("host")) {
      endpoints.add(
          new Endpoint("PLAINTEXT", node.path("host").asText(), node.path("port").asInt()));
    }
    JsonNode rack = node.get("rack");
    return new BrokerInfo(
        id, endpoints, rack == null || rack.isNull() ? null : rack.asText(), epoch);
  }

  /** {@code /brokers/topics/{t}}: partition to replica list. */
  static byte[] assignment(List<List<Integer>> replicas) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("version", 2);
    ObjectNode partitions = node.putObject("partitions");
    for (int p = 0; p < replicas.size(); p++) {
      ArrayNode list = partitions.putArray(Integer.toString(p));
      replicas.get(p).forEach(list::add);
    }
    node.putObject("adding_replicas");
    node.putObject("removing_replicas");
    return write(node);
  }

  /** Replica lists indexed by partition; partitions are numbered 0..n-1 without gaps. */
  static List<List<Integer>> assignment(String topic, byte[] data) {
    JsonNode partitions = read(data, "topic " + topic).path("partitions");
    Map<Integer, List<Integer>> byIndex = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : partitions.properties()) {
      List<Integer> replicas = new ArrayList<>();
      e.getValue().forEach(r -> replicas.add(r.asInt()));
      byIndex.put(Integer.parseInt(e.getKey()), List.copyOf(replicas));
    }
    List<List<Integer>> out = new ArrayList<>(byIndex.values());
    for (int p = 0; p < out.size(); p++) {
      if (!byIndex.containsKey(p)) {
        throw new IllegalStateException("topic " + topic + ": partitions are not 0.." + out.size());
      }
    }
    return List.copyOf(out);
  }

  /**
   * {@code /brokers/topics/{t}} with reassignments in progress: {@code adding_replicas} and {@code
   * removing_replicas} list, by partition, the partitions being reassigned (Kafka's version 2
   * fields; partitions without a reassignment are left out of them).
   */
  static byte[] assignments(List<PartitionAssignment> assignments) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("version", 2);
    ObjectNode partitions = node.putObject("partitions");
    ObjectNode adding = node.putObject("adding_replicas");
    ObjectNode removing = node.putObject("removing_replicas");
    for (int p = 0; p < assignments.size(); p++) {
      PartitionAssignment a = assignments.get(p);
      String key = Integer.toString(p);
      a.replicas().forEach(partitions.putArray(key)::add);
      if (!a.adding().isEmpty()) {
        a.adding().forEach(adding.putArray(key)::add);
      }
      if (!a.removing().isEmpty()) {
        a.removing().forEach(removing.putArray(key)::add);
      }
    }
    return write(node);
  }

  /**
   * Every partition's assignment with its {@code adding_replicas} and {@code removing_replicas}
   * (empty where absent), indexed by partition.
   */
  static List<PartitionAssignment> assignments(String topic, byte[] data) {
    List<List<Integer>> replicas = assignment(topic, data);
    JsonNode node = read(data, "topic " + topic);
    List<PartitionAssignment> out = new ArrayList<>(replicas.size());
    for (int p = 0; p < replicas.size(); p++) {
      out.add(
          new PartitionAssignment(
              replicas.get(p),
              ids(node.path("adding_replicas").path(Integer.toString(p))),
              ids(node.path("removing_replicas").path(Integer.toString(p)))));
    }
    return List.copyOf(out);
  }

  private static List<Integer> ids(JsonNode array) {
    List<Integer> ids = new ArrayList<>();
    array.forEach(r -> ids.add(r.asInt()));
    return ids;
  }

  /** {@code .../partitions/{p}/state}. */
  static byte[] partitionState(PartitionState state) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("controller_epoch", state.controllerEpoch());
    node.put("leader", state.leader());
    node.put("version", 1);
    node.put("leader_epoch", state.leaderEpoch());
    ArrayNode isr = node.putArray("isr");
    state.isr().forEach(isr::add);
    // Sluice's own field (Kafka's tools ignore it): which incarnation of the leader this is.
    node.put("leader_broker_epoch", state.leaderBrokerEpoch());
    return write(node);
  }

  static PartitionState partitionState(String path, byte[] data) {
    JsonNode node = read(data, path);
    List<Integer> isr = new ArrayList<>();
    node.path("isr").forEach(r -> isr.add(r.asInt()));
    return new PartitionState(
        node.path("leader").asInt(PartitionState.NO_LEADER),
        node.path("leader_epoch").asInt(),
        isr,
        node.path("controller_epoch").asInt(),
        node.path("leader_broker_epoch").asLong(-1));
  }

  /**
   * {@code /config/topics/{t}}: the topic's configuration overrides, Kafka's entity-config shape
   * {@code {"version":1,"config":{"key":"value",...}}}, keys in order.
   */
  static byte[] topicConfig(Map<String, String> overrides) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("version", 1);
    ObjectNode config = node.putObject("config");
    new TreeMap<>(overrides).forEach(config::put);
    return write(node);
  }

  /** The overrides of a {@code /config/topics/{t}} znode (every value as text). */
  static Map<String, String> topicConfig(String topic, byte[] data) {
    JsonNode config = read(data, "config of topic " + topic).path("config");
    Map<String, String> overrides = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : config.properties()) {
      overrides.put(e.getKey(), e.getValue().asText());
    }
    return Map.copyOf(overrides);
  }

  /**
   * {@code /admin/elect_leaders/request-N}: an election request, and once the controller has
   * answered it, its results (see {@link ZkPaths}).
   */
  static byte[] electionRequest(RequestedElection.Request request) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("version", 1);
    node.put("election_type", request.type().code());
    ArrayNode partitions = node.putArray("partitions");
    for (LeaderElection.Partition p : request.partitions()) {
      partitions.addObject().put("topic", p.topic()).put("partition", p.partition());
    }
    if (request.answered()) {
      ArrayNode results = node.putArray("results");
      request
          .results()
          .forEach(
              (p, outcome) -> {
                ObjectNode result =
                    results
                        .addObject()
                        .put("topic", p.topic())
                        .put("partition", p.partition())
                        .put("error_code", outcome.error().code());
                if (outcome.message() == null) {
                  result.putNull("error_message");
                } else {
                  result.put("error_message", outcome.message());
                }
                result.put("leader", outcome.leader()).put("leader_epoch", outcome.leaderEpoch());
              });
    }
    return write(node);
  }

  static RequestedElection.Request electionRequest(String path, byte[] data) {
    JsonNode node = read(data, path);
    LeaderElection.Type type =
        LeaderElection.Type.forCode((byte) node.path("election_type").asInt(-1));
    if (type == null) {
      throw new IllegalStateException(path + ": unknown election type");
    }
    List<LeaderElection.Partition> partitions = new ArrayList<>();
    for (JsonNode p : node.path("partitions")) {
      partitions.add(partition(path, p));
    }
    Map<LeaderElection.Partition, RequestedElection.Outcome> results = null;
    JsonNode answered = node.get("results");
    if (answered != null && answered.isArray()) {
      results = new LinkedHashMap<>();
      for (JsonNode r : answered) {
        JsonNode message = r.get("error_message");
        results.put(
            partition(path, r),
            new RequestedElection.Outcome(
                Errors.forCode((short) r.path("error_code").asInt()),
                message == null || message.isNull() ? null : message.asText(),
                r.path("leader").asInt(PartitionState.NO_LEADER),
                r.path("leader_epoch").asInt(-1)));
      }
    }
    return new RequestedElection.Request(type, partitions, results);
  }

  private static LeaderElection.Partition partition(String path, JsonNode node) {
    JsonNode topic = node.get("topic");
    JsonNode partition = node.get("partition");
    if (topic == null || !topic.isTextual() || partition == null || !partition.canConvertToInt()) {
      throw new IllegalStateException(path + ": a partition without topic or number");
    }
    return new LeaderElection.Partition(topic.asText(), partition.asInt());
  }

  static byte[] clusterId(String id) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("version", "1");
    node.put("id", id);
    return write(node);
  }

  static String clusterId(byte[] data) {
    return read(data, ZkPaths.CLUSTER_ID).path("id").asText();
  }

  static byte[] integer(int value) {
    return Integer.toString(value).getBytes(StandardCharsets.US_ASCII);
  }

  static int integer(byte[] data, String what) {
    try {
      return Integer.parseInt(new String(data, StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(what + ": not a number", e);
    }
  }

  private static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode read(byte[] data, String what) {
    if (data == null || data.length == 0) {
      throw new IllegalStateException(what + ": empty znode");
    }
    try {
      return MAPPER.readTree(data);
    } catch (IOException e) {
      throw new IllegalStateException(what + ": bad JSON: " + e.getMessage(), e);
    }
  }
}
