package io.sluice.protocol.sasl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One login module entry in Kafka's {@code sasl.jaas.config} syntax, for example {@code
 * org.apache.kafka.common.security.plain.PlainLoginModule required username="admin"
 * password="admin-secret" user_alice="alice-secret";}: the module's class name, a control flag
 * ({@code required}, {@code requisite}, {@code sufficient} or {@code optional}), options as {@code
 * name=value} with the value in double quotes (a backslash escapes the next character) or a bare
 * word, and a closing semicolon. Exactly one entry; nothing may follow it. Parsing is strict: every
 * deviation is an {@link IllegalArgumentException} saying where, and never quoting a value (values
 * are passwords). Immutable; thread-safe.
 *
 * @param loginModule the class name, e.g. {@code
 *     org.apache.kafka.common.security.scram.ScramLoginModule}
 * @param options the options in the order given
 */
public record JaasConfig(String loginModule, String controlFlag, Map<String, String> options) {
  public static final String PLAIN_LOGIN_MODULE =
      "org.apache.kafka.common.security.plain.PlainLoginModule";
  public static final String SCRAM_LOGIN_MODULE =
      "org.apache.kafka.common.security.scram.ScramLoginModule";

  public JaasConfig {
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** Parses one entry; IllegalArgumentException with the reason and the character offset. */
  public static JaasConfig parse(String text) {
    Parser p = new Parser(text);
    String module = p.word("a login module class name");
    String flag = p.word("a control flag");
    if (!flag.equals("required")
        && !flag.equals("requisite")
        && !flag.equals("sufficient")
        && !flag.equals("optional")) {
      throw p.fail(
          "unknown control flag '" + flag + "' (required, requisite, sufficient, optional)");
    }
    Map<String, String> options = new LinkedHashMap<>();
    while (true) {
      p.skipSpace();
      if (p.atEnd()) {
        throw p.fail("missing ';' at the end");
      }
      if (p.peek() == ';') {
        p.pos++;
        break;
      }
      String name = p.word("an option name");
      p.skipSpace();
      if (p.atEnd() || p.peek() != '=') {
        throw p.fail("expected '=' after option " + name);
      }
      p.pos++;
      p.skipSpace();
      String value = p.value(name);
      if (options.put(name, value) != null) {
        throw p.fail("option " + name + " appears twice");
      }
    }
    p.skipSpace();
    if (!p.atEnd()) {
      throw p.fail("unexpected text after ';' (one login module only)");
    }
    return new JaasConfig(module, flag, options);
  }

  /** An option's value, or null. */
  public String option(String name) {
    return options.get(name);
  }

  @Override
  public String toString() {
    return loginModule + " " + controlFlag + " (options " + options.keySet() + ")";
  }

  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    boolean atEnd() {
      return pos >= text.length();
    }

    char peek() {
      return text.charAt(pos);
    }

    void skipSpace() {
      while (!atEnd() && Character.isWhitespace(peek())) {
        pos++;
      }
    }

    String word(String what) {
      skipSpace();
      int start = pos;
      while (!atEnd() && isWordChar(peek())) {
        pos++;
      }
      if (start == pos) {
        throw fail("expected " + what);
      }
      return text.substring(start, pos);
    }

    String value(String option) {
      if (atEnd()) {
        throw fail("missing value of option " + option);
      }
      if (peek() != '"') {
        return word("the value of option " + option);
      }
      pos++;
      StringBuilder out = new StringBuilder();
      while (true) {
        if (atEnd()) {
          throw fail("unterminated quoted value of option " + option);
        }
        char c = text.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\') {
          if (atEnd()) {
            throw fail("unterminated quoted value of option " + option);
          }
          c = text.charAt(pos++);
        }
        out.append(c);
      }
    }

    private static boolean isWordChar(char c) {
      return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c == '$';
    }

    IllegalArgumentException fail(String why) {
      return new IllegalArgumentException(why + " (at character " + pos + ")");
    }
  }
}
