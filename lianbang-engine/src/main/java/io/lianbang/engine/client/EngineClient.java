package io.lianbang.engine.client;

import io.lianbang.core.client.Client;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.nn.Evaluation;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.LocalTraining;
import io.lianbang.engine.nn.Model;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.engine.nn.OptimizerConfig;
import io.lianbang.engine.nn.TrainConfig;
import io.lianbang.engine.nn.TrainResult;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link Client} that trains an engine model on a local dataset. The dataset never leaves this
 * object: {@code fit} returns the trained parameters, the number of local examples and the mean
 * training loss; {@code evaluate} returns loss and accuracy.
 *
 * <p>The training settings come from the task's {@link Config} under the keys below, so the
 * server decides them per round; missing keys take the defaults given here.
 */
public final class EngineClient implements Client {
  /** Passes over the local data per round (default 1). */
  public static final String LOCAL_EPOCHS = "local_epochs";
  /** Examples per step (default 32). */
  public static final String BATCH_SIZE = "batch_size";
  /** {@code sgd} (default) or {@code adam}. */
  public static final String OPTIMIZER = "optimizer";
  /** Learning rate (default 0.01). */
  public static final String LEARNING_RATE = "lr";
  /** SGD momentum (default 0). */
  public static final String MOMENTUM = "momentum";
  /** L2 weight decay (default 0). */
  public static final String WEIGHT_DECAY = "weight_decay";

  private final ModelSpec spec;
  private final Dataset train;
  private final Dataset evaluation;
  private final int threads;

  /**
   * @param spec the model architecture; the server's parameters must match it
   * @param train the private training data
   * @param evaluation the private data for {@code evaluate} (may be {@code train})
   * @param threads intra-op threads for this client's training, at least 1
   */
  public EngineClient(ModelSpec spec, Dataset train, Dataset evaluation, int threads) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.train = Objects.requireNonNull(train, "train");
    this.evaluation = Objects.requireNonNull(evaluation, "evaluation");
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    this.threads = threads;
  }

  /** The training configuration that {@link #fit} reads, as a task {@link Config}. */
  public static Config fitConfig(int localEpochs, int batchSize, String optimizer, double lr, double momentum, double weightDecay) {
    return Config.of(Map.of(LOCAL_EPOCHS, localEpochs, BATCH_SIZE, batchSize, OPTIMIZER, optimizer,
        LEARNING_RATE, lr, MOMENTUM, momentum, WEIGHT_DECAY, weightDecay));
  }

  private Model model(io.lianbang.core.tensor.Parameters parameters, long seed) {
    Model m = Models.create(spec, Init.PYTORCH_DEFAULT, seed).threads(threads);
    m.load(parameters);
    return m;
  }

  @Override
  public FitResult fit(FitTask task) {
    Config c = task.config();
    double lr = c.getDouble(LEARNING_RATE, 0.01);
    double wd = c.getDouble(WEIGHT_DECAY, 0);
    String opt = c.getString(OPTIMIZER, "sgd").toLowerCase(Locale.ROOT);
    OptimizerConfig optimizer = switch (opt) {
      case "sgd" -> OptimizerConfig.sgd(lr, c.getDouble(MOMENTUM, 0), wd);
      case "adam" -> OptimizerConfig.adam(lr, wd);
      default -> throw new IllegalArgumentException("config " + OPTIMIZER + " must be sgd or adam, got " + opt);
    };
    TrainConfig tc = new TrainConfig(c.getInt(LOCAL_EPOCHS, 1), c.getInt(BATCH_SIZE, 32), optimizer, task.seed());
    Model m = model(task.parameters(), task.seed());
    TrainResult r = LocalTraining.train(m, train, tc);
    return new FitResult(m.parameters(), train.size(), Metrics.of("train_loss", r.meanLoss()));
  }

  @Override
  public EvalResult evaluate(EvalTask task) {
    Evaluation e = model(task.parameters(), 0).evaluate(evaluation);
    Metrics metrics = evaluation.isClassification() ? Metrics.of("accuracy", e.accuracy()) : Metrics.empty();
    return new EvalResult(e.meanLoss(), e.count(), metrics);
  }
}
