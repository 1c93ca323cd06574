package io.lianbang.vertical.lr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.vertical.data.VerticalTable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plaintext reference against hand computation, and the helpers it shares with the roles. */
class HeteroLrReferenceTest {
  // three rows: guest feature a and label, host feature c
  private static final VerticalTable GUEST = new VerticalTable(List.of("r1", "r2", "r3"), new double[] {1, 0, 1}, List.of("a"),
      new double[][] {{1}, {2}, {-1}});
  private static final VerticalTable HOST = new VerticalTable(List.of("r1", "r2", "r3"), null, List.of("c"),
      new double[][] {{0.5}, {-1}, {2}});

  @Test
  void firstIterationMatchesTheFormulasByHand() {
    HeteroLrReference.Model m = HeteroLrReference.fit(GUEST, List.of(HOST), HeteroLrParams.builder().maxIter(1).build());
    // w = 0: wx = 0, y = (1, -1, 1), d = 0.25·0 - 0.5·y = (-0.5, 0.5, -0.5); the L2 term α·w is 0
    double ga = (-0.5 * 1 + 0.5 * 2 + -0.5 * -1) / 3; // 1/3
    double gc = (-0.5 * 0.5 + 0.5 * -1 + -0.5 * 2) / 3; // -7/12
    double gb = (-0.5 + 0.5 - 0.5) / 3; // -1/6
    assertEquals(1.0 / 3, ga, 1e-15);
    assertEquals(-7.0 / 12, gc, 1e-15);
    // RMSprop at t = 0: m = 0.01·g², step 0.15·g/√(m + 1e-6)
    assertEquals(-0.15 * ga / Math.sqrt(0.01 * ga * ga + 1e-6), m.guestWeights()[0], 1e-15);
    assertEquals(-0.15 * gc / Math.sqrt(0.01 * gc * gc + 1e-6), m.hostWeights().get(0)[0], 1e-15);
    assertEquals(-0.15 * gb / Math.sqrt(0.01 * gb * gb + 1e-6), m.intercept(), 1e-15);
    assertEquals(-1.4993255, m.guestWeights()[0], 1e-7); // 0.15·(1/3)/√(0.01/9 + 1e-6) = 0.05/0.03334833
    assertEquals(List.of(Math.log(2)), m.lossHistory()); // the Taylor loss at w = 0
  }

  @Test
  void secondSgdIterationDecaysTheRateAndPenalisesAllButTheIntercept() {
    HeteroLrParams p = HeteroLrParams.builder().optimizer(HeteroLrParams.Optimizer.SGD).learningRate(0.5).alpha(0.1).maxIter(2)
        .earlyStop(HeteroLrParams.EarlyStop.WEIGHT_DIFF).tol(1e-12).build();
    HeteroLrReference.Model m = HeteroLrReference.fit(GUEST, List.of(HOST), p);
    // iteration 0: w = -0.5·g with g = (1/3, -7/12, -1/6) (no L2 at w = 0)
    double a = -0.5 / 3;
    double c = 0.5 * 7 / 12;
    double b = 0.5 / 6;
    // iteration 1: wx_i = a·x_a + c·x_c + b
    double[] xa = {1, 2, -1};
    double[] xc = {0.5, -1, 2};
    double[] y = {1, -1, 1};
    double ga = 0;
    double gc = 0;
    double gb = 0;
    double loss = 0;
    for (int i = 0; i < 3; i++) {
      double wx = a * xa[i] + c * xc[i] + b;
      double d = 0.25 * wx - 0.5 * y[i];
      ga += d * xa[i] / 3;
      gc += d * xc[i] / 3;
      gb += d / 3;
      loss += (Math.log(2) - 0.5 * y[i] * wx + 0.125 * wx * wx) / 3;
    }
    loss += 0.5 * 0.1 * (a * a + c * c);
    double lr = 0.5 / Math.sqrt(2); // η/√(1 + 1·1)
    assertEquals(a - lr * (ga + 0.1 * a), m.guestWeights()[0], 1e-14);
    assertEquals(c - lr * (gc + 0.1 * c), m.hostWeights().get(0)[0], 1e-14);
    assertEquals(b - lr * gb, m.intercept(), 1e-14);
    assertEquals(loss, m.lossHistory().get(1), 1e-14);
    assertEquals(2, m.iterations());
  }

  @Test
  void miniBatchesCoverEveryRowOnceAndFollowTheSeed() {
    HeteroLrParams p = HeteroLrParams.builder().batchSize(4).seed(7).build();
    int[][] b0 = MiniBatches.of(10, p, 0);
    assertEquals(3, b0.length);
    assertEquals(3, MiniBatches.count(10, p));
    assertEquals(2, b0[2].length);
    int[] all = Arrays.stream(b0).flatMapToInt(Arrays::stream).sorted().toArray();
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, all);
    assertArrayEquals(b0[0], MiniBatches.of(10, p, 0)[0]);
    assertNotEquals(Arrays.toString(b0[0]), Arrays.toString(MiniBatches.of(10, p, 1)[0]));
    assertArrayEquals(new int[][] {{0, 1, 2}}, MiniBatches.of(3, HeteroLrParams.DEFAULTS, 4));
  }

  @Test
  void aucCountsTiesAsOneHalf() {
    assertEquals(0.75, Auc.of(new double[] {0.1, 0.4, 0.35, 0.8}, new double[] {0, 0, 1, 1}), 1e-15);
    // pairs (positive, negative): (0.5, 0.5) twice → ½ each, (0.9, 0.5) twice → 1 each: 3/4
    assertEquals(0.75, Auc.of(new double[] {0.5, 0.5, 0.5, 0.9}, new double[] {1, 0, 0, 1}), 1e-15);
    assertEquals(0.5, Auc.of(new double[] {2, 2, 2}, new double[] {1, 0, 1}), 1e-15);
    assertEquals(0.0, Auc.of(new double[] {3, 1}, new double[] {0, 1}), 1e-15);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Auc.of(new double[] {1, 2}, new double[] {1, 1})).getMessage()
        .contains("both classes"));
  }

  @Test
  void badParametersAreRefusedByName() {
    assertEquals("learningRate must be finite and > 0, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> HeteroLrParams.builder().learningRate(0).build()).getMessage());
    assertEquals("batchSize must be -1 (full batch) or >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> HeteroLrParams.builder().batchSize(0).build()).getMessage());
    assertEquals("keyBits must be even and >= 512, got 1023",
        assertThrows(IllegalArgumentException.class, () -> HeteroLrParams.builder().keyBits(1023).build()).getMessage());
    assertEquals("fractionBits must be in [16, 48], got 60",
        assertThrows(IllegalArgumentException.class, () -> HeteroLrParams.builder().fractionBits(60).build()).getMessage());
    assertEquals("alpha must be finite and >= 0, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> HeteroLrParams.builder().alpha(-1).build()).getMessage());
    assertEquals("timeout must be positive, got PT0S",
        assertThrows(IllegalArgumentException.class, () -> HeteroLrParams.builder().timeout(Duration.ZERO).build()).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new HeteroLrGuest(HeteroLrParams.DEFAULTS, GUEST, "arbiter", List.of("host-1", "host-2"))).getMessage()
        .contains("earlyStop DIFF needs the loss"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new HeteroLrGuest(HeteroLrParams.DEFAULTS, HOST, "arbiter", List.of("h")))
        .getMessage().contains("labels"));
  }
}
