package io.sluice.broker.config;

/** A configuration key that is unknown or has a bad value; the message names the key and value. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
