package io.lianbang.privacy.dp;

import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.strategy.ForwardingStrategy;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.strategy.WeightedMean;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the DP-FedAvg decorators share: the accountant, the budget, the noisy release of the mean
 * update and the hand-over to the wrapped strategy. Subclassed only in this package.
 */
public abstract class DpFedAvgBase extends ForwardingStrategy {
  private static final Logger log = LoggerFactory.getLogger(DpFedAvgBase.class);

  final Strategy inner;
  final DpSettings settings;
  final NoiseSource noise;
  private final RdpAccountant accountant = new RdpAccountant();
  private boolean exhausted;

  /** @throws IllegalArgumentException if {@code inner} needs individual updates: DP-FedAvg sees only their mean */
  DpFedAvgBase(Strategy inner, DpSettings settings, NoiseSource noise) {
    this.inner = Objects.requireNonNull(inner, "inner");
    WeightedMean.require(inner, "DP-FedAvg");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.noise = Objects.requireNonNull(noise, "noise");
  }

  @Override
  protected Strategy delegate() {
    return inner;
  }

  /** The noise multiplier of the released update (lower than z when part of the budget goes to adaptive clipping). */
  abstract double updateNoiseMultiplier(int sampled);

  /** The config sent to clients in addition to the wrapped strategy's. */
  ClientInstruction instruct(ClientInstruction in) {
    return in;
  }

  /** The (ε, δ) spent so far (Balle et al. 2020 conversion). */
  public synchronized PrivacySpent spent() {
    return accountant.spent(settings.delta());
  }

  /** The (ε, δ) spent so far with the classic conversion. */
  public synchronized PrivacySpent spentClassic() {
    return accountant.spentClassic(settings.delta());
  }

  /** Whether the budget stopped training. */
  public synchronized boolean budgetExhausted() {
    return exhausted;
  }

  /** The settings. */
  public DpSettings settings() {
    return settings;
  }

  /**
   * Samples through the wrapped strategy, unless running the round would spend more than the
   * budget: then nobody is sampled and the model stays as it is for the remaining rounds.
   * Sampling is treated as Poisson sampling with q = sampled / available, as in McMahan et al.
   * 2018 (the accountant's sampled Gaussian mechanism); the release accounts for the q of the
   * {@link RoundContext} it aggregates.
   */
  @Override
  public synchronized List<ClientInstruction> configureFit(int round, Parameters global, List<String> available, SplittableRandom rng) {
    List<ClientInstruction> out = inner.configureFit(round, global, available, rng);
    if (out.isEmpty()) return out;
    double q = Math.min(1, (double) out.size() / available.size());
    double projected = accountant.copy().compose(q, settings.noiseMultiplier(), 1).spent(settings.delta()).epsilon();
    if (exhausted || projected > settings.epsilonBudget()) {
      if (!exhausted) {
        log.warn("round {}: stopping training, the round would bring epsilon to {} over the budget {}",
            round, String.format("%.4f", projected), settings.epsilonBudget());
      }
      exhausted = true;
      return List.of();
    }
    List<ClientInstruction> instructed = new ArrayList<>(out.size());
    for (ClientInstruction in : out) instructed.add(instruct(in));
    return instructed;
  }

  /**
   * Records one release of the round's mean, sampled with q = instructions / available, and
   * returns the metrics to add. A round that asked nobody composes nothing.
   */
  synchronized Metrics account(RoundContext context) {
    int sampled = context.instructions().size();
    if (sampled > 0) {
      double q = context.available().isEmpty() ? 1 : Math.min(1, (double) sampled / context.available().size());
      accountant.compose(q, settings.noiseMultiplier(), 1);
    }
    PrivacySpent s = accountant.spent(settings.delta());
    return Metrics.of("dp_epsilon", s.epsilon());
  }

  /** The number of clients the round asked to train (1 if none, so the noise stays defined). */
  static int sampled(RoundContext context) {
    return Math.max(1, context.instructions().size());
  }

  /**
   * Adds N(0, (z·C)²) to every coordinate of {@code sum} (a sum of clipped updates), divides by
   * {@code m} and returns the round's global model + the noisy mean, for the wrapped strategy.
   */
  Parameters release(RoundContext context, double[] sum, double m, double clip) {
    double std = updateNoiseMultiplier(sampled(context)) * clip;
    return ParameterMath.map(context.global(), (i, g) -> (float) (g + (sum[i] + std * noise.gaussian()) / m));
  }

  /** Hands the noisy model to the wrapped strategy as one result of weight {@code m}. */
  FitOutcome handOver(RoundContext context, Parameters noisy, double m, Metrics metrics, List<ClientFailure> failures) {
    FitOutcome o = aggregateCombined(context, "dp-aggregate", noisy, m, failures);
    Metrics all = o.metrics();
    for (Map.Entry<String, Double> e : metrics.asMap().entrySet()) all = all.with(e.getKey(), e.getValue());
    for (Map.Entry<String, Double> e : account(context).asMap().entrySet()) all = all.with(e.getKey(), e.getValue());
    return new FitOutcome(o.parameters(), all);
  }

  /**
   * Refused: resuming would restart the privacy accountant at zero and under-report ε, so a
   * DP-FedAvg run cannot be checkpointed yet.
   *
   * @throws IllegalStateException always
   */
  @Override
  public byte[] exportState() {
    throw new IllegalStateException("DP-FedAvg runs cannot be checkpointed yet: a resumed run would restart the"
        + " privacy accountant and under-report epsilon; run without a checkpoint file");
  }

  /** Refused, like {@link #exportState()}. */
  @Override
  public void importState(byte[] state) {
    exportState();
  }
}
