package io.lianbang.spark;

import io.lianbang.engine.data.Dataset;
import java.io.Serializable;

/**
 * One client's training data as it is shipped to a Spark executor: the examples of the client's
 * part of the partition, in the order the in-JVM backend gives them to the client.
 *
 * @param id the client id, as {@link io.lianbang.sim.Simulation#clientIds()} names it
 * @param features the examples' features, example after example
 * @param exampleShape the shape of one example
 * @param labels class labels (classification), or null
 * @param numClasses the number of classes (classification), or 0
 * @param targets regression targets, or null
 * @param targetCount targets per example (regression), or 0
 */
record ClientShard(String id, float[] features, int[] exampleShape, int[] labels, int numClasses, float[] targets, int targetCount)
    implements Serializable {
  /** The shard of {@code data}, the client {@code id}'s training set. */
  static ClientShard of(String id, Dataset data) {
    return data.isClassification()
        ? new ClientShard(id, data.features(), data.exampleShape(), data.labels(), data.numClasses(), null, 0)
        : new ClientShard(id, data.features(), data.exampleShape(), null, 0, data.targets(), data.targetCount());
  }

  /** The dataset again, as the client trains on it. */
  Dataset dataset() {
    return labels != null
        ? Dataset.classification(features, exampleShape, labels, numClasses)
        : Dataset.regression(features, exampleShape, targets, targetCount);
  }
}
