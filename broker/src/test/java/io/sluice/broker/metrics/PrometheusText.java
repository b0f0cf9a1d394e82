package io.sluice.broker.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), written for the tests:
 * it rejects what a Prometheus server would reject (a malformed line, a sample without a declared
 * family, a bad label escape, a value that is not a float, a histogram whose buckets decrease or
 * whose {@code +Inf} bucket differs from its count) and returns the samples for lookups.
 */
final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  record Sample(String name, Map<String, String> labels, double value) {}

  private final Map<String, String> types = new HashMap<>();
  private final List<Sample> samples = new ArrayList<>();

  private PrometheusText() {}

  static PrometheusText parse(String text) {
    PrometheusText parsed = new PrometheusText();
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a newline");
    }
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isEmpty()) {
        continue;
      }
      try {
        parsed.line(line);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage() + ": " + line);
      }
    }
    parsed.checkHistograms();
    return parsed;
  }

  private void line(String line) {
    if (line.startsWith("#")) {
      String[] parts = line.split(" ", 4);
      if (parts.length >= 3 && parts[1].equals("TYPE")) {
        requireName(parts[2]);
        if (parts.length != 4 || !TYPES.contains(parts[3])) {
          throw new IllegalArgumentException("bad TYPE");
        }
        if (types.put(parts[2], parts[3]) != null) {
          throw new IllegalArgumentException("second TYPE for " + parts[2]);
        }
      } else if (parts.length >= 3 && parts[1].equals("HELP")) {
        requireName(parts[2]);
      }
      return; // other comments are allowed
    }
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    requireName(name);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i = labels(line, i + 1, labels);
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException("expected a space before the value");
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length < 1 || rest.length > 2) {
      throw new IllegalArgumentException("expected a value and an optional timestamp");
    }
    double value = value(rest[0]);
    if (rest.length == 2) {
      Long.parseLong(rest[1]);
    }
    if (family(name) == null) {
      throw new IllegalArgumentException("sample " + name + " has no # TYPE before it");
    }
    samples.add(new Sample(name, labels, value));
  }

  /** Parses {@code a="x",b="y"}; returns the index after the closing brace. */
  private static int labels(String line, int i, Map<String, String> labels) {
    while (true) {
      if (line.charAt(i) == '}') {
        return i + 1;
      }
      int eq = line.indexOf('=', i);
      String name = line.substring(i, eq);
      if (!LABEL_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("bad label name '" + name + "'");
      }
      if (line.charAt(eq + 1) != '"') {
        throw new IllegalArgumentException("label value must be quoted");
      }
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      while (line.charAt(j) != '"') {
        char c = line.charAt(j);
        if (c == '\\') {
          char next = line.charAt(++j);
          switch (next) {
            case '\\' -> value.append('\\');
            case '"' -> value.append('"');
            case 'n' -> value.append('\n');
            default -> throw new IllegalArgumentException("bad escape \\" + next);
          }
        } else {
          value.append(c);
        }
        j++;
      }
      if (labels.put(name, value.toString()) != null) {
        throw new IllegalArgumentException("label " + name + " twice");
      }
      i = j + 1;
      if (line.charAt(i) == ',') {
        i++;
      } else if (line.charAt(i) != '}') {
        throw new IllegalArgumentException("expected , or } after a label");
      }
    }
  }

  private static double value(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  private static void requireName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad metric name '" + name + "'");
    }
  }

  /** The declared family a sample name belongs to (itself, or itself less a type's suffix). */
  private String family(String name) {
    if (types.containsKey(name)) {
      return name;
    }
    Matcher m = Pattern.compile("(.*)_(total|created|bucket|sum|count)$").matcher(name);
    if (m.matches() && types.containsKey(m.group(1))) {
      String type = types.get(m.group(1));
      String suffix = m.group(2);
      boolean fits =
          switch (type) {
            case "counter" -> suffix.equals("total") || suffix.equals("created");
            case "histogram" -> !suffix.equals("total");
            case "summary" -> !suffix.equals("total") && !suffix.equals("bucket");
            default -> false;
          };
      return fits ? m.group(1) : null;
    }
    return null;
  }

  private void checkHistograms() {
    for (Map.Entry<String, String> family : types.entrySet()) {
      if (!family.getValue().equals("histogram")) {
        continue;
      }
      String name = family.getKey();
      Map<Map<String, String>, List<Sample>> series = new HashMap<>();
      for (Sample s : samples) {
        if (s.name.equals(name + "_bucket")) {
          Map<String, String> key = new HashMap<>(s.labels);
          key.remove("le");
          series.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
        }
      }
      for (Map.Entry<Map<String, String>, List<Sample>> one : series.entrySet()) {
        double previous = 0;
        double previousLe = Double.NEGATIVE_INFINITY;
        for (Sample bucket : one.getValue()) {
          double le = value(bucket.labels.get("le"));
          if (le <= previousLe || bucket.value < previous) {
            throw new IllegalArgumentException(name + ": buckets out of order " + one.getKey());
          }
          previous = bucket.value;
          previousLe = le;
        }
        if (previousLe != Double.POSITIVE_INFINITY) {
          throw new IllegalArgumentException(name + ": no +Inf bucket for " + one.getKey());
        }
        double count = value(name + "_count", one.getKey());
        if (count != previous) {
          throw new IllegalArgumentException(name + ": +Inf bucket " + previous + " != " + count);
        }
      }
    }
  }

  String type(String family) {
    return types.get(family);
  }

  List<Sample> samples() {
    return samples;
  }

  /** The value of the sample with exactly these labels; fails if there is none. */
  double value(String name, Map<String, String> labels) {
    for (Sample s : samples) {
      if (s.name.equals(name) && s.labels.equals(labels)) {
        return s.value;
      }
    }
    throw new AssertionError("no sample " + name + labels);
  }

  /** The value of the sample with these labels, or {@code absent} if there is none. */
  double valueOr(String name, Map<String, String> labels, double absent) {
    for (Sample s : samples) {
      if (s.name.equals(name) && s.labels.equals(labels)) {
        return s.value;
      }
    }
    return absent;
  }
}
