package io.lianbang.privacy.dp;

/** L2 clipping of model updates, the step that bounds each client's influence (its sensitivity). */
final class Clipping {
  private Clipping() {}

  /** The L2 norm of {@code v}. */
  public static double norm(float[] v) {
    double s = 0;
    for (float x : v) s += (double) x * x;
    return Math.sqrt(s);
  }

  /**
   * Scales {@code v} in place to L2 norm at most {@code clip}: v·min(1, clip/‖v‖).
   *
   * @return the norm before clipping
   */
  public static double clipInPlace(float[] v, double clip) {
    double n = norm(v);
    if (n > clip) {
      float f = (float) (clip / n);
      for (int i = 0; i < v.length; i++) v[i] *= f;
    }
    return n;
  }
}
