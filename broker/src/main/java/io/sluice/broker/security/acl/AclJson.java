package io.sluice.broker.security.acl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The JSON of stored ACLs. One resource's entries are Kafka's ZooKeeper znode shape, {@code
 * {"version":1,"acls":[{"principal":"User:alice","permissionType":"Allow","operation":"Read",
 * "host":"*"}]}}, so Kafka's tools and habits carry over; the single-node file is a list of such
 * resources, each with its {@code resourceType}, {@code patternType} and {@code name}. Data that
 * cannot be read throws {@link IllegalStateException} naming what. Stateless and thread-safe.
 */
public final class AclJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AclJson() {}

  /** One resource's entries, as in Kafka's {@code /kafka-acl/<Type>/<name>} znode. */
  public static byte[] entries(Set<AccessControlEntry> entries) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("version", 1);
    writeEntries(node.putArray("acls"), entries);
    return write(node);
  }

  public static Set<AccessControlEntry> entries(byte[] data, String what) {
    return readEntries(read(data, what).path("acls"), what);
  }

  /** Every ACL, for the single-node file. */
  static byte[] file(Map<ResourcePattern, Set<AccessControlEntry>> acls) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("version", 1);
    ArrayNode resources = node.putArray("resources");
    acls.forEach(
        (pattern, entries) -> {
          ObjectNode resource = resources.addObject();
          resource.put("resourceType", pattern.type().zkName());
          resource.put("patternType", pattern.patternType().jsonName());
          resource.put("name", pattern.name());
          writeEntries(resource.putArray("acls"), entries);
        });
    return write(node);
  }

  static Map<ResourcePattern, Set<AccessControlEntry>> file(byte[] data, String what) {
    JsonNode root = read(data, what);
    if (root.path("version").asInt() != 1) {
      throw new IllegalStateException(what + ": unknown version " + root.path("version"));
    }
    Map<ResourcePattern, Set<AccessControlEntry>> acls = new LinkedHashMap<>();
    for (JsonNode resource : root.path("resources")) {
      ResourceType type = ResourceType.forName(resource.path("resourceType").asText());
      PatternType patternType = PatternType.forName(resource.path("patternType").asText());
      if (!type.supported() || !patternType.specific() || !resource.hasNonNull("name")) {
        throw new IllegalStateException(what + ": bad resource " + resource);
      }
      acls.put(
          new ResourcePattern(type, resource.get("name").asText(), patternType),
          readEntries(resource.path("acls"), what));
    }
    return acls;
  }

  private static void writeEntries(ArrayNode list, Set<AccessControlEntry> entries) {
    for (AccessControlEntry entry : entries) {
      ObjectNode acl = list.addObject();
      acl.put("principal", entry.principal());
      acl.put("permissionType", entry.permission().jsonName());
      acl.put("operation", entry.operation().jsonName());
      acl.put("host", entry.host());
    }
  }

  private static Set<AccessControlEntry> readEntries(JsonNode list, String what) {
    Set<AccessControlEntry> entries = new LinkedHashSet<>();
    for (JsonNode acl : list) {
      AclOperation op = AclOperation.forName(acl.path("operation").asText());
      AclPermissionType permission = AclPermissionType.forName(acl.path("permissionType").asText());
      if (op == AclOperation.UNKNOWN
          || op == AclOperation.ANY
          || (permission != AclPermissionType.ALLOW && permission != AclPermissionType.DENY)
          || !acl.hasNonNull("principal")
          || !acl.hasNonNull("host")) {
        throw new IllegalStateException(what + ": bad ACL " + acl);
      }
      entries.add(
          new AccessControlEntry(
              acl.get("principal").asText(), acl.get("host").asText(), op, permission));
    }
    return entries;
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
      throw new IllegalStateException(what + ": empty");
    }
    try {
      return MAPPER.readTree(data);
    } catch (IOException e) {
      throw new IllegalStateException(what + ": bad JSON: " + e.getMessage(), e);
    }
  }
}
