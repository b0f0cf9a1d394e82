package io.sluice.broker.metadata;

/** Kafka's topic-name rules: 1..249 of {@code [a-zA-Z0-9._-]}, not "." or "..". */
public final class TopicNames {
  private static final int MAX_LENGTH = 249;

  private TopicNames() {}

  public static boolean isValid(String name) {
    return name != null
        && !name.isEmpty()
        && name.length() <= MAX_LENGTH
        && !name.equals(".")
        && !name.equals("..")
        && hasLegalCharacters(name);
  }

  // A loop rather than a regex: this runs for every topic of every produce and fetch request,
  // where the regex showed up in profiles at 2-6% of broker samples.
  private static boolean hasLegalCharacters(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean legal =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!legal) {
        return false;
      }
    }
    return true;
  }
}
