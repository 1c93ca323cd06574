package io.lianbang.engine.nn;

import io.lianbang.engine.data.Dataset;
import java.util.SplittableRandom;

/**
 * Minibatch training of a {@link Model} on a local {@link Dataset}: for each epoch a fresh random
 * permutation (Fisher–Yates from a generator seeded with {@link TrainConfig#seed()}), split into
 * batches of {@link TrainConfig#batchSize()} with the last, smaller batch kept (PyTorch
 * {@code DataLoader(shuffle=True, drop_last=False)}). A new optimizer is created for every run,
 * as federated clients usually do per round.
 */
public final class LocalTraining {
  private LocalTraining() {}

  /**
   * Trains {@code model} in place.
   *
   * @throws IllegalArgumentException if the dataset is empty or does not fit the model
   */
  public static TrainResult train(Model model, Dataset data, TrainConfig config) {
    return train(model, data, config, null);
  }

  /**
   * Trains {@code model} in place, adding {@code correction} (FedProx's proximal term, SCAFFOLD's
   * control variates; null for none) to every gradient before the optimizer step.
   *
   * @throws IllegalArgumentException if the dataset is empty or does not fit the model, or the
   *     correction's tensors do not match the model
   */
  public static TrainResult train(Model model, Dataset data, TrainConfig config, GradientCorrection correction) {
    model.gradientCorrection(correction);
    try {
      return run(model, data, config);
    } finally {
      model.gradientCorrection(null);
    }
  }

  private static TrainResult run(Model model, Dataset data, TrainConfig config) {
    int n = data.size();
    if (n == 0) throw new IllegalArgumentException("train dataset is empty");
    Optimizer optimizer = config.optimizer().create();
    SplittableRandom rng = new SplittableRandom(config.seed());
    int[] order = new int[n];
    double lossSum = 0;
    long seen = 0;
    long steps = 0;
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      shuffle(order, rng);
      for (int from = 0; from < n; from += config.batchSize()) {
        int to = Math.min(n, from + config.batchSize());
        lossSum += model.trainBatch(data, order, from, to, optimizer) * (to - from);
        seen += to - from;
        steps++;
      }
    }
    return new TrainResult(lossSum / seen, seen, steps);
  }

  /** Fills {@code order} with a uniformly random permutation of {@code 0..n-1}. */
  static void shuffle(int[] order, SplittableRandom rng) {
    for (int i = 0; i < order.length; i++) order[i] = i;
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
