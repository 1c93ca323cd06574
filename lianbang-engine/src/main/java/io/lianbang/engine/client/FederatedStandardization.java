package io.lianbang.engine.client;

import io.lianbang.core.text.Abbreviation;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.Standardizer;
import java.util.Locale;

/**
 * Federated standardisation: every client scales its features with one scaler, the mean and
 * standard deviation of all clients' training data together, computed without pooling the data.
 *
 * <p>The protocol, in task configurations:
 * <ol>
 *   <li>A <em>statistics task</em> is a fit task whose configuration holds {@value #STATISTICS} =
 *       true and whose parameters are two tensors of zeros of shape [features]. With a scaler
 *       (c, s) in {@value #MEAN} and {@value #STD} the client looks at z = (x − c) / s, without one
 *       at z = x. It answers with the per-feature E[z] and E[z²] of its training data as the two
 *       tensors, and its number of training examples as the weight. The example-weighted mean of
 *       the answers (the ordinary FedAvg aggregation, or secure aggregation) is the same pair over
 *       all clients' data, hence the global mean c + s·E[z] and standard deviation
 *       s·√(E[z²] − E[z]²). The server sends two such tasks: the first without a scaler, the
 *       second with the first's result, so that the second's values are near 0 and 1 whatever the
 *       features' offset and scale, and the variance is computed without cancellation.
 *       With {@value #BOUND} in the configuration the client refuses to answer if a value lies
 *       outside ±bound (secure aggregation clips to its range, which would silently distort the
 *       scaler).
 *   <li>Every later task carries {@value #MODE}: {@code federated} with the scaler in
 *       {@value #MEAN} and {@value #STD} (comma-separated numbers, one per feature), {@code local}
 *       (each client uses its own training data's statistics) or {@code none}.
 * </ol>
 * {@link StandardizingClient} is the client side.
 */
public final class FederatedStandardization {
  /** Task configuration key of the scaling mode, {@code federated}, {@code local} or {@code none}. */
  public static final String MODE = "normalize";
  /** Task configuration key of the federated scaler's means, comma-separated. */
  public static final String MEAN = "normalize_mean";
  /** Task configuration key of the federated scaler's divisors, comma-separated. */
  public static final String STD = "normalize_std";
  /** Task configuration key that marks a fit task as the statistics task. */
  public static final String STATISTICS = "normalize_statistics";
  /** Task configuration key of the bound every statistic must lie within, if set. */
  public static final String BOUND = "normalize_bound";
  /**
   * The bound of the first statistics task under secure aggregation, on raw features: the
   * protocol sums values clipped to ±bound, so features whose mean of squares stays below 10⁷
   * (|x| up to about 3,000) can be summed; this task needs only a rough result.
   */
  public static final double SECAGG_BOUND = 1e7;
  /**
   * The bound of the second statistics task under secure aggregation, on features standardised
   * with the first's result (values near 0 and 1; room for a first estimate 100 times off).
   */
  public static final double SECAGG_STANDARDISED_BOUND = 1e4;

  /** How clients scale their features. */
  public enum Mode {
    /** The raw features. */
    NONE,
    /** Each client with its own training data's statistics. */
    LOCAL,
    /** Every client with the global statistics of the statistics task. */
    FEDERATED;

    /**
     * The mode named {@code value} (case-insensitive).
     *
     * @throws IllegalArgumentException naming {@code key} and the value if it names no mode
     */
    public static Mode parse(String key, String value) {
      if (value != null) {
        for (Mode m : values()) if (m.text().equalsIgnoreCase(value.strip())) return m;
      }
      throw new IllegalArgumentException(key + " must be federated, local or none, got " + quote(String.valueOf(value)));
    }

    /** The name in configurations, e.g. {@code federated}. */
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private FederatedStandardization() {}

  /**
   * The configuration of a statistics task: {@code bound} > 0 adds {@value #BOUND} (0 for none),
   * {@code reference} (may be null) the scaler the client applies before computing its statistics.
   */
  public static Config statisticsConfig(double bound, Standardizer reference) {
    Config c = Config.empty().with(STATISTICS, true);
    if (reference != null) c = c.with(MEAN, join(reference.mean())).with(STD, join(reference.std()));
    return bound > 0 ? c.with(BOUND, bound) : c;
  }

  /** The parameters of a statistics task for {@code features} features: two tensors of zeros. */
  public static Parameters statisticsParameters(int features) {
    if (features < 1) throw new IllegalArgumentException("features must be >= 1, got " + features);
    return Parameters.of(Tensor.zeros(features), Tensor.zeros(features));
  }

  /** True if {@code config} is that of a statistics task. */
  public static boolean isStatisticsTask(Config config) {
    return config.getBoolean(STATISTICS, false);
  }

