package io.sluice.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * The filter of the test console appender ({@code logback-test.xml}): an event a test declared with
 * {@link ExpectedLogs} is captured there and not printed (its stack trace neither); every other
 * event goes on to the console.
 */
public final class ExpectedLogFilter extends Filter<ILoggingEvent> {
  @Override
  public FilterReply decide(ILoggingEvent event) {
    return ExpectedLogs.capture(
            event.getLevel().toString(), event.getLoggerName(), event.getFormattedMessage())
        ? FilterReply.DENY
        : FilterReply.NEUTRAL;
  }
}
