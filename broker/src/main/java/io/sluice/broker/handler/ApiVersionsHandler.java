package io.sluice.broker.handler;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ApiVersionsRequest;
import io.sluice.protocol.message.ApiVersionsResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Advertises the version range each handler implements, except that Produce starts at v0 as in
 * Kafka 4 (see {@link LegacyProduce}). A request for a version this broker does not implement is
 * not parsed: it gets {@code UNSUPPORTED_VERSION} in a v0 body (the response header is v0 for
 * ApiVersions whatever the version), which is how clients negotiate down.
 */
final class ApiVersionsHandler extends VersionedHandler {
  static final short LOWEST = 0;
  static final short HIGHEST = 4;

  private final List<ApiVersionsResponse.ApiVersion> advertised;

  ApiVersionsHandler(List<ApiHandler> others) {
    // v5 adds cluster and node id checks (KIP-1242), not implemented.
    super(ApiKey.API_VERSIONS, LOWEST, HIGHEST);
    List<ApiVersionsResponse.ApiVersion> versions = new ArrayList<>();
    versions.add(version(apiKey(), LOWEST, HIGHEST));
    for (ApiHandler handler : others) {
      versions.add(
          version(handler.apiKey(), handler.advertisedLowestVersion(), handler.highestVersion()));
    }
    versions.sort((a, b) -> Short.compare(a.apiKey(), b.apiKey()));
    this.advertised = List.copyOf(versions);
  }

  private static ApiVersionsResponse.ApiVersion version(ApiKey key, short low, short high) {
    return new ApiVersionsResponse.ApiVersion()
        .setApiKey(key.id())
        .setMinVersion(low)
        .setMaxVersion(high);
  }

  /** Every version reaches {@link #handle}: the unsupported ones are answered, not closed. */
  @Override
  public boolean accepts(short version) {
    return true;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    ApiVersionsResponse response =
        new ApiVersionsResponse().setApiKeys(new ArrayList<>(advertised));
    if (version < LOWEST || version > HIGHEST) {
      response.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
      responder.respond(response, (short) 0);
      return;
    }
    ApiVersionsRequest.read(request.reader(), version);
    responder.respond(response, version);
  }
}
