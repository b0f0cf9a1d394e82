package io.sluice.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Ends the {@link ExpectedLogs} expectations of each test (after its {@code @AfterEach} methods)
 * and of each class, failing it when a required one never matched. Registered for every test class
 * by JUnit's extension auto-detection ({@code META-INF/services} in protocol's test jar).
 */
public final class ExpectedLogsExtension
    implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  @Override
  public void beforeEach(ExtensionContext context) {
    ExpectedLogs.testStarted();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    fail(ExpectedLogs.end(true), context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    fail(ExpectedLogs.end(false), context);
  }

  private static void fail(List<String> unmet, ExtensionContext context) {
    if (!unmet.isEmpty()) {
      throw new AssertionError(context.getDisplayName() + ": " + String.join("; ", unmet));
    }
  }
}
