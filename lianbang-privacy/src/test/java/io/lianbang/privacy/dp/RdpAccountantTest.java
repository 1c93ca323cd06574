package io.lianbang.privacy.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RdpAccountantTest {
  private static RdpAccountant dpSgd(int n, int batch, double noise, int epochs) {
    long steps = (long) Math.ceil((double) epochs * n / batch);
    return new RdpAccountant().compose((double) batch / n, noise, steps);
  }

  /** TensorFlow Privacy's MNIST tutorial setting: ε ≈ 0.7242 at order 19 (tight conversion). */
  @Test
  void reproducesPublishedEpsilonBatch150() {
    RdpAccountant a = dpSgd(60000, 150, 1.3, 15);
    PrivacySpent tight = a.spent(1e-5);
    assertEquals(0.7242, tight.epsilon(), 5e-5, tight.toString());
    assertEquals(19, tight.order());
    // The classic conversion at the same order is larger by log(19/18) + log(19)/18.
    PrivacySpent classic = a.spentClassic(1e-5);
    assertEquals(19, classic.order());
    assertEquals(tight.epsilon() + Math.log(19.0 / 18) + Math.log(19) / 18, classic.epsilon(), 1e-9);
  }

  /** N=60000, batch 256, noise 1.1, 60 epochs: ε ≈ 2.597 tight, 3.01 classic. */
  @Test
  void reproducesPublishedEpsilonBatch256() {
    RdpAccountant a = dpSgd(60000, 256, 1.1, 60);
    assertEquals(2.597, a.spent(1e-5).epsilon(), 5e-4, a.spent(1e-5).toString());
    assertEquals(3.01, a.spentClassic(1e-5).epsilon(), 5e-3, a.spentClassic(1e-5).toString());
  }

  @Test
  void integerAndFractionalFormsAgreeAtIntegerOrders() {
    for (int alpha : new int[] {2, 5, 19, 40}) {
      double viaInt = SampledGaussianRdp.logAInteger(0.01, 1.1, alpha);
      double viaFrac = SampledGaussianRdp.logAFractional(0.01, 1.1, alpha);
      assertEquals(viaInt, viaFrac, 1e-9 * Math.max(1, Math.abs(viaInt)), "alpha " + alpha);
    }
  }

  @Test
  void fullBatchIsTheGaussianMechanism() {
    // Without sampling the RDP of the Gaussian mechanism is α / (2σ²) (Mironov 2017, Prop. 7).
    assertEquals(3 * 10 / (2 * 1.5 * 1.5), SampledGaussianRdp.rdp(1, 1.5, 3, 10), 1e-12);
    assertEquals(0, SampledGaussianRdp.rdp(0, 1.5, 3, 10));
  }

  @Test
  void composesAdditively() {
    RdpAccountant once = new RdpAccountant().compose(0.01, 1.0, 100);
    RdpAccountant twice = new RdpAccountant().compose(0.01, 1.0, 50).compose(0.01, 1.0, 50);
    assertEquals(once.spent(1e-5).epsilon(), twice.spent(1e-5).epsilon(), 1e-9);
    assertEquals(100, twice.steps());
  }

  @Test
  void epsilonGrowsWithStepsAndShrinksWithNoise() {
    double e1 = new RdpAccountant().compose(0.2, 1.0, 10).spent(1e-5).epsilon();
    double e2 = new RdpAccountant().compose(0.2, 1.0, 20).spent(1e-5).epsilon();
    double e3 = new RdpAccountant().compose(0.2, 2.0, 20).spent(1e-5).epsilon();
    assertTrue(e1 < e2 && e3 < e2, e1 + " " + e2 + " " + e3);
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new RdpAccountant().compose(1.5, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new RdpAccountant().spent(0));
    assertThrows(IllegalArgumentException.class, () -> new RdpAccountant(new double[] {0.5}));
  }

  @Test
  void logErfcMatchesReferenceValues() {
    // Reference values of log(erfc(x)) from scipy.special.
    double[][] cases = {
        {-3, 0.6931361352504468}, {-0.7, 0.5174841229791057}, {0, 0}, {0.3, -0.39843005144008525},
        {1.5, -3.3844920895515536}, {2.9, -10.099554065545236}, {3.1, -11.360319632044744},
        {6, -38.3775611732234}, {20, -403.5693433341044}, {40, -1604.2615566532743}};
    for (double[] c : cases) {
      assertEquals(c[1], LogMath.logErfc(c[0]), 1e-11 * Math.max(1, Math.abs(c[1])), "x=" + c[0]);
    }
  }
}
