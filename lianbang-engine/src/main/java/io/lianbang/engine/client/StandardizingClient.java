package io.lianbang.engine.client;

import io.lianbang.core.client.Client;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.engine.client.FederatedStandardization.Mode;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.nn.ModelSpec;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An {@link EngineClient} over raw local data that scales the features as each task's
 * configuration says ({@link FederatedStandardization}): with the federation's scaler
 * ({@code federated}), with its own training data's statistics ({@code local}), or not at all
 * ({@code none}, also when the configuration does not say). It answers statistics tasks itself,
 * from its training data.
 *
 * <p>Evaluation uses the validation data if there are any, else the training data, and reports
 * {@value #HELD_OUT}: 1 if the examples were held out from training, 0 if they are the training
 * data, so the example-weighted average over clients is the share of held-out examples and says
 * what the federation's evaluation measured.
 *
 * <p>The scaled data and the engine client on them are kept while the tasks' scaling stays the
 * same; a change of scaling starts a new engine client (SCAFFOLD's control variate restarts).
 */
public final class StandardizingClient implements Client {
  /** Evaluation metric: 1 if the evaluated examples were held out from training, else 0. */
  public static final String HELD_OUT = "held_out";

  private final ModelSpec spec;
  private final Dataset train;
  private final Dataset validation;
  private final int threads;
  private final Consumer<String> onScaling;
  private String scaling;
  private EngineClient engine;
  private int statisticsTasks;

  /**
   * @param spec the model architecture; the server's parameters must match it
   * @param train the private training data, unscaled
   * @param validation private data held out from training for {@code evaluate}, unscaled; null to
   *     evaluate on {@code train}
   * @param threads intra-op threads for training, at least 1
   * @param onScaling told, in words, how the features are scaled whenever that changes; may be null
   */
  public StandardizingClient(ModelSpec spec, Dataset train, Dataset validation, int threads, Consumer<String> onScaling) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.train = Objects.requireNonNull(train, "train");
    this.validation = validation;
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    this.threads = threads;
    this.onScaling = onScaling == null ? s -> {} : onScaling;
  }

  @Override
  public synchronized FitResult fit(FitTask task) {
    if (FederatedStandardization.isStatisticsTask(task.config())) {
      FitResult r = FederatedStandardization.statistics(task, train);
      statisticsTasks++;
      return r;
    }
    return engine(task.config()).fit(task);
  }

  @Override
  public synchronized EvalResult evaluate(EvalTask task) {
    EvalResult r = engine(task.config()).evaluate(task);
    return new EvalResult(r.loss(), r.numExamples(), r.metrics().with(HELD_OUT, validation == null ? 0 : 1));
  }

  /** The number of statistics tasks answered so far. */
  public synchronized int statisticsTasks() {
    return statisticsTasks;
  }

  private EngineClient engine(Config c) {
    Mode mode = c.has(FederatedStandardization.MODE)
        ? Mode.parse("config " + FederatedStandardization.MODE, c.getString(FederatedStandardization.MODE, null)) : Mode.NONE;
    String key = mode != Mode.FEDERATED ? mode.text()
        : mode.text() + ":" + c.getString(FederatedStandardization.MEAN, "") + ":" + c.getString(FederatedStandardization.STD, "");
    if (!key.equals(scaling)) {
      Standardizer s = switch (mode) {
        case NONE -> null;
        case LOCAL -> Standardizer.fit(train);
        case FEDERATED -> FederatedStandardization.scaler(c, train.featureCount());
      };
      Dataset t = s == null ? train : s.transform(train);
      Dataset v = validation == null ? t : s == null ? validation : s.transform(validation);
      engine = new EngineClient(spec, t, v, threads);
      scaling = key;
      onScaling.accept(switch (mode) {
        case NONE -> "features used as they are (not standardised)";
        case LOCAL -> "features standardised with this client's own statistics (local)";
        case FEDERATED -> "features standardised with the federation's statistics (federated)";
      });
    }
    return engine;
  }
}
