package io.lianbang.sim.attack;

import io.lianbang.core.random.Seeds;
import java.util.BitSet;
import java.util.SplittableRandom;

/** Chooses the malicious clients of a run: {@code round(fraction · n)} of them, from the run seed alone. */
public final class Attackers {
  private Attackers() {}

  /**
   * @return the indices of the malicious clients among {@code 0..n-1}
   * @throws IllegalArgumentException if fraction is outside [0, 1]
   */
  public static BitSet choose(int n, double fraction, long runSeed) {
    if (!(fraction >= 0 && fraction <= 1)) throw new IllegalArgumentException("attack.fraction must be in [0, 1], got " + fraction);
    int k = (int) Math.round(fraction * n);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    SplittableRandom rng = Seeds.random(runSeed, "attackers");
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    BitSet out = new BitSet(n);
    for (int i = 0; i < k; i++) out.set(order[i]);
    return out;
  }
}
