package io.sluice.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses byte sizes: a plain number, or a number with a binary unit (KiB, MiB, GiB; also k, m, g
 * and KB, MB, GB, all read as powers of 1024).
 */
final class SizeConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    return parse(value);
  }

  static long parse(String value) {
    String s = value.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    String digits = s;
    if (s.endsWith("kib") || s.endsWith("kb") || s.endsWith("k")) {
      unit = 1024;
    } else if (s.endsWith("mib") || s.endsWith("mb") || s.endsWith("m")) {
      unit = 1024 * 1024;
    } else if (s.endsWith("gib") || s.endsWith("gb") || s.endsWith("g")) {
      unit = 1024 * 1024 * 1024;
    }
    if (unit > 1) {
      digits = s.replaceAll("[a-z]+$", "");
    }
    try {
      long number = Long.parseLong(digits);
      if (number <= 0) {
        throw new TypeConversionException("size must be positive: " + value);
      }
      return Math.multiplyExact(number, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new TypeConversionException("not a size: " + value);
    }
  }

  static String format(long bytes) {
    if (bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + " MiB";
    }
    if (bytes % 1024 == 0) {
      return bytes / 1024 + " KiB";
    }
    return bytes + " bytes";
  }
}
