package io.lianbang.spark;

import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.tensor.Parameters;
import java.io.Serializable;
import java.util.List;
import java.util.TreeMap;

/**
 * The exact weighted sum of the updates of some of a round's clients (those of one Spark
 * partition, or a merge of partitions), with what each of them reported. Partial rounds merge by
 * {@link ExactWeightedSum#addAll} of their 128-bit fixed-point states, which is integer addition:
 * any tree of merges gives the flat sum over all clients bit for bit, whatever the partitioning,
 * the number of executors or the order in which partitions finish.
 *
 * @param sum the exact state of the sum of the accepted updates weighted by their example counts;
 *     null if no update was accepted
 * @param outcomes every client of the partition that trained, by id
 */
record PartialRound(ExactWeightedSum.State sum, TreeMap<String, ClientOutcome> outcomes) implements Serializable {
  /**
   * One client's outcome: the example count and metrics of an accepted update, or why it was
   * rejected.
   *
   * @param examples the example count the client reported (its update's weight)
   * @param metrics the client's fit metrics
   * @param error why the update was rejected, or null if it was accepted
   */
  record ClientOutcome(long examples, TreeMap<String, Double> metrics, String error) implements Serializable {}

  /** The sum, or null if no update was accepted. */
  ExactWeightedSum toSum(Parameters layout) {
    return sum == null ? null : ExactWeightedSum.of(layout, sum);
  }

  /**
   * This partial round merged with {@code other}, which holds other clients.
   *
   * @throws IllegalStateException if a client is in both
   */
  PartialRound merge(PartialRound other, List<int[]> shapes) {
    TreeMap<String, ClientOutcome> all = new TreeMap<>(outcomes);
    for (var e : other.outcomes.entrySet()) {
      if (all.put(e.getKey(), e.getValue()) != null) throw new IllegalStateException("client " + e.getKey() + " trained twice in one round");
    }
    if (other.sum == null) return new PartialRound(sum, all);
    if (sum == null) return new PartialRound(other.sum, all);
    Parameters layout = Parameters.unflatten(shapes, new float[sum.hi().length]);
    ExactWeightedSum merged = ExactWeightedSum.of(layout, sum);
    merged.addAll(ExactWeightedSum.of(layout, other.sum));
    return new PartialRound(merged.state(), all);
  }
}
