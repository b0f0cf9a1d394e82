package io.sluice.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Log events a test provokes on purpose (a truncated batch, an injected disk failure): declared
 * here, they are captured instead of printed, so that a green build prints only the warnings and
 * errors nobody expected, and the test can assert on what was logged.
 *
 * <pre>{@code
 * ExpectedLogs.Expectation truncated = ExpectedLogs.warn(LogLoader.class, "truncated");
 * ... recover the log ...
 * assertEquals(1, truncated.count());
 * }</pre>
 *
 * <p>An expectation declared in a test method or a {@code @BeforeEach} lasts until the end of that
 * test; one declared in a {@code @BeforeAll} lasts until the end of the class. At its end, an
 * expectation that never matched fails the test (unless it was declared with {@link
 * Expectation#optional()}, for a fault that a seeded run may or may not hit), and it is removed.
 * The module's {@code logback-test.xml} puts {@link ExpectedLogFilter} on its console appender;
 * {@link ExpectedLogsExtension} (auto-detected, like the leak check) ends the expectations.
 *
 * <p>Thread-safe: events arrive on any thread (storage threads, event loops). Tests of one JVM run
 * one at a time (Surefire's default), so the expectations are global.
 */
public final class ExpectedLogs {
  private static final List<Expectation> ACTIVE = new CopyOnWriteArrayList<>();
  private static final AtomicBoolean IN_TEST = new AtomicBoolean();

  private ExpectedLogs() {}

  /** WARN events of {@code logger} (or a logger below it) whose message contains {@code text}. */
  public static Expectation warn(Class<?> logger, String text) {
    return expect("WARN", logger.getName(), text);
  }

  /** ERROR events of {@code logger} (or a logger below it) whose message contains {@code text}. */
  public static Expectation error(Class<?> logger, String text) {
    return expect("ERROR", logger.getName(), text);
  }

  /**
   * Events at {@code level} ({@code WARN} or {@code ERROR}) of the logger named {@code logger} or a
   * logger below it (a package name covers its classes) whose message contains {@code text}.
   */
  public static Expectation expect(String level, String logger, String text) {
    Expectation expectation = new Expectation(level, logger, text, IN_TEST.get());
    ACTIVE.add(expectation);
    return expectation;
  }

  /**
   * Called for every event that reaches a console appender: true if an expectation takes it (it is
   * then counted and not printed).
   */
  static boolean capture(String level, String logger, String message) {
    boolean taken = false;
    for (Expectation expectation : ACTIVE) {
      if (expectation.matches(level, logger, message)) {
        expectation.record(message);
        taken = true;
      }
    }
    return taken;
  }

  static void testStarted() {
    IN_TEST.set(true);
  }

  /** Ends the expectations of a test (or, with {@code test} false, of a class); the unmet ones. */
  static List<String> end(boolean test) {
    IN_TEST.set(false);
    List<String> unmet = new ArrayList<>();
    for (Expectation expectation : ACTIVE) {
      if (expectation.perTest == test) {
        ACTIVE.remove(expectation);
        if (expectation.count() == 0 && !expectation.optional) {
          unmet.add(expectation.toString());
        }
      }
    }
    return unmet;
  }

  /** One declared kind of event; counts and keeps what it captured. Thread-safe. */
  public static final class Expectation {
    private final String level;
    private final String logger;
    private final String text;
    private final boolean perTest;
    private final List<String> messages = new ArrayList<>();
    private volatile boolean optional;

    private Expectation(String level, String logger, String text, boolean perTest) {
      this.level = level;
      this.logger = logger;
      this.text = text;
      this.perTest = perTest;
    }

    /** The event may not happen at all (a seeded fault the run may miss): no failure then. */
    public Expectation optional() {
      optional = true;
      return this;
    }

    /** How many events it captured so far. */
    public synchronized int count() {
      return messages.size();
    }

    /** The messages it captured so far, in order. */
    public synchronized List<String> messages() {
      return List.copyOf(messages);
    }

    private boolean matches(String eventLevel, String eventLogger, String message) {
      return level.equals(eventLevel)
          && (eventLogger.equals(logger) || eventLogger.startsWith(logger + "."))
          && message != null
          && message.contains(text);
    }

    private synchronized void record(String message) {
      messages.add(message);
    }

    @Override
    public String toString() {
      return "expected a " + level + " from " + logger + " containing '" + text + "', got none";
    }
  }
}
