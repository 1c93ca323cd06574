package io.lianbang.privacy.dp;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * Where differential-privacy noise comes from. {@link #secure()} draws from a
 * {@link SecureRandom}: use it whenever the guarantee matters. {@link #seededInsecure} derives the
 * noise from a seed so that experiments are reproducible; anyone who knows the seed can subtract
 * the noise, so it gives no privacy at all.
 */
public interface NoiseSource {
  /** A standard normal sample. */
  double gaussian();

  /** Whether the noise is unpredictable (false for seeded noise). */
  boolean isSecure();

  /** Noise from a {@link SecureRandom}. */
  static NoiseSource secure() {
    SecureRandom r = new SecureRandom();
    return new NoiseSource() {
      @Override
      public synchronized double gaussian() {
        return r.nextGaussian();
      }

      @Override
      public boolean isSecure() {
        return true;
      }
    };
  }

  /** INSECURE: reproducible noise from {@code seed}, for tests and reproducible experiments only. */
  static NoiseSource seededInsecure(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    return new NoiseSource() {
      @Override
      public synchronized double gaussian() {
        // Marsaglia's polar method on the seeded generator.
        double u;
        double v;
        double s;
        do {
          u = 2 * r.nextDouble() - 1;
          v = 2 * r.nextDouble() - 1;
          s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
      }

      @Override
      public boolean isSecure() {
        return false;
      }
    };
  }
}
