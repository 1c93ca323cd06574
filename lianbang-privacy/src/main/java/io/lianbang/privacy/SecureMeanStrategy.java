package io.lianbang.privacy;

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
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The base of the decorators whose server learns only the round's example-weighted mean update,
 * computed securely among the clients that trained (SecAgg+ masking, Paillier encryption). It
 * refuses a wrapped strategy without the {@linkplain Strategy#aggregatesWeightedMean() weighted-mean
 * capability} and turns a released mean into the round's outcome: global + mean, handed to the
 * wrapped strategy's aggregation as one result weighted by the total, so its server-side update
 * (plain averaging, server momentum, FedAdam, ...) applies unchanged.
 *
 * <p>Metrics added to the round: {@code <prefix>_clients} (contributions in the mean) and
 * {@code <prefix>_dropped} (clients that trained but are not in it).
 */
public abstract class SecureMeanStrategy extends ForwardingStrategy {
  private final Strategy inner;
  private final String name;
  private final String metricPrefix;
  private final String resultId;
  private final String configKey;

  /**
   * @param name what the decorator is called in refusals and failure reasons, e.g. "secure aggregation"
   * @param metricPrefix the prefix of the round metrics, e.g. "secagg"
   * @param resultId the client id of the one result the wrapped strategy receives
   * @param configKey the fit configuration key, set to true in every fit instruction, that tells a
   *     client the round is aggregated this way
   * @throws IllegalArgumentException naming {@code name} and the strategy if {@code inner} needs
   *     individual updates
   */
  protected SecureMeanStrategy(Strategy inner, String name, String metricPrefix, String resultId, String configKey) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.name = Objects.requireNonNull(name, "name");
    this.metricPrefix = Objects.requireNonNull(metricPrefix, "metricPrefix");
    this.resultId = Objects.requireNonNull(resultId, "resultId");
    this.configKey = Objects.requireNonNull(configKey, "configKey");
    WeightedMean.require(inner, name);
  }

  /** The wrapped strategy. */
  public final Strategy inner() {
    return inner;
  }

  @Override
  protected final Strategy delegate() {
    return inner;
  }

  /** The wrapped strategy's fit instructions, each with {@code configKey: true} added to its config. */
  @Override
  public final List<ClientInstruction> configureFit(int round, Parameters global, List<String> available, SplittableRandom rng) {
    return inner.configureFit(round, global, available, rng).stream().map(i -> i.withConfig(configKey, true)).toList();
  }

  /** The outcome of a round whose mean was not released: the old model, no contributions, {@code dropped} dropped. */
  protected final FitOutcome unchanged(int dropped) {
    return new FitOutcome(Optional.empty(), Metrics.of(metricPrefix + "_clients", 0).with(metricPrefix + "_dropped", dropped));
  }

  /**
   * The outcome of a round whose mean update Σ w·Δ / Σ w was released.
   *
   * @param meanUpdate the mean update, one value per model parameter
   * @param totalWeight Σ w, the weight of the one result the wrapped strategy receives
   * @param contributions the number of clients in the mean
   * @param dropped clients that trained but are not in the mean, with the reason; each becomes a
   *     failure reported to the wrapped strategy
   * @param failures the round's other failures
   * @throws IllegalStateException if {@code meanUpdate} does not have one value per parameter
   */
  protected final FitOutcome release(RoundContext context, double[] meanUpdate, double totalWeight, int contributions,
                                     Map<String, String> dropped, List<ClientFailure> failures) {
    Parameters global = context.global();
    if (meanUpdate.length != global.elementCount()) {
      throw new IllegalStateException(name + " released " + meanUpdate.length + " values for " + global.elementCount() + " parameters");
    }
    Parameters averaged = ParameterMath.map(global, (i, g) -> (float) (g + meanUpdate[i]));
    List<ClientFailure> all = new ArrayList<>(failures);
    dropped.forEach((id, why) -> all.add(new ClientFailure(id, ClientFailure.Kind.ERROR, name + ": " + why)));
    FitOutcome o = aggregateCombined(context, resultId, averaged, totalWeight, List.copyOf(all));
    return new FitOutcome(o.parameters(),
        o.metrics().with(metricPrefix + "_clients", contributions).with(metricPrefix + "_dropped", dropped.size()));
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + inner + ")";
  }
}
