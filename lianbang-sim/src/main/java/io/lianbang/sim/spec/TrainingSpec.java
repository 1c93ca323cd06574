package io.lianbang.sim.spec;

import io.lianbang.core.check.Require;
import io.lianbang.engine.nn.OptimizerType;

/**
 * What each sampled client does locally.
 *
 * @param localEpochs passes over the local data per round, at least 1
 * @param batchSize examples per step, at least 1
 * @param optimizer {@code sgd} or {@code adam}
 * @param learningRate step size, &gt; 0
 * @param momentum SGD momentum, in [0, 1)
 * @param weightDecay L2 penalty, &ge; 0
 * @param localEpochsMax heterogeneous local work: if above {@code localEpochs}, each client in
 *     each round trains a number of epochs drawn uniformly from
 *     {@code [localEpochs, localEpochsMax]} (from the run seed, the round and the client); 0 or
 *     {@code localEpochs} means every client trains {@code localEpochs}
 */
public record TrainingSpec(int localEpochs, int batchSize, OptimizerType optimizer, double learningRate, double momentum, double weightDecay,
                           int localEpochsMax) {
  /** Every client trains {@code localEpochs} epochs. */
  public TrainingSpec(int localEpochs, int batchSize, OptimizerType optimizer, double learningRate, double momentum, double weightDecay) {
    this(localEpochs, batchSize, optimizer, learningRate, momentum, weightDecay, 0);
  }

  /** True if clients train different numbers of epochs. */
  public boolean heterogeneous() {
    return localEpochsMax > localEpochs;
  }

  public TrainingSpec {
    Require.atLeast("training.local_epochs", localEpochs, 1);
    Require.atLeast("training.batch_size", batchSize, 1);
    Require.oneOf("training.optimizer", optimizer, OptimizerType.class);
    Require.positive("training.learning_rate", learningRate);
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("training.momentum must be in [0, 1), got " + momentum);
    }
    Require.nonNegative("training.weight_decay", weightDecay);
    if (localEpochsMax != 0 && localEpochsMax < localEpochs) {
      throw new IllegalArgumentException("training.local_epochs_max must be 0 or >= training.local_epochs (" + localEpochs
          + "), got " + localEpochsMax);
    }
  }
}
