package io.lianbang.cli.output;

import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.task.EvalResult;
import java.util.Optional;

/**
 * The numbers the CLI reports for a round, read from a {@link RoundRecord} by metric name:
 * {@code train_loss} from the fit metrics and {@code accuracy} from the evaluations. Missing values
 * are {@code NaN}.
 */
public final class RoundValues {
  /** Fit metric holding the example-weighted training loss. */
  public static final String TRAIN_LOSS = "train_loss";
  /** Evaluation metric holding the accuracy, a fraction in [0, 1]. */
  public static final String ACCURACY = "accuracy";

  private RoundValues() {}

  public static double trainLoss(RoundRecord r) {
    return r.fitMetrics().get(TRAIN_LOSS).orElse(Double.NaN);
  }

  public static double testLoss(RoundRecord r) {
    return loss(r.centralized());
  }

  public static double testAccuracy(RoundRecord r) {
    return accuracy(r.centralized());
  }

  public static double fedLoss(RoundRecord r) {
    return loss(r.federated());
  }

  public static double fedAccuracy(RoundRecord r) {
    return accuracy(r.federated());
  }

  private static double loss(Optional<EvalResult> e) {
    return e.map(EvalResult::loss).orElse(Double.NaN);
  }

  private static double accuracy(Optional<EvalResult> e) {
    return e.flatMap(x -> x.metrics().get(ACCURACY)).orElse(Double.NaN);
  }

  /** The last round with a centralized evaluation, or null if none has one. */
  public static RoundRecord lastCentralized(History history) {
    for (int i = history.rounds().size() - 1; i >= 0; i--) {
      RoundRecord r = history.rounds().get(i);
      if (r.centralized().isPresent()) return r;
    }
    return null;
  }

  /** The last round with a federated evaluation, or null if none has one. */
  public static RoundRecord lastFederated(History history) {
    for (int i = history.rounds().size() - 1; i >= 0; i--) {
      RoundRecord r = history.rounds().get(i);
      if (r.federated().isPresent()) return r;
    }
    return null;
  }

  /** The last round with a training loss, or null if none has one. */
  public static RoundRecord lastTrained(History history) {
    for (int i = history.rounds().size() - 1; i >= 0; i--) {
      RoundRecord r = history.rounds().get(i);
      if (r.fitMetrics().get(TRAIN_LOSS).isPresent()) return r;
    }
    return null;
  }
}
