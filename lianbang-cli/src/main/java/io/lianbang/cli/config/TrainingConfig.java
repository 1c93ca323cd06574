package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.TrainingSpec;

/** The {@code training} section. */
@JsonPropertyOrder({"local_epochs", "batch_size", "optimizer", "learning_rate", "momentum", "weight_decay", "local_epochs_max"})
public final class TrainingConfig {
  public int localEpochs;
  public int batchSize;
  public String optimizer;
  public double learningRate;
  public double momentum;
  public double weightDecay;
  public int localEpochsMax;

  /** The demo's local training. */
  public TrainingConfig() {
    this(SimulationSpec.demo().training());
  }

  TrainingConfig(TrainingSpec spec) {
    localEpochs = spec.localEpochs();
    batchSize = spec.batchSize();
    optimizer = spec.optimizer();
    learningRate = spec.learningRate();
    momentum = spec.momentum();
    weightDecay = spec.weightDecay();
    localEpochsMax = spec.localEpochsMax();
  }

  TrainingSpec toSpec() {
    return new TrainingSpec(localEpochs, batchSize, optimizer, learningRate, momentum, weightDecay, localEpochsMax);
  }
}
