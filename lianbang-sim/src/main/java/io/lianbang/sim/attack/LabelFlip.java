package io.lianbang.sim.attack;

import io.lianbang.engine.data.Dataset;

/**
 * The label-flipping data-poisoning attack: a malicious client trains honestly on its data with
 * every label {@code y} replaced by {@code K − 1 − y} (Fang et al., "Local Model Poisoning Attacks
 * to Byzantine-Robust Federated Learning", USENIX Security 2020; Tolpegin et al., ESORICS 2020).
 */
public final class LabelFlip {
  private LabelFlip() {}

  /**
   * {@code data} with flipped labels.
   *
   * @throws IllegalArgumentException if the data is not a classification dataset
   */
  public static Dataset flip(Dataset data) {
    if (!data.isClassification()) throw new IllegalArgumentException("attack.kind label_flip needs a classification dataset");
    int k = data.numClasses();
    int[] labels = data.labels();
    int[] flipped = new int[labels.length];
    for (int i = 0; i < labels.length; i++) flipped[i] = k - 1 - labels[i];
    return Dataset.classification(data.features(), data.exampleShape(), flipped, k);
  }
}
