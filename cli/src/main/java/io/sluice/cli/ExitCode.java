package io.sluice.cli;

/**
 * The exit codes of {@code sluice}, which scripts may rely on: they never change meaning.
 *
 * <ul>
 *   <li>0: the command did what was asked;
 *   <li>1: the command ran and failed (an unknown topic, a topic that exists, a record refused);
 *   <li>2: the command line is wrong (an unknown option, a missing argument, a bad value);
 *   <li>3: the broker could not be reached, or did not answer in time.
 * </ul>
 */
final class ExitCode {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int UNREACHABLE = 3;

  private ExitCode() {}
}