  /**
   * The answer to a statistics task on {@code train}: per-feature E[z] and E[z²], z the features
   * scaled with the task's scaler if it has one, weighted by the number of examples.
   *
   * @throws IllegalArgumentException if the task's parameters are not two tensors of
   *     {@code train}'s feature count, its scaler is invalid, or a value lies outside its
   *     {@value #BOUND}
   */
  public static FitResult statistics(FitTask task, Dataset train) {
    int f = train.featureCount();
    String expected = statisticsParameters(f).layoutMismatch(task.parameters());
    if (expected != null) {
      throw new IllegalArgumentException("statistics task parameters must be two tensors of the " + f
          + " local features: " + expected);
    }
    Dataset z = task.config().has(MEAN) ? scaler(task.config(), f).transform(train) : train;
    int n = z.size();
    float[] x = z.features();
    double[] sum = new double[f];
    double[] squares = new double[f];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        double v = x[i * f + j];
        sum[j] += v;
        squares[j] += v * v;
      }
    }
    double bound = task.config().getDouble(BOUND, Double.POSITIVE_INFINITY);
    float[] mean = new float[f];
    float[] meanSquare = new float[f];
    for (int j = 0; j < f; j++) {
      mean[j] = (float) (sum[j] / n);
      meanSquare[j] = (float) (squares[j] / n);
      if (!(Math.abs(mean[j]) <= bound && meanSquare[j] <= bound)) {
        throw new IllegalArgumentException("feature " + j + ": mean " + mean[j] + " or mean of squares " + meanSquare[j]
            + " exceeds " + BOUND + " " + bound + " (the range secure aggregation sums); rescale the data or use local scaling");
      }
    }
    return new FitResult(Parameters.of(Tensor.vector(mean), Tensor.vector(meanSquare)), n, Metrics.empty());
  }

  /**
   * The scaler from the aggregated answers to a statistics task sent with scaler
   * {@code reference} (c, s; null for none, i.e. c = 0, s = 1): mean c + s·E[z] and standard
   * deviation s·√max(0, E[z²] − E[z]²), divisor 1 where that is 0 (as {@link Standardizer#fit}).
   *
   * @throws IllegalArgumentException if {@code aggregated} is not two tensors of one length (the
   *     reference's) or the result is not finite
   */
  public static Standardizer standardizer(Parameters aggregated, Standardizer reference) {
    int f = aggregated.count() == 2 ? aggregated.tensor(0).size() : -1;
    if (f < 1 || aggregated.tensor(1).size() != f || reference != null && reference.mean().length != f) {
      throw new IllegalArgumentException("statistics must be two tensors of one length, got " + aggregated.count() + " tensors of "
          + aggregated.elementCount() + " values");
    }
    float[] c = reference == null ? new float[f] : reference.mean();
    float[] scale = reference == null ? null : reference.std();
    float[] m = aggregated.tensor(0).toArray();
    float[] q = aggregated.tensor(1).toArray();
    float[] mean = new float[f];
    float[] std = new float[f];
    for (int j = 0; j < f; j++) {
      double sj = scale == null ? 1 : scale[j];
      mean[j] = (float) (c[j] + sj * m[j]);
      double sd = sj * Math.sqrt(Math.max(0, (double) q[j] - (double) m[j] * m[j]));
      std[j] = sd == 0 || (float) sd == 0 ? 1f : (float) sd;
    }
    return Standardizer.of(mean, std);
  }

  /** {@code config} with {@value #MODE} = federated and {@code scaler} in {@value #MEAN} and {@value #STD}. */
  public static Config withScaler(Config config, Standardizer scaler) {
    return config.with(MODE, Mode.FEDERATED.text()).with(MEAN, join(scaler.mean())).with(STD, join(scaler.std()));
  }

  /**
   * The federated scaler in {@code config} for data with {@code features} features.
   *
   * @throws IllegalArgumentException naming the key and (abbreviated) value if it is missing, has
   *     another number of values or a value that is not a number or not valid for a scaler
   */
  public static Standardizer scaler(Config config, int features) {
    return Standardizer.of(numbers(config, MEAN, features), numbers(config, STD, features));
  }

  private static float[] numbers(Config config, String key, int features) {
    String text = config.getString(key, null);
    if (text == null) throw new IllegalArgumentException("config " + key + " is missing, and " + MODE + " is federated");
    // at most features + 1 parts, so a hostile value costs no more than the expected one
    String[] parts = text.split(",", features + 1);
    if (parts.length != features) {
      throw new IllegalArgumentException("config " + key + " must hold " + features + " comma-separated numbers (one per local feature), got "
          + (parts.length > features ? "more" : String.valueOf(parts.length)) + ": " + quote(text));
    }
    float[] out = new float[features];
    for (int j = 0; j < features; j++) {
      try {
        out[j] = Float.parseFloat(parts[j]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("config " + key + " value " + j + " is not a number: " + quote(parts[j]));
      }
    }
    return out;
  }

  private static String join(float[] values) {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < values.length; j++) sb.append(j == 0 ? "" : ",").append(values[j]);
    return sb.toString();
  }

  private static String quote(String s) {
    return "'" + Abbreviation.abbreviate(s) + "'";
  }
}
