package io.lianbang.core.strategy;

import static io.lianbang.core.strategy.registry.ParameterRange.POSITIVE;
import static io.lianbang.core.strategy.registry.StrategyParameter.of;

import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.aggregate.WeightedMetrics;
import io.lianbang.core.strategy.registry.StrategyParameter;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * SCAFFOLD: stochastic controlled averaging. The server keeps a control variate {@code c} and
 * each client {@code i} its own {@code c_i}; clients correct every local step by
 * {@code −η_l·(c − c_i)}, which removes the client drift of FedAvg under heterogeneous data. The
 * engine applies the correction after each optimizer step, outside momentum, as NIID-Bench does
 * (with plain SGD this is exactly the paper's corrected gradient step).
 *
 * <p>Wire layout. The parameters sent to a client are the model's tensors followed by {@code c}
 * in the same shapes ({@code 2k} tensors for a model of {@code k}); the config carries
 * {@value #CONFIG_KEY}{@code = true}. A client answers with its trained model {@code y_i}
 * followed by {@code Δc_i = c_i⁺ − c_i} in the same layout (the federation checks that results
 * have the layout that was sent), where (option II of the paper)
 * {@code c_i⁺ = c_i − c + (x − y_i) / (K·η_l)} for K local steps of learning rate η_l. Clients
 * start with {@code c_i = 0} and keep it between rounds.
 *
 * <p>Server update with S the clients that answered and N the clients available:
 * {@code x ← x + η_g · (Σ n_i y_i / Σ n_i − x)} (example-weighted, as FedAvg and NIID-Bench) and
 * {@code c ← c + |S|/N · mean(Δc_i)}.
 *
 * <p>Reference: S. P. Karimireddy, S. Kale, M. Mohri, S. J. Reddi, S. U. Stich, A. T. Suresh,
 * "SCAFFOLD: Stochastic Controlled Averaging for Federated Learning", ICML 2020 (Algorithm 1).
 *
 * <p>State ({@link #state()}): one tensor, {@code c} flattened (empty before the first round).
 */
public final class Scaffold extends FedAvg implements StatefulStrategy {
  /** The fit configuration key telling clients to run SCAFFOLD's corrected local training. */
  public static final String CONFIG_KEY = "scaffold";

  /** The global learning rate η_g (1 in the paper's experiments). */
  public static final StrategyParameter SERVER_LR = of("server_lr", "1", POSITIVE, "server learning rate");

  private final double serverLr;
  private float[] c;
  private int population;

  private Scaffold(Builder b) {
    super(b);
    this.serverLr = b.serverLr;
  }

  /** A builder with the default η_g above and FedAvg's shared defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The model's tensors followed by {@code control} in the same shapes. */
  public static Parameters withControl(Parameters model, Parameters control) {
    List<Tensor> ts = new ArrayList<>(model.tensors());
    ts.addAll(control.tensors());
    return Parameters.of(ts);
  }

  /** Tensors {@code [from, to)} of {@code p}. */
  public static Parameters part(Parameters p, int from, int to) {
    return Parameters.of(p.tensors().subList(from, to));
  }

  @Override
  protected Config fitConfig(int round) {
    return super.fitConfig(round).with(CONFIG_KEY, true);
  }

  @Override
  public List<ClientInstruction> configureFit(int round, Parameters global, List<String> available, SplittableRandom rng) {
    population = available.size();
    if (c == null) c = new float[(int) global.elementCount()];
    Parameters sent = withControl(global, Parameters.unflatten(global.shapes(), c));
    List<ClientInstruction> out = new ArrayList<>();
    for (ClientInstruction in : super.configureFit(round, global, available, rng)) {
      out.add(new ClientInstruction(in.clientId(), sent, in.config()));
    }
    return out;
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    return new Aggregation(context.global());
  }

  private final class Aggregation implements FitAggregation {
    private final Parameters global;
    private final ExactWeightedSum models;
    private final ExactWeightedSum controls;
    private final WeightedMetrics metrics = new WeightedMetrics();

    Aggregation(Parameters global) {
      this.global = global;
      this.models = new ExactWeightedSum(global);
      this.controls = new ExactWeightedSum(global);
    }

    @Override
    public void accept(String clientId, FitResult result) {
      int k = global.count();
      Parameters p = result.parameters();
      if (p.count() != 2 * k) {
        throw new IllegalArgumentException("scaffold expects " + 2 * k + " tensors (model, then control variate delta), got " + p.count());
      }
      models.add(part(p, 0, k), result.numExamples());
      controls.add(part(p, k, 2 * k), 1);
      metrics.add(clientId, result.metrics(), result.numExamples());
    }

    @Override
    public FitOutcome complete(List<ClientFailure> failures) {
      if (models.terms() == 0) return new FitOutcome(Optional.empty(), metrics.mean());
      double share = (double) controls.terms() / Math.max(population, controls.terms());
      Parameters out = ParameterMath.zip(global, models.mean(), (j, x, y) -> (float) (x + serverLr * ((double) y - x)));
      ParameterMath.addScaledTo(c, share, controls.mean());
      return new FitOutcome(Optional.of(out), metrics.mean());
    }
  }

  /** The state (see the class documentation for its layout). */
  @Override
  public StrategyState state() {
    if (c == null) return StrategyState.empty();
    return new StrategyState(ServerOptimizers.vector(c), Map.of());
  }

  /** Replaces the state with one {@link #state()} returned. */
  @Override
  public void restore(StrategyState state) {
    c = state.tensors().count() == 0 ? null : state.tensors().flatten();
  }

  @Override
  public String toString() {
    return "Scaffold(server_lr=" + serverLr + ")";
  }

  /** Configures a {@link Scaffold}; setters check their value and name the property. */
  public static final class Builder extends StrategyBuilder<Builder> {
    private double serverLr = SERVER_LR.defaultValue();

    private Builder() {}

    /** The global learning rate η_g, &gt; 0. */
    public Builder serverLr(double v) {
      this.serverLr = SERVER_LR.check("serverLr", v);
      return this;
    }

    @Override
    public Scaffold build() {
      return new Scaffold(this);
    }
  }
}
