package io.sluice.client.testing;

import io.sluice.client.GroupAdmin;
import io.sluice.client.SluiceClientException;
import io.sluice.protocol.Errors;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/** Skips a test when the broker under test does not speak the consumer-group APIs. */
public final class GroupSupport {
  private GroupSupport() {}

  /** Aborts the calling test unless the broker at {@code bootstrap} answers ListGroups. */
  public static void assumeGroupApis(String bootstrap) {
    try (GroupAdmin admin = new GroupAdmin(bootstrap, Duration.ofSeconds(10))) {
      admin.listGroups();
    } catch (SluiceClientException e) {
      if (e.error() == Errors.UNSUPPORTED_VERSION) {
        Assumptions.abort("the broker does not support the group APIs: " + e.getMessage());
      }
      throw e;
    }
  }
}
