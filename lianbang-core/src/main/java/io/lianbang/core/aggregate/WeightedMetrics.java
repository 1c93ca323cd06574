package io.lianbang.core.aggregate;

import io.lianbang.core.task.Metrics;
import java.util.Map;
import java.util.TreeMap;

/**
 * Example-weighted means of client metrics. Contributions are keyed by client id and summed in id
 * order, so the result does not depend on the order in which clients reported.
 */
public final class WeightedMetrics {
  private final TreeMap<String, Contribution> byClient = new TreeMap<>();

  private record Contribution(Metrics metrics, double weight) {}

  /** Records one client's metrics with its weight (usually its number of examples). */
  public void add(String clientId, Metrics metrics, double weight) {
    byClient.put(clientId, new Contribution(metrics, weight));
  }

  /** For every metric name, the weighted mean over the clients that reported it. */
  public Metrics mean() {
    TreeMap<String, double[]> sums = new TreeMap<>();
    for (Contribution c : byClient.values()) {
      for (Map.Entry<String, Double> e : c.metrics().asMap().entrySet()) {
        double[] s = sums.computeIfAbsent(e.getKey(), k -> new double[2]);
        s[0] += e.getValue() * c.weight();
        s[1] += c.weight();
      }
    }
    TreeMap<String, Double> out = new TreeMap<>();
    sums.forEach((k, s) -> out.put(k, s[1] > 0 ? s[0] / s[1] : Double.NaN));
    return Metrics.of(out);
  }
}
