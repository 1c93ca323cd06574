package io.lianbang.core.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RequireTest {
  /** An enum whose words differ from its constant names, like the configuration kinds. */
  private enum Colour {
    DARK_RED, BLUE;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static String message(Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }

  @Test
  void numbersInRangePassThrough() {
    assertEquals(0.5, Require.positive("a", 0.5));
    assertEquals(0.0, Require.nonNegative("a", 0.0));
    assertEquals(3, Require.atLeast("a", 3, 3));
    assertEquals(1L << 40, Require.atLeast("a", 1L << 40, 1L));
    assertEquals(7L, Require.inRange("a", 7, 7, 9));
    assertEquals(1.0, Require.unitInterval("a", 1.0, false));
    assertEquals(0.0, Require.unitInterval("a", 0.0, true));
    assertEquals(Duration.ofMillis(1), Require.positive("d", Duration.ofMillis(1)));
  }

  @Test
  void messagesNameTheFieldAndTheValue() {
    assertEquals("x.alpha must be > 0, got 0.0", message(() -> Require.positive("x.alpha", 0)));
    assertEquals("x.alpha must be > 0, got Infinity", message(() -> Require.positive("x.alpha", Double.POSITIVE_INFINITY)));
    assertEquals("x.alpha must be > 0, got NaN", message(() -> Require.positive("x.alpha", Double.NaN)));
    assertEquals("x.std must be >= 0, got -0.5", message(() -> Require.nonNegative("x.std", -0.5)));
    assertEquals("x.std must be >= 0, got Infinity", message(() -> Require.nonNegative("x.std", Double.POSITIVE_INFINITY)));
    assertEquals("rounds must be >= 1, got 0", message(() -> Require.atLeast("rounds", 0, 1)));
    assertEquals("n must be >= 2, got -9223372036854775808", message(() -> Require.atLeast("n", Long.MIN_VALUE, 2L)));
    assertEquals("m must be in [1, 1099511627776], got 1099511627777",
        message(() -> Require.inRange("m", (1L << 40) + 1, 1, 1L << 40)));
    assertEquals("m must be in [1, 10], got 0", message(() -> Require.inRange("m", 0, 1, 10)));
    assertEquals("q must be in (0, 1], got 0.0", message(() -> Require.unitInterval("q", 0, false)));
    assertEquals("q must be in [0, 1], got 1.5", message(() -> Require.unitInterval("q", 1.5, true)));
    assertEquals("q must be in [0, 1], got NaN", message(() -> Require.unitInterval("q", Double.NaN, true)));
    assertEquals("t must be positive, got PT0S", message(() -> Require.positive("t", Duration.ZERO)));
    assertEquals("t must be positive, got PT-1S", message(() -> Require.positive("t", Duration.ofSeconds(-1))));
    assertEquals("t", assertThrows(NullPointerException.class, () -> Require.positive("t", (Duration) null)).getMessage());
    assertEquals("a b must be > 0 and finite, got NaN", message(() -> Require.that(false, "a b", "> 0 and finite", Double.NaN)));
  }

  @Test
  void wordsAreTheEnumsToString() {
    assertArrayEquals(new String[] {"dark_red", "blue"}, Require.words(Colour.class));
    assertSame(Colour.DARK_RED, Require.word("c", "dark_red", Colour.class));
    assertSame(Colour.BLUE, Require.oneOf("c", Colour.BLUE, Colour.class));
    assertEquals("s", Require.oneOf("f", "s", "r", "s"));
  }

  @Test
  void unknownWordsListTheValidOnes() {
    assertEquals("c must be one of dark_red, blue, got DARK_RED", message(() -> Require.word("c", "DARK_RED", Colour.class)));
    assertEquals("c must be one of dark_red, blue, got null", message(() -> Require.word("c", null, Colour.class)));
    assertEquals("c must be one of dark_red, blue, got null", message(() -> Require.oneOf("c", (Colour) null, Colour.class)));
    assertEquals("f must be one of r, s, got t", message(() -> Require.oneOf("f", "t", "r", "s")));
    String shown = message(() -> Require.oneOf("f", "x".repeat(100_000), "r"));
    assertTrue(shown.length() < 300 && shown.contains("100000 characters"), shown);
  }
}
