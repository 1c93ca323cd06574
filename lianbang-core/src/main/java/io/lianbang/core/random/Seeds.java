package io.lianbang.core.random;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Derives independent seeds from a run seed, so that every random choice in a run (client
 * sampling per round, shuffling per client and round, initialisation) is a pure function of the
 * run seed and the choice's coordinates, whatever the thread count or arrival order.
 *
 * <p>Mixing uses the SplitMix64 finaliser ({@link SplitMix64#mix}; Steele, Lea &amp; Flood, "Fast
 * splittable pseudorandom number generators", OOPSLA 2014), applied once per coordinate.
 */
public final class Seeds {
  private Seeds() {}

  /**
   * A seed for the purpose {@code label} at the coordinates {@code path} (e.g. round, client
   * index) of the run seeded with {@code runSeed}.
   */
  public static long derive(long runSeed, String label, long... path) {
    long h = SplitMix64.mix(runSeed ^ SplitMix64.GOLDEN_GAMMA);
    for (byte b : label.getBytes(StandardCharsets.UTF_8)) {
      h = SplitMix64.mix(h ^ (b & 0xff));
    }
    for (long p : path) {
      h = SplitMix64.mix(h + SplitMix64.GOLDEN_GAMMA + p);
    }
    return h;
  }

  /** A generator seeded with {@link #derive}. */
  public static SplittableRandom random(long runSeed, String label, long... path) {
    return new SplittableRandom(derive(runSeed, label, path));
  }
}
