package io.sluice.generator;

import io.sluice.generator.MessageGenerator.MessageSpec;
import io.sluice.generator.MessageGenerator.Names;
import java.util.Comparator;
import java.util.List;

/** Emits the {@code ApiKey} enum: one constant per implemented API, with its schema facts. */
final class ApiKeyWriter {
  static String write(List<MessageSpec> requests) {
    List<MessageSpec> sorted =
        requests.stream().sorted(Comparator.comparingInt(s -> s.apiKey)).toList();
    StringBuilder out = new StringBuilder();
    out.append("// Generated from Kafka's message schemas by io.sluice.generator. Do not edit.\n");
    out.append("package io.sluice.protocol;\n\n");
    out.append("import io.sluice.protocol.message.*;\n");
    out.append("import io.sluice.protocol.wire.WireReader;\n\n");
    out.append(
        "/**\n * The Kafka APIs this module can encode and decode, with the version range of their\n");
    out.append(
        " * schemas and the first flexible version (compact encodings and tagged fields).\n */\n");
    out.append("public enum ApiKey {\n");
    for (int i = 0; i < sorted.size(); i++) {
      MessageSpec s = sorted.get(i);
      String api = s.name.substring(0, s.name.length() - "Request".length());
      out.append("  ")
          .append(Names.constant(api))
          .append("(")
          .append(s.apiKey)
          .append(", \"")
          .append(api)
          .append("\", ")
          .append(s.valid.lowest())
          .append(", ")
          .append(s.valid.highest())
          .append(", ")
          .append(s.flexible.isEmpty() ? Short.MAX_VALUE : s.flexible.lowest())
          .append(")")
          .append(i == sorted.size() - 1 ? ";\n\n" : ",\n");
    }
    out.append(
        """
          private static final ApiKey[] BY_ID = new ApiKey[%d];

          static {
            for (ApiKey key : values()) {
              BY_ID[key.id] = key;
            }
          }

          private final short id;
          private final String displayName;
          private final short lowestVersion;
          private final short highestVersion;
          private final short firstFlexibleVersion;

          ApiKey(int id, String displayName, int lowest, int highest, int firstFlexible) {
            this.id = (short) id;
            this.displayName = displayName;
            this.lowestVersion = (short) lowest;
            this.highestVersion = (short) highest;
            this.firstFlexibleVersion = (short) firstFlexible;
          }

          public short id() {
            return id;
          }

          /** The API's name as Kafka's documentation writes it, e.g. {@code ApiVersions}. */
          public String displayName() {
            return displayName;
          }

          /** The lowest version of the schema (the floor current Kafka clients accept). */
          public short lowestVersion() {
            return lowestVersion;
          }

          /** The highest version of the schema. */
          public short highestVersion() {
            return highestVersion;
          }

          public boolean isFlexible(short version) {
            return version >= firstFlexibleVersion;
          }

          public boolean isSupported(short version) {
            return version >= lowestVersion && version <= highestVersion;
          }

          /** Request header v2 (tagged fields) for flexible versions, v1 before. */
          public short requestHeaderVersion(short version) {
            return (short) (isFlexible(version) ? 2 : 1);
          }

          /**
           * Response header v1 for flexible versions, v0 before; ApiVersions responses always use v0 so
           * that a client can read the reply to a version it guessed too high.
           */
          public short responseHeaderVersion(short version) {
            if (this == API_VERSIONS) {
              return 0;
            }
            return (short) (isFlexible(version) ? 1 : 0);
          }

          /** The API with this key, or null if this module does not implement it. */
          public static ApiKey forId(short id) {
            return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
          }

        """
            .formatted(sorted.get(sorted.size() - 1).apiKey + 1));
    for (String kind : List.of("Request", "Response")) {
      out.append("  /** Decodes a ").append(kind.toLowerCase(java.util.Locale.ROOT));
      out.append(" body of this API at {@code version}. */\n");
      out.append("  public ApiMessage read").append(kind);
      out.append("(WireReader reader, short version) {\n    return switch (this) {\n");
      for (MessageSpec s : sorted) {
        String api = s.name.substring(0, s.name.length() - "Request".length());
        out.append("      case ")
            .append(Names.constant(api))
            .append(" -> ")
            .append(api)
            .append(kind)
            .append(".read(reader, version);\n");
      }
      out.append("    };\n  }\n\n");
    }
    out.setLength(out.length() - 1);
    out.append("}\n");
    return out.toString();
  }

  private ApiKeyWriter() {}
}
