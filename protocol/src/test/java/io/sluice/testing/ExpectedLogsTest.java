package io.sluice.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An expected event is captured and hidden, any other passes, an unmet expectation is reported. */
class ExpectedLogsTest {
  private static final String LOGGER = "io.sluice.example.Loader";
  private final LoggerContext context = new LoggerContext();
  private final ExpectedLogFilter filter = new ExpectedLogFilter();

  @Test
  void filter_expectedEventDenied_othersPass_countsAndMessagesKept() {
    ExpectedLogs.Expectation truncated = ExpectedLogs.expect("WARN", "io.sluice.example", "torn");

    assertEquals(FilterReply.DENY, filter.decide(event(LOGGER, Level.WARN, "torn tail at 42")));
    assertEquals(FilterReply.NEUTRAL, filter.decide(event(LOGGER, Level.WARN, "disk full")));
    assertEquals(FilterReply.NEUTRAL, filter.decide(event(LOGGER, Level.ERROR, "torn tail")));
    assertEquals(
        FilterReply.NEUTRAL, filter.decide(event("io.sluice.examples.X", Level.WARN, "torn")));
    assertEquals(FilterReply.DENY, filter.decide(event(LOGGER, Level.WARN, "torn again")));

    assertEquals(2, truncated.count());
    assertEquals(List.of("torn tail at 42", "torn again"), truncated.messages());
  }

  @Test
  void end_unmetRequiredExpectationReported_optionalNot() {
    ExpectedLogs.testStarted();
    ExpectedLogs.expect("ERROR", LOGGER, "never logged");
    ExpectedLogs.expect("WARN", LOGGER, "maybe").optional();
    ExpectedLogs.Expectation met = ExpectedLogs.expect("WARN", LOGGER, "logged");
    filter.decide(event(LOGGER, Level.WARN, "logged once"));

    List<String> unmet = ExpectedLogs.end(true);

    assertEquals(
        List.of("expected a ERROR from " + LOGGER + " containing 'never logged', got none"), unmet);
    assertEquals(1, met.count());
    // Ended: the same event now passes to the console.
    assertEquals(FilterReply.NEUTRAL, filter.decide(event(LOGGER, Level.WARN, "logged again")));
    ExpectedLogs.testStarted(); // the extension's afterEach ends this test's (now empty) set
  }

  private LoggingEvent event(String loggerName, Level level, String message) {
    Logger logger = context.getLogger(loggerName);
    return new LoggingEvent(Logger.class.getName(), logger, level, message, null, null);
  }
}
