package org.apache.kafka.common.utils;

/**
 * Test-only bridge for Kafka's FileStream connectors 4.3.0 (connect-file 4.4.0 is not served by the
 * registry this project builds from): their {@code version()} methods call {@code
 * AppInfoParser.getVersion()} in this package, which kafka-clients 4.4 moved to {@code
 * org.apache.kafka.common.utils.internals}. That one call is the only reference of connect-file
 * 4.3.0 that kafka-clients 4.4 lacks; this class answers it with the 4.4 clients' version.
 */
public final class AppInfoParser {
  private AppInfoParser() {}

  /** The version of the kafka-clients on the class path, as the moved class reports it. */
  public static String getVersion() {
    return org.apache.kafka.common.utils.internals.AppInfoParser.getVersion();
  }
}
