package io.lianbang.core.text;

/**
 * Values quoted in error messages, kept short: a configuration value, a file's content or a
 * peer's string may be megabytes long, and a message quotes only its beginning and its length.
 */
public final class Abbreviation {
  /** Values up to this many characters are quoted whole. */
  public static final int MAX_CHARS = 80;
  private static final int HEAD_CHARS = 60;

  private Abbreviation() {}

  /**
   * {@code value} with control characters shown as {@code ?}, and, if it is longer than {@link
   * #MAX_CHARS}, cut to its first characters followed by {@code "... (N characters)"}; {@code
   * "null"} for null.
   */
  public static String abbreviate(String value) {
    if (value == null) return "null";
    int n = value.length();
    String shown = n <= MAX_CHARS ? value : value.substring(0, Character.isHighSurrogate(value.charAt(HEAD_CHARS - 1))
        ? HEAD_CHARS - 1 : HEAD_CHARS);
    StringBuilder sb = new StringBuilder(shown.length() + 24);
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      sb.append(Character.isISOControl(c) ? '?' : c);
    }
    if (n > MAX_CHARS) sb.append("... (").append(n).append(" characters)");
    return sb.toString();
  }
}
