package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lianbang.core.federation.RunResult;
import java.util.Map;

/**
 * Two federations that must agree bit for bit: the same aggregate after every round (as a client
 * evaluated it, by round), the same final model and the same history apart from timing.
 */
final class SameRun {
  private SameRun() {}

  /** Checks the {@code mixed} run (with Python clients) against the {@code java} one of {@code rounds} rounds. */
  static void assertSameRun(int rounds, RunResult java, Map<Integer, float[]> javaAggregates, RunResult mixed,
      Map<Integer, float[]> mixedAggregates) {
    assertEquals(rounds, javaAggregates.size());
    assertEquals(javaAggregates.keySet(), mixedAggregates.keySet());
    for (int round : javaAggregates.keySet()) {
      assertArrayEquals(javaAggregates.get(round), mixedAggregates.get(round), "the aggregate of round " + round);
    }
    assertArrayEquals(java.parameters().flatten(), mixed.parameters().flatten(), "the final model");
    assertEquals(java.history().withoutTiming(), mixed.history().withoutTiming());
  }
}
