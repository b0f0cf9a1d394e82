package io.sluice.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when a Netty buffer leak is found while it ran: after its last test, garbage
 * is collected and every leak {@link RecordingLeakDetector} recorded since the previous class is an
 * error naming the buffer's last accesses. Registered for every test class of every module by
 * JUnit's extension auto-detection ({@code META-INF/services} in this module's test jar). A leak
 * the collector finds only later fails the class running then; either way the build fails.
 */
public final class LeakCheckExtension implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (!RecordingLeakDetector.installed()) {
      return;
    }
    List<String> leaks = RecordingLeakDetector.collect();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size()
              + " Netty buffer leak(s) found after "
              + context.getDisplayName()
              + ":\n"
              + String.join("\n", leaks));
    }
  }
}
