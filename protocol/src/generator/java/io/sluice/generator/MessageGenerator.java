package io.sluice.generator;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Build-time generator: reads Kafka's message schemas ({@code common/message/*.json}, shipped in
 * the kafka-clients jar on the build classpath) and writes one Java class per message into {@code
 * io.sluice.protocol.message}, plus the {@code ApiKey} enum.
 *
 * <p>The schemas are the authoritative field lists; this program only decides how they look in
 * Java. It runs in the {@code generate-sources} phase of the protocol module (see its pom).
 */
public final class MessageGenerator {
  /** The APIs Sluice implements, in api-key order. */
  static final List<String> APIS =
      List.of(
          "Produce",
          "Fetch",
          "ListOffsets",
          "Metadata",
          "OffsetCommit",
          "OffsetFetch",
          "FindCoordinator",
          "JoinGroup",
          "Heartbeat",
          "LeaveGroup",
          "SyncGroup",
          "DescribeGroups",
          "ListGroups",
          "SaslHandshake",
          "ApiVersions",
          "CreateTopics",
          "DeleteTopics",
          "DeleteRecords",
          "InitProducerId",
          "OffsetForLeaderEpoch",
          "DescribeAcls",
          "CreateAcls",
          "DeleteAcls",
          "DescribeConfigs",
          "AlterConfigs",
          "DescribeLogDirs",
          "SaslAuthenticate",
          "CreatePartitions",
          "DeleteGroups",
          "ElectLeaders",
          "IncrementalAlterConfigs",
          "AlterPartitionReassignments",
          "ListPartitionReassignments",
          "OffsetDelete",
          "DescribeClientQuotas",
          "AlterClientQuotas",
          "DescribeUserScramCredentials",
          "AlterUserScramCredentials",
          "DescribeProducers",
          "DescribeCluster");

