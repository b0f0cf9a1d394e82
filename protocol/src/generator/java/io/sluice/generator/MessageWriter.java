package io.sluice.generator;

import io.sluice.generator.MessageGenerator.FieldSpec;
import io.sluice.generator.MessageGenerator.MessageSpec;
import io.sluice.generator.MessageGenerator.Names;
import io.sluice.generator.MessageGenerator.StructSpec;
import io.sluice.generator.MessageGenerator.Versions;
import java.util.Comparator;
import java.util.List;

/** Emits the Java source of one message class and its nested struct classes. */
final class MessageWriter {
  private final MessageSpec spec;
  private final StringBuilder out = new StringBuilder();
  private int indent;

  MessageWriter(MessageSpec spec) {
    this.spec = spec;
  }

  String write() {
    line("// Generated from Kafka's " + spec.name + ".json by io.sluice.generator. Do not edit.");
    line("package " + MessageGenerator.PACKAGE + ";");
    line("");
    for (String imp :
        List.of(
            "io.netty.buffer.ByteBuf",
            "io.netty.buffer.Unpooled",
            "io.sluice.protocol.Errors",
            "io.sluice.protocol.ProtocolException",
            "io.sluice.protocol.wire.Records",
            "io.sluice.protocol.wire.WireReader",
            "io.sluice.protocol.wire.WireWriter",
            "java.util.ArrayList",
            "java.util.Arrays",
            "java.util.List",
            "java.util.Objects",
            "java.util.UUID")) {
      line("import " + imp + ";");
    }
    line("");
    line("/** Kafka's {@code " + spec.name + "}, versions " + range() + ". */");
    boolean api = spec.apiKey >= 0;
    line(
        "@SuppressWarnings(\"unused\")\npublic final class "
            + spec.name
            + (api ? " implements ApiMessage {" : " implements Message {"));
    indent++;
    if (api) {
      line("public static final short API_KEY = " + spec.apiKey + ";");
    }
    line("public static final short LOWEST_VERSION = " + spec.valid.lowest() + ";");
    line("public static final short HIGHEST_VERSION = " + spec.valid.highest() + ";");
    line("private static final UUID ZERO_UUID = new UUID(0L, 0L);");
    line("");
    if (api) {
      line("@Override");
      line("public short apiKey() {");
      line("  return API_KEY;");
      line("}");
      line("");
    }
    struct(spec.root, true);
    for (StructSpec s : spec.structs.values()) {
      line("");
      line("/** The {@code " + s.name() + "} struct of {@code " + spec.name + "}. */");
      line("public static final class " + s.name() + " {");
      indent++;
      struct(s, false);
      indent--;
      line("}");
    }
    indent--;
    line("}");
    return out.toString();
  }

  private String range() {
    return spec.valid.lowest() + " to " + spec.valid.highest();
  }

  private void struct(StructSpec s, boolean root) {
    String cls = s.name();
    for (FieldSpec f : s.fields()) {
      line(
          "private "
              + Types.fieldType(f)
              + " "
              + Names.field(f.name())
              + " = "
              + Types.defaultValue(f)
              + ";");
    }
    line("");
    line("public " + cls + "() {}");
    for (FieldSpec f : s.fields()) {
      String name = Names.field(f.name());
      line("");
      line("public " + Types.fieldType(f) + " " + name + "() {");
      line("  return " + name + ";");
      line("}");
      line("");
      line("public " + cls + " " + Names.setter(f.name()) + "(" + Types.fieldType(f) + " value) {");
      line("  this." + name + " = value;");
      line("  return this;");
      line("}");
    }
    readMethod(s, root);
    writeMethod(s, root);
    equalsAndHashCode(s);
  }

  private String flexibleCondition() {
    return spec.flexible.condition(spec.valid);
  }

  private String cond(Versions v) {
    return v.condition(spec.valid);
  }

  /** The condition under which the field is written in the fixed (non-tagged) part. */
  private String fixedCondition(FieldSpec f) {
    String present = cond(f.versions());
    if (!f.isTagged()) {
      return present;
    }
    if (f.taggedVersions().covers(f.versions().intersect(spec.valid))) {
      return "false";
    }
    return "(" + present + ") && !(" + cond(f.taggedVersions()) + ")";
  }

  private String fieldFlexible(FieldSpec f, String flexible) {
    return f.flexibleOverride() != null ? cond(f.flexibleOverride()) : flexible;
  }

  private void versionCheck(String cls) {
    line("if (version < LOWEST_VERSION || version > HIGHEST_VERSION) {");
    line("  throw new ProtocolException(");
    line(
        "      Errors.UNSUPPORTED_VERSION, \""
            + cls
            + " version=\" + version + \" is not in ["
            + spec.valid.lowest()
            + ", "
            + spec.valid.highest()
            + "]\");");
    line("}");
  }

