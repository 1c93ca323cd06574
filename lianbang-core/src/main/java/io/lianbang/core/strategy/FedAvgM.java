package io.lianbang.core.strategy;

import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.util.Map;

/**
 * Federated averaging with server momentum: with {@code Δ = mean(x_i) − x} (the example-weighted
 * mean of the clients' models minus the global model), {@code v ← β·v + Δ} and
 * {@code x ← x + η·v}. With β = 0 and η = 1 this is {@link FedAvg}.
 *
 * <p>Reference: T.-M. H. Hsu, H. Qi, M. Brown, "Measuring the Effects of Non-Identical Data
 * Distribution for Federated Visual Classification", arXiv:1909.06335, 2019 (FedAvgM). The sign
 * convention matches Flower's {@code FedAvgM} (pseudo-gradient {@code x − mean(x_i)}, subtracted).
 *
 * <p>State ({@link #state()}): one tensor list, the velocity {@code v} in the model's layout
 * (empty before the first update). The velocity is kept in float32.
 */
public final class FedAvgM extends FedAvg implements StatefulStrategy {
  private final double serverLr;
  private final double momentum;
  private float[] velocity;

  /**
   * @param settings sampling, configuration and evaluation settings shared with FedAvg
   * @param serverLr the server learning rate η, &gt; 0
   * @param momentum the server momentum β, in [0, 1)
   * @throws IllegalArgumentException naming the parameter, value and valid range
   */
  public FedAvgM(FedAvg.Builder settings, double serverLr, double momentum) {
    super(settings);
    ServerOptimizers.positive("server_lr", serverLr);
    ServerOptimizers.halfOpenUnit("momentum", momentum);
    this.serverLr = serverLr;
    this.momentum = momentum;
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    return new ThenAggregation(super.beginFit(context), mean -> step(context.global(), mean));
  }

  private Parameters step(Parameters global, Parameters mean) {
    if (velocity == null) velocity = new float[(int) global.elementCount()];
    float[] v = velocity;
    return ParameterMath.zip(global, mean, (k, x, a) -> {
      v[k] = (float) (momentum * v[k] + ((double) a - x));
      return (float) (x + serverLr * v[k]);
    });
  }

  /** The state (see the class documentation for its layout). */
  @Override
  public StrategyState state() {
    if (velocity == null) return StrategyState.empty();
    return new StrategyState(ServerOptimizers.vector(velocity), Map.of());
  }

  /** Replaces the state with one {@link #state()} returned. */
  @Override
  public void restore(StrategyState state) {
    velocity = state.tensors().count() == 0 ? null : state.tensors().flatten();
  }

  @Override
  public String toString() {
    return "FedAvgM(server_lr=" + serverLr + ", momentum=" + momentum + ")";
  }

  /** The server-side step consumes only the weighted mean of the results. */
  @Override
  public boolean aggregatesWeightedMean() {
    return true;
  }
}
