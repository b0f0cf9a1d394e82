package io.sluice.broker.handler;

import io.sluice.protocol.ApiKey;

/**
 * An {@link ApiHandler} whose API and version range are fixed at construction: the range a handler
 * implements is what ApiVersions advertises, so it is stated once, next to the handler's code.
 */
abstract class VersionedHandler implements ApiHandler {
  private final ApiKey apiKey;
  private final short lowestVersion;
  private final short highestVersion;

  VersionedHandler(ApiKey apiKey, int lowestVersion, int highestVersion) {
    if (lowestVersion < apiKey.lowestVersion() || highestVersion > apiKey.highestVersion()) {
      throw new IllegalArgumentException(
          apiKey + " v" + lowestVersion + "-" + highestVersion + " outside the schema's range");
    }
    this.apiKey = apiKey;
    this.lowestVersion = (short) lowestVersion;
    this.highestVersion = (short) highestVersion;
  }

  @Override
  public final ApiKey apiKey() {
    return apiKey;
  }

  @Override
  public final short lowestVersion() {
    return lowestVersion;
  }

  @Override
  public final short highestVersion() {
    return highestVersion;
  }
}