  private void readMethod(StructSpec s, boolean root) {
    String cls = s.name();
    line("");
    line("public static " + cls + " read(WireReader reader, short version) {");
    indent++;
    if (root) {
      versionCheck(cls);
    }
    line("boolean flexible = " + flexibleCondition() + ";");
    line(cls + " message = new " + cls + "();");
    for (FieldSpec f : s.fields()) {
      String c = fixedCondition(f);
      if (c.equals("false")) {
        continue;
      }
      open(c);
      readField(f, fieldFlexible(f, "flexible"));
      close(c);
    }
    List<FieldSpec> tagged = tagged(s);
    line("if (flexible) {");
    indent++;
    line("int taggedCount = reader.readUnsignedVarint();");
    line("for (int t = 0; t < taggedCount; t++) {");
    indent++;
    line("int tag = reader.readUnsignedVarint();");
    line("int size = reader.readUnsignedVarint();");
    if (tagged.isEmpty()) {
      line("reader.skip(size);");
    } else {
      line("switch (tag) {");
      indent++;
      for (FieldSpec f : tagged) {
        line("case " + f.tag() + ":");
        indent++;
        line("if (" + cond(f.taggedVersions()) + ") {");
        indent++;
        readField(f, "true");
        line("break;");
        indent--;
        line("}");
        line("reader.skip(size);");
        line("break;");
        indent--;
      }
      line("default:");
      line("  reader.skip(size);");
      line("  break;");
      indent--;
      line("}");
    }
    indent--;
    line("}");
    indent--;
    line("}");
    line("return message;");
    indent--;
    line("}");
  }

  private List<FieldSpec> tagged(StructSpec s) {
    return s.fields().stream()
        .filter(FieldSpec::isTagged)
        .sorted(Comparator.comparingInt(FieldSpec::tag))
        .toList();
  }

  private void readField(FieldSpec f, String flexible) {
    String target = "message." + Names.field(f.name());
    String nullable = cond(f.nullableVersions());
    if (f.isArray()) {
      line("{");
      indent++;
      line("int count = reader.readArrayCount(" + flexible + ");");
      line("if (count < 0) {");
      if (nullable.equals("true")) {
        line("  " + target + " = null;");
      } else if (nullable.equals("false")) {
        line(
            "  throw new ProtocolException(\"null array for non-nullable field "
                + f.name()
                + "\");");
      } else {
        line("  if (!(" + nullable + ")) {");
        line("    throw new ProtocolException(\"null array for non-nullable " + f.name() + "\");");
        line("  }");
        line("  " + target + " = null;");
      }
      line("} else {");
      indent++;
      String element = f.elementType();
      line("List<" + Types.boxed(element) + "> list = new ArrayList<>(count);");
      line("for (int i = 0; i < count; i++) {");
      if (element.equals("string") || element.equals("bytes")) {
        line(
            "  list.add(WireReader.requireNonNull("
                + Types.read(element, flexible)
                + ", \""
                + f.name()
                + "\"));");
      } else {
        line("  list.add(" + Types.read(element, flexible) + ");");
      }
      line("}");
      line(target + " = list;");
      indent--;
      line("}");
      indent--;
      line("}");
      return;
    }
    if (f.isStruct()) {
      if (nullable.equals("false")) {
        line(target + " = " + f.type() + ".read(reader, version);");
      } else {
        line("if ((" + nullable + ") && reader.readInt8() < 0) {");
        line("  " + target + " = null;");
        line("} else {");
        line("  " + target + " = " + f.type() + ".read(reader, version);");
        line("}");
      }
      return;
    }
    line(target + " = " + Types.read(f.type(), flexible) + ";");
    if ((f.type().equals("string") || f.type().equals("bytes")) && !nullable.equals("true")) {
      String check = nullable.equals("false") ? "" : " && !(" + nullable + ")";
      line("if (" + target + " == null" + check + ") {");
      line(
          "  throw new ProtocolException(\"null value for non-nullable field " + f.name() + "\");");
      line("}");
    }
  }

  private void writeMethod(StructSpec s, boolean root) {
    line("");
    if (root) {
      line("@Override");
    }
    line("public void write(WireWriter writer, short version) {");
    indent++;
    if (root) {
      versionCheck(s.name());
    }
    line("boolean flexible = " + flexibleCondition() + ";");
    for (FieldSpec f : s.fields()) {
      String c = fixedCondition(f);
      if (c.equals("false")) {
        continue;
      }
      open(c);
      writeField(f, "writer", fieldFlexible(f, "flexible"));
      close(c);
    }
    List<FieldSpec> tagged = tagged(s);
    line("if (flexible) {");
    indent++;
    if (tagged.isEmpty()) {
      line("writer.writeUnsignedVarint(0);");
    } else {
      line("int taggedCount = 0;");
      for (FieldSpec f : tagged) {
        line("if ((" + cond(f.taggedVersions()) + ") && " + nonDefault(f) + ") {");
        line("  taggedCount++;");
        line("}");
      }
      line("writer.writeUnsignedVarint(taggedCount);");
      for (FieldSpec f : tagged) {
        line("if ((" + cond(f.taggedVersions()) + ") && " + nonDefault(f) + ") {");
        indent++;
        line("writer.writeUnsignedVarint(" + f.tag() + ");");
        line("ByteBuf tagged = Unpooled.buffer();");
        line("try {");
        indent++;
        line("WireWriter taggedWriter = new WireWriter(tagged);");
        writeField(f, "taggedWriter", "true");
        line("writer.writeUnsignedVarint(tagged.readableBytes());");
        line("writer.writeRaw(tagged);");
        indent--;
        line("} finally {");
        line("  tagged.release();");
        line("}");
        indent--;
        line("}");
      }
    }
    indent--;
    line("}");
    indent--;
    line("}");
  }

