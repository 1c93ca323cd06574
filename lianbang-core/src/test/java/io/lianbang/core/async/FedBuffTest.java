package io.lianbang.core.async;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.random.SplitMix64;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FedBuffTest {
  private static Parameters vec(float... v) {
    return Parameters.of(Tensor.of(new int[] {v.length}, v));
  }

  @Test
  void stalenessWeightsAreThePolynomialOfThePaper() {
    StalenessWeight s = StalenessWeight.FEDBUFF;
    assertEquals(1.0, s.weight(0));
    assertEquals(1 / Math.sqrt(2), s.weight(1), 1e-15);
    assertEquals(0.5, s.weight(3));
    assertEquals(1.0 / 3, s.weight(8), 1e-15);
    assertEquals(0.2, new StalenessWeight(1).weight(4), 1e-15);
    assertEquals(0.25, new StalenessWeight(2).weight(1), 1e-15);
    assertEquals(1.0, new StalenessWeight(0).weight(1000));
    assertThrows(IllegalArgumentException.class, () -> s.weight(-1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StalenessWeight(-0.5));
    assertTrue(e.getMessage().contains("-0.5"), e.getMessage());
  }

  @Test
  void appliesTheStalenessWeightedBufferDividedByKTimesTheServerRate() {
    FedBuff server = new FedBuff(vec(1, 2), new FedBuffSettings(2, 10, 0.5, StalenessWeight.FEDBUFF));
    assertEquals(FedBuff.Outcome.BUFFERED, server.submit(vec(4, 0), 0));
    assertEquals(0, server.version());
    assertArrayEquals(new float[] {1, 2}, server.global().flatten(), "nothing applied before K updates");
    assertEquals(FedBuff.Outcome.APPLIED, server.submit(vec(0, 8), 0));
    // x + 0.5 * (1·[4, 0] + 1·[0, 8]) / 2
    assertArrayEquals(new float[] {2, 4}, server.global().flatten());
    assertEquals(1, server.version());
    assertEquals(0, server.buffered());

    server.submit(vec(2, 2), 0); // staleness 1: weight 1/√2
    server.submit(vec(6, -2), 1); // fresh: weight 1
    double w = 1 / Math.sqrt(2);
    float[] expected = {(float) (2 + 0.25 * (2 * w + 6)), (float) (4 + 0.25 * (2 * w - 2))};
    assertArrayEquals(expected, server.global().flatten());
    assertEquals(2, server.version());
  }

  @Test
  void dropsAndCountsUpdatesStalerThanTheMaximum() {
    FedBuff server = new FedBuff(vec(0), new FedBuffSettings(1, 1, 1, StalenessWeight.FEDBUFF));
    server.submit(vec(1), 0);
    server.submit(vec(1), 1);
    assertEquals(2, server.version());
    assertEquals(FedBuff.Outcome.DROPPED_STALE, server.submit(vec(100), 0), "staleness 2 > 1");
    assertEquals(1, server.droppedStale());
    assertEquals(2, server.version());
    assertArrayEquals(new float[] {2}, server.global().flatten(), "the dropped update changed nothing");
    assertEquals(FedBuff.Outcome.APPLIED, server.submit(vec(2), 1), "staleness 1 = the maximum is kept");
    assertArrayEquals(new float[] {(float) (2 + 2 / Math.sqrt(2))}, server.global().flatten());
    assertEquals(1, server.droppedStale());
  }

  @Test
  void theUpdateDoesNotDependOnArrivalOrderWithinTheBuffer() {
    SplitMix64 r = new SplitMix64(7);
    List<Parameters> deltas = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      float[] v = new float[64];
      for (int j = 0; j < v.length; j++) v[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(8) - 4));
      deltas.add(vec(v));
    }
    int[] starts = {0, 1, 0, 1, 1, 0};
    float[] reference = null;
    for (int trial = 0; trial < 20; trial++) {
      int[] order = {0, 1, 2, 3, 4, 5};
      new SplitMix64(trial).shuffle(order);
      FedBuff server = new FedBuff(vec(new float[64]), new FedBuffSettings(6, 5, 0.7, StalenessWeight.FEDBUFF));
      server.submit(vec(new float[64]), 0); // K = 6 updates below; this one is the first of the first buffer
      for (int i = 0; i < 5; i++) server.submit(deltas.get(i), 0);
      assertEquals(1, server.version());
      for (int i : order) server.submit(deltas.get(i), starts[i]);
      assertEquals(2, server.version());
      float[] got = server.global().flatten();
      if (reference == null) reference = got;
      assertArrayEquals(reference, got, "order " + java.util.Arrays.toString(order));
    }
  }

  @Test
  void rejectsBadInputNamingTheValue() {
    FedBuff server = new FedBuff(vec(0), new FedBuffSettings(2, 1, 1, StalenessWeight.FEDBUFF));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> server.submit(vec(1), 1));
    assertTrue(e.getMessage().contains("got 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> server.submit(vec(1, 2), 0));
    assertThrows(IllegalArgumentException.class, () -> server.submit(vec(Float.NaN), 0));
    e = assertThrows(IllegalArgumentException.class, () -> new FedBuffSettings(0, 1, 1, StalenessWeight.FEDBUFF));
    assertTrue(e.getMessage().contains("buffer size") && e.getMessage().contains("0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new FedBuffSettings(1, -1, 1, StalenessWeight.FEDBUFF));
    assertThrows(IllegalArgumentException.class, () -> new FedBuffSettings(1, 1, Double.NaN, StalenessWeight.FEDBUFF));
  }
}
