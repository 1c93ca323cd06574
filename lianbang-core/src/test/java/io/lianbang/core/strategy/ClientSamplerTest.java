package io.lianbang.core.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClientSamplerTest {
  private static List<String> ids(int n) {
    List<String> l = new ArrayList<>();
    for (int i = 0; i < n; i++) l.add(String.format("c%03d", i));
    return l;
  }

  @Test
  void samplesFractionWithMinimumWithoutReplacement() {
    ClientSampler s = new ClientSampler(0.1, 2);
    List<String> picked = s.sample(ids(100), new SplittableRandom(1));
    assertEquals(10, picked.size());
    assertEquals(10, new HashSet<>(picked).size());
    assertEquals(2, s.sampleSize(5));
    assertEquals(1, new ClientSampler(0.1, 2).sampleSize(1));
  }

  @Test
  void deterministicPerSeedAndEveryClientGetsPicked() {
    ClientSampler s = new ClientSampler(0.1, 1);
    assertEquals(s.sample(ids(100), new SplittableRandom(5)), s.sample(ids(100), new SplittableRandom(5)));
    assertNotEquals(s.sample(ids(100), new SplittableRandom(5)), s.sample(ids(100), new SplittableRandom(6)));
    HashSet<String> seen = new HashSet<>();
    SplittableRandom rng = new SplittableRandom(9);
    for (int r = 0; r < 200; r++) seen.addAll(s.sample(ids(100), rng));
    assertEquals(100, seen.size());
  }

  @Test
  void rejectsOutOfRange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClientSampler(1.5, 1));
    assertTrue(e.getMessage().contains("1.5"));
    assertThrows(IllegalArgumentException.class, () -> new ClientSampler(0.5, -1));
  }
}
