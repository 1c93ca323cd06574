package io.lianbang.privacy.secagg;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one secure aggregation: the only per-round information the server learns.
 *
 * @param round the round
 * @param weightedSum Σ r_u·Δ_u over the surviving clients (r_u = min(1, examples_u / maxWeight))
 * @param totalWeight Σ r_u over the same clients
 * @param survivors clients whose inputs are in the sum
 * @param dropped clients that started but whose inputs are not in the sum, with the stage and cause
 * @param events protocol faults that were detected (failed authentication, inconsistent shares)
 * @param traffic bytes each client sent and received during the protocol
 * @param degree the graph degree k used
 * @param threshold the Shamir threshold t used
 * @param step the quantisation step of the update coordinates
 */
public record SecAggResult(
    int round, double[] weightedSum, double totalWeight, List<String> survivors, Map<String, String> dropped,
    List<String> events, Map<String, Traffic> traffic, int degree, int threshold, double step) {

  /** Bytes one client sent ({@code up}) and received ({@code down}) in the protocol's messages. */
  public record Traffic(long up, long down) {}

  /** The weighted mean update Σ r_u Δ_u / Σ r_u. */
  public double[] mean() {
    double[] m = new double[weightedSum.length];
    for (int i = 0; i < m.length; i++) m[i] = weightedSum[i] / totalWeight;
    return m;
  }
}
