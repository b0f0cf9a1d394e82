package io.sluice.broker.storage;

/**
 * File names inside a partition directory, as Kafka names them: the segment's base offset zero
 * padded to 20 digits, then {@code .log}, {@code .index} or {@code .timeindex}.
 */
final class LogFiles {
  static final String LOG_SUFFIX = ".log";
  static final String INDEX_SUFFIX = ".index";
  static final String TIME_INDEX_SUFFIX = ".timeindex";
  static final String DELETED_SUFFIX = ".deleted";
  static final String TEMP_SUFFIX = ".tmp";
  static final String CLEAN_SHUTDOWN = ".kafka_cleanshutdown";
  static final String LOCK = ".lock";
  static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
  static final String LOG_START_CHECKPOINT = "log-start-offset-checkpoint";
  static final String CLEANER_CHECKPOINT = "cleaner-offset-checkpoint";
  static final String DELETE_DIR_SUFFIX = "-delete";

  private LogFiles() {}

  static String logName(long baseOffset) {
    return pad(baseOffset) + LOG_SUFFIX;
  }

  static String indexName(long baseOffset) {
    return pad(baseOffset) + INDEX_SUFFIX;
  }

  static String timeIndexName(long baseOffset) {
    return pad(baseOffset) + TIME_INDEX_SUFFIX;
  }

  private static String pad(long offset) {
    return String.format("%020d", offset);
  }

  /** The base offset of a file named {@code <20 digits><suffix>}, or -1 when it is not one. */
  static long baseOffset(String fileName, String suffix) {
    if (!fileName.endsWith(suffix) || fileName.length() != 20 + suffix.length()) {
      return -1;
    }
    for (int i = 0; i < 20; i++) {
      if (!Character.isDigit(fileName.charAt(i))) {
        return -1;
      }
    }
    return Long.parseLong(fileName.substring(0, 20));
  }
}
