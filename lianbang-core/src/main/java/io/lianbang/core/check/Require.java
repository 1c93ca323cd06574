package io.lianbang.core.check;

import io.lianbang.core.text.Abbreviation;
import java.time.Duration;
import java.util.Objects;

/**
 * Checks of settings and arguments. Each throws an {@link IllegalArgumentException} whose message
 * names the field (a YAML path such as {@code partition.num_clients}, or a parameter name) and the
 * value, in the form {@code <field> must be <range>, got <value>}.
 */
public final class Require {
  private Require() {}

  /**
   * Checks a condition on a value.
   *
   * @param holds whether the value is acceptable
   * @param field the setting's name
   * @param mustBe the acceptable values as the message states them, e.g. {@code in [0, 1)}
   * @param got the value, shown in the message
   * @throws IllegalArgumentException {@code <field> must be <mustBe>, got <got>} if {@code holds} is false
   */
  public static void that(boolean holds, String field, String mustBe, Object got) {
    if (!holds) throw new IllegalArgumentException(field + " must be " + mustBe + ", got " + got);
  }

  /** {@code value} if it is finite and above 0; otherwise {@code <field> must be > 0, got <value>}. */
  public static double positive(String field, double value) {
    that(value > 0 && Double.isFinite(value), field, "> 0", value);
    return value;
  }

  /** {@code value} if it is finite and at least 0; otherwise {@code <field> must be >= 0, got <value>}. */
  public static double nonNegative(String field, double value) {
    that(value >= 0 && Double.isFinite(value), field, ">= 0", value);
    return value;
  }

  /** {@code value} if it is longer than zero; otherwise {@code <field> must be positive, got <value>} (null names the field). */
  public static Duration positive(String field, Duration value) {
    Objects.requireNonNull(value, field);
    that(!value.isNegative() && !value.isZero(), field, "positive", value);
    return value;
  }

  /** {@code value} if it is at least {@code min}; otherwise {@code <field> must be >= <min>, got <value>}. */
  public static int atLeast(String field, int value, int min) {
    that(value >= min, field, ">= " + min, value);
    return value;
  }

  /** {@code value} if it is at least {@code min}; otherwise {@code <field> must be >= <min>, got <value>}. */
  public static long atLeast(String field, long value, long min) {
    that(value >= min, field, ">= " + min, value);
    return value;
  }

  /** {@code value} if it is in [{@code min}, {@code max}]; otherwise {@code <field> must be in [<min>, <max>], got <value>}. */
  public static long inRange(String field, long value, long min, long max) {
    that(value >= min && value <= max, field, "in [" + min + ", " + max + "]", value);
    return value;
  }

  /**
   * {@code value} if it is in [0, 1] ({@code includeZero}) or (0, 1]; otherwise
   * {@code <field> must be in [0, 1], got <value>} (or {@code (0, 1]}).
   */
  public static double unitInterval(String field, double value, boolean includeZero) {
    that((includeZero ? value >= 0 : value > 0) && value <= 1, field, "in " + (includeZero ? "[0, 1]" : "(0, 1]"), value);
    return value;
  }

  /** {@code value} if it is one of {@code allowed}; otherwise {@code <field> must be one of a, b, c, got <value>} (abbreviated). */
  public static String oneOf(String field, String value, String... allowed) {
    for (String a : allowed) {
      if (a.equals(value)) return value;
    }
    throw notOneOf(field, value, allowed);
  }

  /**
   * {@code value} if it is set; otherwise {@code <field> must be one of a, b, c, got null}, listing
   * the constants of {@code type} by their {@link #words}.
   */
  public static <E extends Enum<E>> E oneOf(String field, E value, Class<E> type) {
    if (value == null) throw notOneOf(field, null, words(type));
    return value;
  }

  /**
   * The constant of {@code type} whose {@code toString()} is {@code word}.
   *
   * @throws IllegalArgumentException {@code <field> must be one of a, b, c, got <word>} if none is
   */
  public static <E extends Enum<E>> E word(String field, String word, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.toString().equals(word)) return e;
    }
    throw notOneOf(field, word, words(type));
  }

  /** The words of {@code type}'s constants ({@code toString()}), in declaration order. */
  public static String[] words(Class<? extends Enum<?>> type) {
    Enum<?>[] constants = type.getEnumConstants();
    String[] out = new String[constants.length];
    for (int i = 0; i < out.length; i++) out[i] = constants[i].toString();
    return out;
  }

  private static IllegalArgumentException notOneOf(String field, String value, String... allowed) {
    return new IllegalArgumentException(field + " must be one of " + String.join(", ", allowed) + ", got " + Abbreviation.abbreviate(value));
  }
}
