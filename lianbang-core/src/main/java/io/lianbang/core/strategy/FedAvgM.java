package io.lianbang.core.strategy;

import static io.lianbang.core.strategy.registry.ParameterRange.POSITIVE;
import static io.lianbang.core.strategy.registry.ParameterRange.UNIT;
import static io.lianbang.core.strategy.registry.StrategyParameter.of;

import io.lianbang.core.strategy.registry.StrategyParameter;
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
  /** The server learning rate η. */
  public static final StrategyParameter SERVER_LR = of("server_lr", "1", POSITIVE, "server learning rate");
  /** The server momentum β. */
  public static final StrategyParameter MOMENTUM = of("momentum", "0.9", UNIT, "server momentum");

  private final double serverLr;
  private final double momentum;
  private float[] velocity;

  private FedAvgM(Builder b) {
    super(b);
    this.serverLr = b.serverLr;
    this.momentum = b.momentum;
  }

  /** A builder with the defaults above and FedAvg's shared defaults. */
  public static Builder builder() {
    return new Builder();
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

  /** Configures a {@link FedAvgM}; setters check their value and name the property. */
  public static final class Builder extends StrategyBuilder<Builder> {
    private double serverLr = SERVER_LR.defaultValue();
    private double momentum = MOMENTUM.defaultValue();

    private Builder() {}

    /** The server learning rate η, &gt; 0. */
    public Builder serverLr(double v) {
      this.serverLr = SERVER_LR.check("serverLr", v);
      return this;
    }

    /** The server momentum β, in [0, 1). */
    public Builder momentum(double v) {
      this.momentum = MOMENTUM.check("momentum", v);
      return this;
    }

    @Override
    public FedAvgM build() {
      return new FedAvgM(this);
    }
  }
}
