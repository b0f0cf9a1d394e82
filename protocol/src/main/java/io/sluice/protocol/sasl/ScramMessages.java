package io.sluice.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The four SCRAM messages of RFC 5802 section 7, as Kafka exchanges them in SaslAuthenticate
 * tokens: parsing (strict: anything that does not match the grammar is an {@link
 * IllegalArgumentException} with a short reason, never an echo of the input) and formatting. Only
 * the channel-binding flag {@code n} is accepted: Kafka's SCRAM has no channel binding. Immutable
 * values; thread-safe.
 */
public final class ScramMessages {
  private ScramMessages() {}

  // value-char (RFC 5802): any printable ASCII or UTF-8 except ','; saslname also excludes '='
  // unless escaped as =2C or =3D.
  private static final String VALUE = "[^,]*";
  private static final String PRINTABLE = "[\\x21-\\x2b\\x2d-\\x7e]+";
  private static final String BASE64 = "[A-Za-z0-9+/]*={0,2}";
  private static final Pattern CLIENT_FIRST =
      Pattern.compile(
          "(n,(?:a=("
              + VALUE
              + "))?,)n=("
              + VALUE
              + "),r=("
              + PRINTABLE
              + ")((?:,[a-zA-Z0-9]+="
              + VALUE
              + ")*)");
  private static final Pattern SERVER_FIRST =
      Pattern.compile("r=(" + PRINTABLE + "),s=(" + BASE64 + "),i=([0-9]{1,9})(?:,.*)?");
  private static final Pattern CLIENT_FINAL =
      Pattern.compile("(c=(" + BASE64 + "),r=(" + PRINTABLE + ")),p=(" + BASE64 + ")");
  private static final Pattern SERVER_FINAL =
      Pattern.compile("(?:v=(" + BASE64 + ")|e=(" + VALUE + "))");

  /**
   * {@code gs2-header client-first-message-bare}.
   *
   * @param gs2Header {@code n,,} or {@code n,a=<authzid>,}
   * @param authorizationId the {@code a=} user, or null
   * @param userName the decoded {@code n=} user ({@code =2C} and {@code =3D} unescaped)
   * @param extensions the Kafka extensions after the nonce ({@code key=value}), in order
   */
  public record ClientFirst(
      String gs2Header,
      String authorizationId,
      String userName,
      String nonce,
      Map<String, String> extensions) {

    public ClientFirst {
      extensions = Map.copyOf(extensions);
    }

    /** Parses a client's first token; IllegalArgumentException if it is not one. */
    public static ClientFirst parse(byte[] token) {
      Matcher m = CLIENT_FIRST.matcher(new String(token, StandardCharsets.UTF_8));
      if (!m.matches()) {
        throw new IllegalArgumentException("not a SCRAM client-first message");
      }
      Map<String, String> extensions = new LinkedHashMap<>();
      String ext = m.group(5);
      if (!ext.isEmpty()) {
        for (String item : ext.substring(1).split(",")) {
          int eq = item.indexOf('=');
          extensions.put(item.substring(0, eq), item.substring(eq + 1));
        }
      }
      String authzid = m.group(2);
      return new ClientFirst(
          m.group(1),
          authzid == null || authzid.isEmpty() ? null : decodeName(authzid),
          decodeName(m.group(3)),
          m.group(4),
          extensions);
    }

    /** {@code client-first-message-bare}: what the AuthMessage starts with. */
    public String bare() {
      StringBuilder out = new StringBuilder("n=").append(encodeName(userName));
      out.append(",r=").append(nonce);
      extensions.forEach((k, v) -> out.append(',').append(k).append('=').append(v));
      return out.toString();
    }

    public byte[] toBytes() {
      return (gs2Header + bare()).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** {@code r=<nonce>,s=<salt>,i=<iterations>}. */
  public record ServerFirst(String nonce, byte[] salt, int iterations) {
    public static ServerFirst parse(byte[] token) {
      Matcher m = SERVER_FIRST.matcher(new String(token, StandardCharsets.UTF_8));
      if (!m.matches()) {
        throw new IllegalArgumentException("not a SCRAM server-first message");
      }
      return new ServerFirst(
          m.group(1), Base64.getDecoder().decode(m.group(2)), Integer.parseInt(m.group(3)));
    }

    public String text() {
      return "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + iterations;
    }

    public byte[] toBytes() {
      return text().getBytes(StandardCharsets.UTF_8);
    }
  }

  /** {@code c=<channel binding>,r=<nonce>,p=<proof>}. */
  public record ClientFinal(byte[] channelBinding, String nonce, byte[] proof) {
    public static ClientFinal parse(byte[] token) {
      Matcher m = CLIENT_FINAL.matcher(new String(token, StandardCharsets.UTF_8));
      if (!m.matches()) {
        throw new IllegalArgumentException("not a SCRAM client-final message");
      }
      Base64.Decoder b64 = Base64.getDecoder();
      return new ClientFinal(b64.decode(m.group(2)), m.group(3), b64.decode(m.group(4)));
    }

    /** {@code client-final-message-without-proof}: the last part of the AuthMessage. */
    public String withoutProof() {
      return "c=" + Base64.getEncoder().encodeToString(channelBinding) + ",r=" + nonce;
    }

    public byte[] toBytes() {
      return (withoutProof() + ",p=" + Base64.getEncoder().encodeToString(proof))
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  /** {@code v=<server signature>} or {@code e=<error>}; exactly one of the two is non-null. */
  public record ServerFinal(byte[] serverSignature, String error) {
    public static ServerFinal parse(byte[] token) {
      Matcher m = SERVER_FINAL.matcher(new String(token, StandardCharsets.UTF_8));
      if (!m.matches()) {
        throw new IllegalArgumentException("not a SCRAM server-final message");
      }
      return m.group(1) != null
          ? new ServerFinal(Base64.getDecoder().decode(m.group(1)), null)
          : new ServerFinal(null, m.group(2));
    }

    public byte[] toBytes() {
      String text =
          serverSignature != null
              ? "v=" + Base64.getEncoder().encodeToString(serverSignature)
              : "e=" + error;
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }

  /** {@code AuthMessage = client-first-bare + "," + server-first + "," + client-final-no-proof}. */
  public static byte[] authMessage(ClientFirst first, ServerFirst serverFirst, ClientFinal last) {
    return (first.bare() + "," + serverFirst.text() + "," + last.withoutProof())
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A user name as a saslname: {@code =} as {@code =3D}, {@code ,} as {@code =2C}. */
  public static String encodeName(String name) {
    return name.replace("=", "=3D").replace(",", "=2C");
  }

  /** The inverse of {@link #encodeName}; an {@code =} not starting an escape is refused. */
  public static String decodeName(String saslName) {
    StringBuilder out = new StringBuilder(saslName.length());
    for (int i = 0; i < saslName.length(); i++) {
      char c = saslName.charAt(i);
      if (c != '=') {
        out.append(c);
      } else if (saslName.startsWith("=2C", i)) {
        out.append(',');
        i += 2;
      } else if (saslName.startsWith("=3D", i)) {
        out.append('=');
        i += 2;
      } else {
        throw new IllegalArgumentException("invalid escape in a SCRAM user name");
      }
    }
    return out.toString();
  }
}
