package io.lianbang.core.random;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Derives independent seeds from a run seed, so that every random choice in a run (client
 * sampling per round, shuffling per client and round, initialisation) is a pure function of the
 * run seed and the choice's coordinates, whatever the thread count or arrival order.
 *
 * <p>Mixing uses the SplitMix64 finaliser (Steele, Lea &amp; Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014), applied once per coordinate.
 */
public final class Seeds {
  private Seeds() {}

  /**
   * A seed for the purpose {@code label} at the coordinates {@code path} (e.g. round, client
   * index) of the run seeded with {@code runSeed}.
   */
  public static long derive(long runSeed, String label, long... path) {
    long h = mix(runSeed ^ 0x9E3779B97F4A7C15L);
    for (byte b : label.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ (b & 0xff));
    }
    for (long p : path) {
      h = mix(h + 0x9E3779B97F4A7C15L + p);
    }
    return h;
  }

  /** A generator seeded with {@link #derive}. */
  public static SplittableRandom random(long runSeed, String label, long... path) {
    return new SplittableRandom(derive(runSeed, label, path));
  }

  /** The SplitMix64 output function. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
