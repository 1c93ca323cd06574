package io.lianbang.engine.client;

import io.lianbang.core.check.Require;
import io.lianbang.core.client.Client;
import io.lianbang.core.strategy.FedNova;
import io.lianbang.core.strategy.FedProx;
import io.lianbang.core.strategy.QFedAvg;
import io.lianbang.core.strategy.Scaffold;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.nn.Evaluation;
import io.lianbang.engine.nn.GradientCorrection;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.LocalTraining;
import io.lianbang.engine.nn.Model;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.engine.nn.OptimizerConfig;
import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.engine.nn.TrainConfig;
import io.lianbang.engine.nn.TrainResult;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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
  /** FedProx's proximal coefficient μ (default 0: none); see {@link FedProx}. */
  public static final String PROXIMAL_MU = FedProx.PROXIMAL_MU;
  /**
   * {@code true} runs SCAFFOLD's corrected training (default false): the task's parameters are
   * the model followed by the server's control variate, and the result is the model followed by
   * the change of this client's control variate; see {@link Scaffold} for the layout.
   */
  public static final String SCAFFOLD = Scaffold.CONFIG_KEY;
  /** {@code true} reports the loss on the local data before training as {@value QFedAvg#INITIAL_LOSS}. */
  public static final String INITIAL_LOSS = QFedAvg.INITIAL_LOSS;
  /** The fit metric holding the number of optimizer steps taken (always reported). */
  public static final String LOCAL_STEPS_METRIC = FedNova.LOCAL_STEPS;

  private final ModelSpec spec;
  private final Dataset train;
  private final Dataset evaluation;
  private final int threads;
  /** SCAFFOLD's client control variate c_i (exposed layout), kept across rounds; null = zeros. */
  private float[] control;

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
  public static Config fitConfig(int localEpochs, int batchSize, OptimizerType optimizer, double lr, double momentum,
      double weightDecay) {
    return Config.of(Map.of(LOCAL_EPOCHS, localEpochs, BATCH_SIZE, batchSize, OPTIMIZER, optimizer.toString(),
        LEARNING_RATE, lr, MOMENTUM, momentum, WEIGHT_DECAY, weightDecay));
  }

  /**
   * One model per thread, reused by every client that trains or evaluates on that thread: in a
   * cross-device simulation, building a model (and initialising the weights that {@link
   * Model#load} then overwrites) costs more than a client's training. Loading replaces every
   * parameter and training starts a fresh optimizer, so a reused model computes exactly what a new
   * one would.
   */
  private static final ThreadLocal<Model> REUSED = new ThreadLocal<>();

  /** This thread's model of {@link #spec}, holding {@code parameters}. Valid until the next call on this thread. */
  private Model model(Parameters parameters, long seed) {
    Model m = REUSED.get();
    if (m == null || !m.name().equals(spec.toString())) {
      m = Models.create(spec, Init.PYTORCH_DEFAULT, seed);
      REUSED.set(m);
    }
    m.threads(threads);
    m.load(parameters);
    return m;
  }

  @Override
  public FitResult fit(FitTask task) {
    Config c = task.config();
    double lr = c.getDouble(LEARNING_RATE, 0.01);
    double wd = c.getDouble(WEIGHT_DECAY, 0);
    OptimizerType type = Require.word("config " + OPTIMIZER, c.getString(OPTIMIZER, "sgd").toLowerCase(Locale.ROOT), OptimizerType.class);
    OptimizerConfig optimizer = switch (type) {
      case SGD -> OptimizerConfig.sgd(lr, c.getDouble(MOMENTUM, 0), wd);
      case ADAM -> OptimizerConfig.adam(lr, wd);
    };
    TrainConfig tc = new TrainConfig(c.getInt(LOCAL_EPOCHS, 1), c.getInt(BATCH_SIZE, 32), optimizer, task.seed());
    boolean scaffold = c.getBoolean(SCAFFOLD, false);
    Parameters sent = task.parameters();
    if (scaffold && sent.count() % 2 != 0) {
      throw new IllegalArgumentException("scaffold task parameters must be the model then the control variate, got "
          + sent.count() + " tensors");
    }
    int k = scaffold ? sent.count() / 2 : sent.count();
    Parameters global = scaffold ? Scaffold.part(sent, 0, k) : sent;
    Model m = model(global, task.seed());
    TreeMap<String, Double> metrics = new TreeMap<>();
    if (c.getBoolean(INITIAL_LOSS, false)) metrics.put(INITIAL_LOSS, m.evaluate(train).meanLoss());
    double mu = c.getDouble(PROXIMAL_MU, 0);
    int n = (int) global.elementCount();
    float[] serverControl = scaffold ? Scaffold.part(sent, k, 2 * k).flatten() : null;
    float[] ci = scaffold ? (control != null && control.length == n ? control : new float[n]) : null;
    Parameters offset = scaffold ? ParameterMath.map(global, (j, x) -> serverControl[j] - ci[j]) : null;
    GradientCorrection correction = mu > 0 || scaffold ? GradientCorrection.of(mu, global, offset, lr) : null;
    TrainResult r = LocalTraining.train(m, train, tc, correction);
    metrics.put("train_loss", r.meanLoss());
    metrics.put(LOCAL_STEPS_METRIC, (double) r.steps());
    Parameters y = m.parameters();
    if (!scaffold) return new FitResult(y, train.size(), Metrics.of(metrics));
    // SCAFFOLD option II: c_i+ = c_i - c + (x - y) / (K lr); send y and c_i+ - c_i
    float[] next = new float[n];
    double scale = 1.0 / (r.steps() * lr);
    Parameters delta = ParameterMath.zip(global, y, (j, x, yj) -> {
      next[j] = (float) (ci[j] - serverControl[j] + ((double) x - yj) * scale);
      return next[j] - ci[j];
    });
    control = next;
    return new FitResult(Scaffold.withControl(y, delta), train.size(), Metrics.of(metrics));
  }

  @Override
  public EvalResult evaluate(EvalTask task) {
    Evaluation e = model(task.parameters(), 0).evaluate(evaluation);
    Metrics metrics = evaluation.isClassification() ? Metrics.of("accuracy", e.accuracy()) : Metrics.empty();
    return new EvalResult(e.meanLoss(), e.count(), metrics);
  }
}
