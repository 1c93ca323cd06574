package io.lianbang.cli.output;

import java.util.Locale;

/** Byte counts for people to read, in decimal units: {@code 812 B}, {@code 12.3 kB}, {@code 4.19 MB}, {@code 1.25 GB}. */
public final class ByteSize {
  private ByteSize() {}

  /** {@code bytes} in the largest decimal unit that keeps the number at least 1. */
  public static String format(long bytes) {
    if (bytes < 1_000) return bytes + " B";
    if (bytes < 1_000_000) return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
    if (bytes < 1_000_000_000) return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
    return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
  }
}
