package io.sluice.generator;

import io.sluice.generator.MessageGenerator.FieldSpec;
import java.util.Set;

/** How each schema type looks in Java: its type name, default, reader and writer calls. */
final class Types {
  static final Set<String> PRIMITIVES =
      Set.of(
          "bool", "int8", "int16", "uint16", "int32", "uint32", "int64", "float64", "string",
          "bytes", "uuid", "records");

  static String javaType(String type) {
    return switch (type) {
      case "bool" -> "boolean";
      case "int8" -> "byte";
      case "int16" -> "short";
      case "uint16", "int32" -> "int";
      case "uint32", "int64" -> "long";
      case "float64" -> "double";
      case "string" -> "String";
      case "bytes" -> "byte[]";
      case "uuid" -> "UUID";
      case "records" -> "Records";
      default -> type; // a struct
    };
  }

  static String boxed(String type) {
    return switch (type) {
      case "bool" -> "Boolean";
      case "int8" -> "Byte";
      case "int16" -> "Short";
      case "uint16", "int32" -> "Integer";
      case "uint32", "int64" -> "Long";
      case "float64" -> "Double";
      default -> javaType(type);
    };
  }

  static String fieldType(FieldSpec field) {
    return field.isArray() ? "List<" + boxed(field.elementType()) + ">" : javaType(field.type());
  }

  static boolean isPrimitiveJava(FieldSpec field) {
    return !field.isArray()
        && Set.of("bool", "int8", "int16", "uint16", "int32", "uint32", "int64", "float64")
            .contains(field.type());
  }

  /** The Java expression of the field's default value. */
  static String defaultValue(FieldSpec field) {
    String d = field.defaultValue();
    if (field.isArray()) {
      return "null".equals(d) ? "null" : "new ArrayList<>(0)";
    }
    switch (field.type()) {
      case "bool":
        return d == null || d.isEmpty() ? "false" : d;
      case "int8":
      case "int16":
        return d == null || d.isEmpty() ? "0" : "(" + javaType(field.type()) + ") " + number(d);
      case "uint16":
      case "int32":
        return d == null || d.isEmpty() ? "0" : number(d);
      case "uint32":
      case "int64":
        return d == null || d.isEmpty() ? "0L" : number(d) + "L";
      case "float64":
        return d == null || d.isEmpty() ? "0.0" : d;
      case "string":
        if (d == null) {
          return "\"\"";
        }
        return d.equals("null") ? "null" : "\"" + d + "\"";
      case "bytes":
        return "null".equals(d) ? "null" : "new byte[0]";
      case "uuid":
        return "ZERO_UUID";
      case "records":
        return "null";
      default:
        return "null".equals(d) ? "null" : "new " + field.type() + "()";
    }
  }

  private static String number(String d) {
    if (d.startsWith("0x") || d.startsWith("-0x")) {
      return d;
    }
    return Long.toString(Long.parseLong(d));
  }

  /** A call on {@code reader} that reads one value of a primitive type. */
  static String read(String type, String flexible) {
    return switch (type) {
      case "bool" -> "reader.readBool()";
      case "int8" -> "reader.readInt8()";
      case "int16" -> "reader.readInt16()";
      case "uint16" -> "reader.readUint16()";
      case "int32" -> "reader.readInt32()";
      case "uint32" -> "reader.readUint32()";
      case "int64" -> "reader.readInt64()";
      case "float64" -> "reader.readFloat64()";
      case "uuid" -> "reader.readUuid()";
      case "string" -> "reader.readString(" + flexible + ")";
      case "bytes" -> "reader.readBytes(" + flexible + ")";
      case "records" -> "reader.readRecords(" + flexible + ")";
      default -> type + ".read(reader, version)";
    };
  }

  /** A statement on {@code writer} that writes {@code value} of a primitive type. */
  static String write(String type, String value, String flexible, String writer) {
    return switch (type) {
      case "bool" -> writer + ".writeBool(" + value + ");";
      case "int8" -> writer + ".writeInt8(" + value + ");";
      case "int16" -> writer + ".writeInt16(" + value + ");";
      case "uint16" -> writer + ".writeUint16(" + value + ");";
      case "int32" -> writer + ".writeInt32(" + value + ");";
      case "uint32" -> writer + ".writeUint32(" + value + ");";
      case "int64" -> writer + ".writeInt64(" + value + ");";
      case "float64" -> writer + ".writeFloat64(" + value + ");";
      case "uuid" -> writer + ".writeUuid(" + value + ");";
      case "string" -> writer + ".writeString(" + value + ", " + flexible + ");";
      case "bytes" -> writer + ".writeBytes(" + value + ", " + flexible + ");";
      case "records" -> writer + ".writeRecords(" + value + ", " + flexible + ");";
      default -> value + ".write(" + writer + ", version);";
    };
  }

  private Types() {}
}
