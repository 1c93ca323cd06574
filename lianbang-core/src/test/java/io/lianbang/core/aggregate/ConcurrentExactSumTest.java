package io.lianbang.core.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several threads adding at once give bit for bit the sum one thread gives, and a refused term
 * leaves no trace: {@link ExactWeightedSum#add} is all or nothing.
 */
class ConcurrentExactSumTest {
  private static final Parameters LAYOUT = Parameters.of(List.of(Tensor.zeros(300, 70), Tensor.zeros(70)));

  @Test
  void fourThreadsGiveTheSingleThreadedSumBitForBit() throws Exception {
    SplittableRandom rng = new SplittableRandom(11);
    List<Parameters> terms = new ArrayList<>();
    for (int t = 0; t < 200; t++) terms.add(random(rng));
    ExactWeightedSum sequential = new ExactWeightedSum(LAYOUT);
    for (int t = 0; t < terms.size(); t++) sequential.add(terms.get(t), weight(t));

    ConcurrentExactSum concurrent = new ConcurrentExactSum(LAYOUT, 4);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> parts = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int worker = w;
        parts.add(pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          for (int t = terms.size() - 1 - worker; t >= 0; t -= 4) concurrent.add(terms.get(t), weight(t)); // reversed order
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : parts) f.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    ExactWeightedSum merged = concurrent.merged();
    assertEquals(sequential.terms(), merged.terms());
    assertEquals(sequential.totalWeight(), merged.totalWeight());
    assertArrayEquals(sequential.state().hi(), merged.state().hi());
    assertArrayEquals(sequential.state().lo(), merged.state().lo());
  }

  @Test
  void aRefusedTermLeavesTheSumAsItWas() {
    SplittableRandom rng = new SplittableRandom(12);
    for (double weight : new double[] {10, 2.5}) { // the integer kernel and the general path
      ExactWeightedSum sum = new ExactWeightedSum(LAYOUT);
      sum.add(random(rng), 7);
      ExactWeightedSum.State before = sum.state();
      float[] big = random(rng).tensor(0).toArray();
      big[big.length - 5] = 3e30f; // in the last chunk of the first tensor, after thousands of good terms
      Parameters bad = Parameters.of(List.of(Tensor.of(new int[] {300, 70}, big), random(rng).tensor(1)));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sum.add(bad, weight));
      assertEquals("aggregation term tensor[0][" + (big.length - 5) + "] = " + weight * 3e30f
          + " is not finite or exceeds 2^62", e.getMessage());
      float[] nan = random(rng).tensor(1).toArray();
      nan[3] = Float.NaN;
      Parameters notFinite = Parameters.of(List.of(random(rng).tensor(0), Tensor.vector(nan)));
      assertThrows(IllegalArgumentException.class, () -> sum.add(notFinite, weight));
      Parameters wrongLayout = Parameters.of(List.of(random(rng).tensor(0), Tensor.zeros(71)));
      assertThrows(IllegalArgumentException.class, () -> sum.add(wrongLayout, weight));
      assertArrayEquals(before.hi(), sum.state().hi(), "weight " + weight);
      assertArrayEquals(before.lo(), sum.state().lo(), "weight " + weight);
      assertEquals(1, sum.terms());
      assertEquals(7.0, sum.totalWeight());
    }
  }

  private static double weight(int t) {
    return t % 5 == 0 ? 0.75 + t : 1 + t % 13; // integer weights (the kernel) and fractional ones
  }

  private static Parameters random(SplittableRandom rng) {
    float[] w = new float[300 * 70];
    for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-12, 4)));
    float[] b = new float[70];
    for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
    return Parameters.of(List.of(Tensor.of(new int[] {300, 70}, w), Tensor.vector(b)));
  }
}