  static final String PACKAGE = "io.sluice.protocol.message";

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS).build();

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    Path messageDir = out.resolve(PACKAGE.replace('.', '/'));
    Files.createDirectories(messageDir);
    List<MessageSpec> requests = new ArrayList<>();
    for (String api : APIS) {
      for (String kind : List.of("Request", "Response")) {
        MessageSpec spec = MessageSpec.parse(load(api + kind));
        Files.writeString(
            messageDir.resolve(spec.name + ".java"), new MessageWriter(spec).write(), UTF8);
        if (kind.equals("Request")) {
          requests.add(spec);
        }
      }
    }
    for (String header :
        List.of(
            "RequestHeader",
            "ResponseHeader",
            "ConsumerProtocolSubscription",
            "ConsumerProtocolAssignment")) {
      MessageSpec spec = MessageSpec.parse(load(header));
      Files.writeString(
          messageDir.resolve(spec.name + ".java"), new MessageWriter(spec).write(), UTF8);
    }
    Path protocolDir = out.resolve("io/sluice/protocol");
    Files.writeString(protocolDir.resolve("ApiKey.java"), ApiKeyWriter.write(requests), UTF8);
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static JsonNode load(String name) throws IOException {
    String resource = "common/message/" + name + ".json";
    try (InputStream in = MessageGenerator.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("schema not on the build classpath: " + resource);
      }
      return JSON.readTree(in);
    }
  }

  /** A version range; {@code none} is empty. */
  record Versions(int lowest, int highest) {
    static final Versions NONE = new Versions(1, 0);
    static final Versions ALL = new Versions(0, Short.MAX_VALUE);

    static Versions parse(String text, Versions absent) {
      if (text == null) {
        return absent;
      }
      text = text.trim();
      if (text.equals("none")) {
        return NONE;
      }
      if (text.endsWith("+")) {
        return new Versions(
            Integer.parseInt(text.substring(0, text.length() - 1)), Short.MAX_VALUE);
      }
      int dash = text.indexOf('-');
      if (dash > 0) {
        return new Versions(
            Integer.parseInt(text.substring(0, dash)), Integer.parseInt(text.substring(dash + 1)));
      }
      int v = Integer.parseInt(text);
      return new Versions(v, v);
    }

    boolean isEmpty() {
      return lowest > highest;
    }

    Versions intersect(Versions other) {
      return new Versions(Math.max(lowest, other.lowest), Math.min(highest, other.highest));
    }

    /** True if this range covers every version of {@code within}. */
    boolean covers(Versions within) {
      return within.isEmpty() || (lowest <= within.lowest && highest >= within.highest);
    }

    /** A Java condition on {@code version} that holds inside this range, given the valid range. */
    String condition(Versions valid) {
      if (isEmpty() || intersect(valid).isEmpty()) {
        return "false";
      }
      if (covers(valid)) {
        return "true";
      }
      List<String> parts = new ArrayList<>();
      if (lowest > valid.lowest) {
        parts.add("version >= " + lowest);
      }
      if (highest < valid.highest) {
        parts.add("version <= " + highest);
      }
      return String.join(" && ", parts);
    }
  }

  /** One field of a struct. */
  record FieldSpec(
      String name,
      String type,
      Versions versions,
      Versions nullableVersions,
      Versions taggedVersions,
      int tag,
      String defaultValue,
      Versions flexibleOverride,
      StructSpec struct) {

    boolean isArray() {
      return type.startsWith("[]");
    }

    String elementType() {
      return isArray() ? type.substring(2) : type;
    }

    boolean isStruct() {
      return !Types.PRIMITIVES.contains(elementType());
    }

    boolean isTagged() {
      return !taggedVersions.isEmpty();
    }
  }

  /** A struct: the message itself, an inline struct, or a common struct. */
  record StructSpec(String name, Versions versions, List<FieldSpec> fields) {}

  /** A whole schema file. */
  static final class MessageSpec {
    final String name;
    final String type;
    final int apiKey;
    final Versions valid;
    final Versions flexible;
    final StructSpec root;
    final Map<String, StructSpec> structs = new LinkedHashMap<>();

    private MessageSpec(JsonNode node) {
      name = node.get("name").asText();
      type = node.get("type").asText();
      apiKey = node.has("apiKey") ? node.get("apiKey").asInt() : -1;
      valid = Versions.parse(node.get("validVersions").asText(), Versions.NONE);
      flexible = Versions.parse(text(node, "flexibleVersions"), Versions.NONE);
      Map<String, JsonNode> common = new LinkedHashMap<>();
      if (node.has("commonStructs")) {
        for (JsonNode s : node.get("commonStructs")) {
          common.put(s.get("name").asText(), s);
        }
      }
      root = new StructSpec(name, valid, parseFields(node.get("fields"), common));
      for (Map.Entry<String, JsonNode> e : common.entrySet()) {
        if (!structs.containsKey(e.getKey())) {
          JsonNode s = e.getValue();
          Versions v = Versions.parse(text(s, "versions"), Versions.ALL);
          structs.put(e.getKey(), new StructSpec(e.getKey(), v, List.of()));
          structs.put(
              e.getKey(), new StructSpec(e.getKey(), v, parseFields(s.get("fields"), common)));
        }
      }
    }

    static MessageSpec parse(JsonNode node) {
      return new MessageSpec(node);
    }

    private List<FieldSpec> parseFields(JsonNode fields, Map<String, JsonNode> common) {
      List<FieldSpec> result = new ArrayList<>();
      if (fields == null) {
        return result;
      }
      for (JsonNode f : fields) {
        String fieldType = f.get("type").asText();
        Versions versions = Versions.parse(text(f, "versions"), Versions.NONE);
        Versions tagged = Versions.parse(text(f, "taggedVersions"), Versions.NONE);
        if (!tagged.isEmpty()) {
          versions = versions.isEmpty() ? tagged : versions;
        }
        StructSpec struct = null;
        String element = fieldType.startsWith("[]") ? fieldType.substring(2) : fieldType;
        if (!Types.PRIMITIVES.contains(element)) {
          if (f.has("fields")) {
            struct = new StructSpec(element, versions, parseFields(f.get("fields"), common));
            structs.put(element, struct);
          } else if (common.containsKey(element)) {
            if (!structs.containsKey(element)) {
              JsonNode s = common.get(element);
              // Put a placeholder first so that a self-referencing struct terminates.
              structs.put(element, new StructSpec(element, versions, List.of()));
              struct = new StructSpec(element, versions, parseFields(s.get("fields"), common));
              structs.put(element, struct);
            } else {
              struct = structs.get(element);
            }
          } else {
            throw new IllegalArgumentException("unknown type " + fieldType + " in " + name);
          }
        }
        result.add(
            new FieldSpec(
                f.get("name").asText(),
                fieldType,
                versions,
                Versions.parse(text(f, "nullableVersions"), Versions.NONE),
                tagged,
                f.has("tag") ? f.get("tag").asInt() : -1,
                text(f, "default"),
                f.has("flexibleVersions")
                    ? Versions.parse(text(f, "flexibleVersions"), Versions.NONE)
                    : null,
                struct));
      }
      return result;
    }

    private static String text(JsonNode node, String field) {
      JsonNode value = node.get(field);
      return value == null ? null : value.asText();
    }
  }

  /** Java names. */
  static final class Names {
    private static final Set<String> RESERVED =
        Set.of(
            "default",
            "class",
            "package",
            "private",
            "protected",
            "public",
            "static",
            "final",
            "new",
            "this",
            "interface",
            "enum",
            "assert",
            "int",
            "long",
            "short",
            "byte",
            "boolean",
            "double",
            "char",
            "read",
            "write",
            "version",
            "reader",
            "writer");

    static String field(String jsonName) {
      String name = Character.toLowerCase(jsonName.charAt(0)) + jsonName.substring(1);
      if (jsonName.length() > 1
          && Character.isUpperCase(jsonName.charAt(1))
          && jsonName.chars().allMatch(Character::isUpperCase)) {
        name = jsonName.toLowerCase(java.util.Locale.ROOT);
      }
      return RESERVED.contains(name) ? name + "Value" : name;
    }

    static String setter(String jsonName) {
      // A few schema fields start in lower case (CreateTopics' timeoutMs, validateOnly).
      return "set" + Character.toUpperCase(jsonName.charAt(0)) + jsonName.substring(1);
    }

    static String constant(String camel) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < camel.length(); i++) {
        char c = camel.charAt(i);
        if (i > 0 && Character.isUpperCase(c) && Character.isLowerCase(camel.charAt(i - 1))) {
          sb.append('_');
        }
        sb.append(Character.toUpperCase(c));
      }
      return sb.toString();
    }

    private Names() {}
  }

  private MessageGenerator() {}
}
