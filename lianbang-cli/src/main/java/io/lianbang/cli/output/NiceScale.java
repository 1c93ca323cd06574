package io.lianbang.cli.output;

import java.util.Locale;

/**
 * Axis ticks at round numbers (1, 2 or 5 times a power of ten) covering a data range, after
 * Heckbert, "Nice numbers for graph labels", Graphics Gems (1990).
 *
 * @param min the lowest tick, at most the data minimum
 * @param max the highest tick, at least the data maximum
 * @param step the distance between ticks
 */
record NiceScale(double min, double max, double step) {
  /** Ticks covering [{@code lo}, {@code hi}] with about {@code ticks} labels. */
  static NiceScale of(double lo, double hi, int ticks) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
      lo = 0;
      hi = 1;
    }
    if (hi < lo) {
      double t = lo;
      lo = hi;
      hi = t;
    }
    if (hi - lo < 1e-12) {
      double pad = Math.abs(lo) > 1e-12 ? Math.abs(lo) * 0.1 : 1;
      lo -= pad;
      hi += pad;
    }
    double step = nice((hi - lo) / Math.max(1, ticks - 1));
    return new NiceScale(Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step, step);
  }

  /** Integer ticks for rounds {@code lo..hi}. */
  static NiceScale ofIntegers(int lo, int hi, int ticks) {
    if (hi <= lo) hi = lo + 1;
    double step = Math.max(1, Math.round(nice((hi - lo) / (double) Math.max(1, ticks - 1))));
    return new NiceScale(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step);
  }

  /** The tick values from {@link #min} to {@link #max}. */
  double[] ticks() {
    int n = (int) Math.round((max - min) / step) + 1;
    double[] t = new double[n];
    for (int i = 0; i < n; i++) t[i] = min + i * step;
    return t;
  }

  /** {@code v} with as many decimals as the step needs. */
  String label(double v) {
    int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
    if (Math.abs(v) < step * 1e-6) v = 0;
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** The 1, 2 or 5 times a power of ten nearest to {@code x}. */
  private static double nice(double x) {
    double exp = Math.floor(Math.log10(x));
    double f = x / Math.pow(10, exp);
    double nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    return nf * Math.pow(10, exp);
  }
}
