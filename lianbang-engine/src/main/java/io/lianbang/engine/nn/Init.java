package io.lianbang.engine.nn;

import java.util.SplittableRandom;

/**
 * Weight initialisation schemes. {@code fanIn} is inputs per output unit ({@code in} for a dense
 * layer, {@code in·kh·kw} for a convolution), {@code fanOut} likewise.
 *
 * <ul>
 *   <li>{@link #PYTORCH_DEFAULT}: what {@code torch.nn.Linear}/{@code Conv2d} do,
 *       {@code kaiming_uniform_(a=√5)} for the weight, i.e. U(−1/√fanIn, 1/√fanIn), and the same
 *       bound for the bias;</li>
 *   <li>{@link #HE_UNIFORM} / {@link #HE_NORMAL}: He et al. 2015, "Delving Deep into Rectifiers"
 *       (ICCV), U(−√(6/fanIn), √(6/fanIn)) / N(0, 2/fanIn), zero bias;</li>
 *   <li>{@link #GLOROT_UNIFORM}: Glorot &amp; Bengio 2010, "Understanding the difficulty of training
 *       deep feedforward neural networks" (AISTATS), U(±√(6/(fanIn+fanOut))), zero bias.</li>
 * </ul>
 * Draws come from a seeded {@link SplittableRandom}; normals use Box–Muller with
 * {@link StrictMath}, so the same seed gives the same weights on every JVM.
 */
public enum Init {
  PYTORCH_DEFAULT,
  HE_UNIFORM,
  HE_NORMAL,
  GLOROT_UNIFORM;

  /** Fills {@code p} (in exposed order) as a weight with the given fans. */
  void weight(Param p, int fanIn, int fanOut, SplittableRandom rng) {
    switch (this) {
      case PYTORCH_DEFAULT: uniform(p, 1.0 / Math.sqrt(fanIn), rng); break;
      case HE_UNIFORM: uniform(p, Math.sqrt(6.0 / fanIn), rng); break;
      case HE_NORMAL: normal(p, Math.sqrt(2.0 / fanIn), rng); break;
      default: uniform(p, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
    }
    p.version++;
  }

  /** Fills {@code p} as a bias of a layer with the given fan-in. */
  void bias(Param p, int fanIn, SplittableRandom rng) {
    if (this == PYTORCH_DEFAULT) {
      uniform(p, 1.0 / Math.sqrt(fanIn), rng);
    } else {
      java.util.Arrays.fill(p.value, 0f);
    }
    p.version++;
  }

  private static void uniform(Param p, double bound, SplittableRandom rng) {
    for (int e = 0; e < p.size(); e++) p.value[p.storageIndex(e)] = (float) ((2 * rng.nextDouble() - 1) * bound);
  }

  private static void normal(Param p, double std, SplittableRandom rng) {
    for (int e = 0; e < p.size(); e += 2) {
      double u1 = 1.0 - rng.nextDouble();
      double u2 = rng.nextDouble();
      double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * std;
      p.value[p.storageIndex(e)] = (float) (r * StrictMath.cos(2 * Math.PI * u2));
      if (e + 1 < p.size()) p.value[p.storageIndex(e + 1)] = (float) (r * StrictMath.sin(2 * Math.PI * u2));
    }
  }
}
