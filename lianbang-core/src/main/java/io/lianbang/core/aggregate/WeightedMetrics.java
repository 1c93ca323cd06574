package io.lianbang.core.aggregate;

import io.lianbang.core.task.Metrics;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Example-weighted means of client metrics. Contributions are keyed by client id and summed in id
 * order, so the result does not depend on the order in which clients reported.
 *
 * <p>Metric names are chosen by clients, so the mean keeps at most {@code maxNames} distinct
 * names ({@link #DEFAULT_MAX_NAMES} by default): the first ones in name order, whatever the order
 * of arrival. Dropping names is logged once per mean.
 */
public final class WeightedMetrics {
  /** The most distinct metric names a mean keeps unless told otherwise. */
  public static final int DEFAULT_MAX_NAMES = 256;
  private static final Logger log = LoggerFactory.getLogger(WeightedMetrics.class);

  private final TreeMap<String, Contribution> byClient = new TreeMap<>();
  private final int maxNames;

  private record Contribution(Metrics metrics, double weight) {}

  /** Keeps at most {@link #DEFAULT_MAX_NAMES} metric names. */
  public WeightedMetrics() {
    this(DEFAULT_MAX_NAMES);
  }

  /** @throws IllegalArgumentException if {@code maxNames} is not positive */
  public WeightedMetrics(int maxNames) {
    if (maxNames < 1) throw new IllegalArgumentException("maxNames must be >= 1, got " + maxNames);
    this.maxNames = maxNames;
  }

  /** Records one client's metrics with its weight (usually its number of examples). */
  public void add(String clientId, Metrics metrics, double weight) {
    byClient.put(clientId, new Contribution(metrics, weight));
  }

  /**
   * For every metric name, the weighted mean over the clients that reported it; only the first
   * {@code maxNames} names in name order.
   */
  public Metrics mean() {
    TreeMap<String, double[]> sums = new TreeMap<>();
    for (Contribution c : byClient.values()) {
      for (Map.Entry<String, Double> e : c.metrics().asMap().entrySet()) {
        double[] s = sums.computeIfAbsent(e.getKey(), k -> new double[2]);
        s[0] += e.getValue() * c.weight();
        s[1] += c.weight();
      }
    }
    if (sums.size() > maxNames) {
      int reported = sums.size();
      while (sums.size() > maxNames) sums.pollLastEntry();
      log.warn("clients reported {} distinct metric names; kept the first {} in name order and dropped the other {}",
          reported, maxNames, reported - maxNames);
    }
    TreeMap<String, Double> out = new TreeMap<>();
    sums.forEach((k, s) -> out.put(k, s[1] > 0 ? s[0] / s[1] : Double.NaN));
    return Metrics.of(out);
  }
}