  private String nonDefault(FieldSpec f) {
    String name = "this." + Names.field(f.name());
    String def = Types.defaultValue(f);
    if (f.isArray()) {
      return def.equals("null")
          ? name + " != null"
          : "(" + name + " == null || !" + name + ".isEmpty())";
    }
    return switch (f.type()) {
      case "bool", "int8", "int16", "uint16", "int32", "uint32", "int64" -> name + " != " + def;
      case "float64" -> "Double.compare(" + name + ", " + def + ") != 0";
      case "string" -> "!Objects.equals(" + name + ", " + def + ")";
      case "uuid" -> "!ZERO_UUID.equals(" + name + ")";
      case "bytes" -> "!Arrays.equals(" + name + ", " + def + ")";
      case "records" -> name + " != null";
      default ->
          def.equals("null") ? name + " != null" : "!Objects.equals(" + name + ", " + def + ")";
    };
  }

  private void writeField(FieldSpec f, String writer, String flexible) {
    String value = "this." + Names.field(f.name());
    String nullable = cond(f.nullableVersions());
    if (f.isArray()) {
      line("if (" + value + " == null) {");
      line("  " + writer + ".writeArrayCount(-1, " + flexible + ");");
      line("} else {");
      indent++;
      line(writer + ".writeArrayCount(" + value + ".size(), " + flexible + ");");
      line("for (" + Types.boxed(f.elementType()) + " element : " + value + ") {");
      line("  " + Types.write(f.elementType(), "element", flexible, writer));
      line("}");
      indent--;
      line("}");
      return;
    }
    if (f.isStruct() && !nullable.equals("false")) {
      line("if (" + nullable + ") {");
      line("  " + writer + ".writeInt8((byte) (" + value + " == null ? -1 : 1));");
      line("}");
      line("if (" + value + " != null) {");
      line("  " + Types.write(f.type(), value, flexible, writer));
      line("}");
      return;
    }
    line(Types.write(f.type(), value, flexible, writer));
  }

  private void equalsAndHashCode(StructSpec s) {
    String cls = s.name();
    line("");
    line("@Override");
    line("public boolean equals(Object o) {");
    indent++;
    line("if (this == o) {");
    line("  return true;");
    line("}");
    line("if (!(o instanceof " + cls + " other)) {");
    line("  return false;");
    line("}");
    StringBuilder eq = new StringBuilder("return true");
    for (FieldSpec f : s.fields()) {
      String n = Names.field(f.name());
      if (f.type().equals("bytes")) {
        eq.append("\n    && Arrays.equals(").append(n).append(", other.").append(n).append(")");
      } else if (f.type().equals("float64")) {
        eq.append("\n    && Double.compare(")
            .append(n)
            .append(", other.")
            .append(n)
            .append(") == 0");
      } else if (Types.isPrimitiveJava(f)) {
        eq.append("\n    && ").append(n).append(" == other.").append(n);
      } else {
        eq.append("\n    && Objects.equals(").append(n).append(", other.").append(n).append(")");
      }
    }
    line(eq + ";");
    indent--;
    line("}");
    line("");
    line("@Override");
    line("public int hashCode() {");
    indent++;
    line("int h = 17;");
    for (FieldSpec f : s.fields()) {
      String n = Names.field(f.name());
      String hash =
          f.type().equals("bytes") ? "Arrays.hashCode(" + n + ")" : "Objects.hashCode(" + n + ")";
      line("h = 31 * h + " + hash + ";");
    }
    line("return h;");
    indent--;
    line("}");
    line("");
    line("@Override");
    line("public String toString() {");
    indent++;
    StringBuilder ts = new StringBuilder("return \"" + cls + "(\"");
    String sep = "";
    for (FieldSpec f : s.fields()) {
      String n = Names.field(f.name());
      String v =
          f.type().equals("bytes")
              ? "(" + n + " == null ? \"null\" : " + n + ".length + \" bytes\")"
              : n;
      ts.append("\n    + \"").append(sep).append(n).append("=\" + ").append(v);
      sep = ", ";
    }
    ts.append("\n    + \")\"");
    line(ts + ";");
    indent--;
    line("}");
  }

  private void open(String condition) {
    if (!condition.equals("true")) {
      line("if (" + condition + ") {");
      indent++;
    }
  }

  private void close(String condition) {
    if (!condition.equals("true")) {
      indent--;
      line("}");
    }
  }

  private void line(String text) {
    if (!text.isEmpty()) {
      out.append("  ".repeat(indent));
    }
    out.append(text).append('\n');
  }
}
