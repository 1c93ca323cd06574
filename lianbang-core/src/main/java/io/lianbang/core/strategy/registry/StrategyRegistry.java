package io.lianbang.core.strategy.registry;

import static io.lianbang.core.strategy.registry.ParameterRange.POSITIVE;

import io.lianbang.core.aggregate.TrimmedMean;
import io.lianbang.core.strategy.FedAdagrad;
import io.lianbang.core.strategy.FedAdam;
import io.lianbang.core.strategy.FedAvgM;
import io.lianbang.core.strategy.FedNova;
import io.lianbang.core.strategy.FedOpt;
import io.lianbang.core.strategy.FedProx;
import io.lianbang.core.strategy.FedYogi;
import io.lianbang.core.strategy.QFedAvg;
import io.lianbang.core.strategy.Scaffold;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.strategy.robust.Bulyan;
import io.lianbang.core.strategy.robust.FedMedian;
import io.lianbang.core.strategy.robust.FedTrimmedAvg;
import io.lianbang.core.strategy.robust.Krum;
import io.lianbang.core.strategy.robust.NormBounded;
import io.lianbang.core.text.Abbreviation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every strategy of the library by its {@code strategy.name}, with its hyper-parameters
 * ({@code strategy.params}): the one place that lists names and papers and builds strategies. Each
 * parameter (name, default, range) is declared once, as a constant of its strategy class (e.g.
 * {@link io.lianbang.core.strategy.FedProx#MU}), which both this registry and the strategy's
 * builder check values against; the factories build through those builders. {@code v0} is the
 * adaptive optimizers' initial second moment (τ² as Reddi et al., 0 as Flower),
 * {@code bias_correction} 1 applies Flower's FedAdam bias-corrected server rate, {@code weighted} 1
 * averages Multi-Krum's models weighted by examples as Flower does (0: unweighted as Blanchard et
 * al.); see {@link io.lianbang.core.strategy.FedOpt} and {@link Krum}.
 */
public final class StrategyRegistry {
  private StrategyRegistry() {}

  /** The decorator parameter every strategy but scaffold takes: client updates are clipped to this L2 norm ({@link NormBounded}). */
  public static final StrategyParameter NORM_BOUND = new StrategyParameter("norm_bound", "none", null, POSITIVE,
      "clip each client update to this L2 norm before aggregation (Sun et al. 2019)");

  /**
   * FedAdam or FedYogi as {@code name}, with its declared η, β1 and τ: the parameters and the
   * builder's setters check against the same declarations.
   */
  private static StrategyType adaptive(String name, StrategyParameter eta, StrategyParameter beta1, StrategyParameter tau,
      Supplier<? extends FedOpt.AdaptiveBuilder<?>> builder) {
    return new StrategyType(name, "adaptive server optimizer", "Reddi et al. 2021", List.of(
        eta, beta1, FedOpt.BETA2, tau, FedOpt.V0, FedOpt.BIAS_CORRECTION), true, "",
        (p, c) -> {
          double t = p.value(tau.name());
          return builder.get().settings(c.base().get()).eta(p.value(eta.name())).beta1(p.value(beta1.name()))
              .beta2(p.value(FedOpt.BETA2.name())).tau(t).v0(p.value(FedOpt.V0.name(), t * t))
              .biasCorrection(p.flag(FedOpt.BIAS_CORRECTION.name())).build();
        });
  }

  private static final List<StrategyType> TYPES = List.of(
      new StrategyType("fedavg", "FedAvg", "McMahan et al. 2017", List.of(), true, "",
          (p, c) -> c.base().get().build()),
      new StrategyType("fedavgm", "server momentum", "Hsu et al. 2019", List.of(FedAvgM.SERVER_LR, FedAvgM.MOMENTUM), true, "",
          (p, c) -> FedAvgM.builder().settings(c.base().get()).serverLr(p.value(FedAvgM.SERVER_LR.name()))
              .momentum(p.value(FedAvgM.MOMENTUM.name())).build()),
      new StrategyType("fedprox", "proximal term", "Li et al. 2020", List.of(FedProx.MU), true, "",
          (p, c) -> FedProx.builder().settings(c.base().get()).mu(p.value(FedProx.MU.name())).build()),
      new StrategyType("fedadagrad", "adaptive server optimizer", "Reddi et al. 2021", List.of(
          FedAdagrad.ETA, FedAdagrad.BETA1, FedAdagrad.TAU, FedOpt.V0), true, "",
          (p, c) -> {
            double tau = p.value(FedAdagrad.TAU.name());
            return FedAdagrad.builder().settings(c.base().get()).eta(p.value(FedAdagrad.ETA.name()))
                .beta1(p.value(FedAdagrad.BETA1.name())).tau(tau).v0(p.value(FedOpt.V0.name(), tau * tau)).build();
          }),
      adaptive("fedadam", FedAdam.ETA, FedAdam.BETA1, FedAdam.TAU, FedAdam::builder),
      adaptive("fedyogi", FedYogi.ETA, FedYogi.BETA1, FedYogi.TAU, FedYogi::builder),
      new StrategyType("scaffold", "control variates", "Karimireddy et al. 2020", List.of(Scaffold.SERVER_LR), false, "",
          (p, c) -> Scaffold.builder().settings(c.base().get()).serverLr(p.value(Scaffold.SERVER_LR.name())).build()),
      new StrategyType("fednova", "normalised averaging", "Wang et al. 2020", List.of(), true,
          "rho is training.momentum",
          (p, c) -> FedNova.builder().settings(c.base().get()).localMomentum(c.momentum()).build()),
      new StrategyType("qfedavg", "fair aggregation", "Li et al. 2020", List.of(QFedAvg.Q), true,
          "L is 1 / training.learning_rate",
          (p, c) -> QFedAvg.builder().settings(c.base().get()).q(p.value(QFedAvg.Q.name()))
              .learningRate(c.learningRate()).build()),
      new StrategyType("median", "coordinate-wise median", "Yin et al. 2018", List.of(), true, "",
          (p, c) -> FedMedian.builder().settings(c.base().get()).build()),
      new StrategyType("trimmed_mean", "coordinate-wise trimmed mean", "Yin et al. 2018", List.of(FedTrimmedAvg.BETA), true, "",
          (p, c) -> {
            double beta = p.value(FedTrimmedAvg.BETA.name());
            TrimmedMean.trimmed(c.clientsPerRound(), beta);
            return FedTrimmedAvg.builder().settings(c.base().get()).beta(beta).build();
          }),
      new StrategyType("krum", "Krum / Multi-Krum", "Blanchard et al. 2017", List.of(Krum.F, Krum.M, Krum.WEIGHTED), true, "",
          (p, c) -> {
            int f = p.integer(Krum.F.name());
            int m = p.integer(Krum.M.name());
            boolean weighted = p.flag(Krum.WEIGHTED.name());
            int n = c.clientsPerRound();
            if (n <= 2 * f + 2) {
              throw new IllegalArgumentException("krum f=" + f + " is too large for n=" + n + " clients: need n > 2f + 2 "
                  + "(strategy.params.f must be in [0, " + Math.max(0, (n - 3) / 2) + "] for strategy.clients_per_round " + n + ")");
            }
            if (m < 1 || m > n) throw new IllegalArgumentException("strategy.params.m must be in [1, " + n + "], got " + m);
            return Krum.builder().settings(c.base().get()).f(f).m(m).weighted(weighted).threads(c.threads()).build();
          }),
      new StrategyType("bulyan", "Bulyan", "El Mhamdi et al. 2018", List.of(Bulyan.F), true, "",
          (p, c) -> {
            int f = p.integer(Bulyan.F.name());
            int n = c.clientsPerRound();
            if (n < 4 * f + 3) {
              throw new IllegalArgumentException("bulyan f=" + f + " is too large for n=" + n + " clients: need n >= 4f + 3 "
                  + "(strategy.params.f must be in [0, " + Math.max(0, (n - 3) / 4) + "] for strategy.clients_per_round " + n + ")");
            }
            return Bulyan.builder().settings(c.base().get()).f(f).threads(c.threads()).build();
          }));

  /** Every strategy, in the order help and errors list them. */
  public static List<StrategyType> types() {
    return TYPES;
  }

  /** Every {@code strategy.name}, in the order of {@link #types()}. */
  public static List<String> names() {
    return TYPES.stream().map(StrategyType::name).toList();
  }

  /** The strategy called {@code name}, if any. */
  public static Optional<StrategyType> find(String name) {
    return TYPES.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /**
   * The strategy called {@code name}.
   *
   * @throws IllegalArgumentException listing the valid names and the (abbreviated) value otherwise
   */
  public static StrategyType type(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException("strategy.name must be one of "
        + String.join(", ", names()) + ", got " + Abbreviation.abbreviate(name)));
  }

  /**
   * Builds the strategy {@code name} with the hyper-parameters {@code params} on the shared
   * settings of {@code context}, wrapped in {@link NormBounded} if {@code params} has {@code norm_bound}.
   *
   * @throws IllegalArgumentException naming the parameter, its value and the valid range if the
   *     name is unknown, or a hyper-parameter is unknown for the strategy or out of range
   */
  public static Strategy create(String name, Map<String, Double> params, StrategyContext context) {
    StrategyType type = type(name);
    StrategyParameters values = new StrategyParameters(type, params);
    Strategy strategy = type.factory().create(values, context);
    values.requireAllUsed();
    Double bound = params.get(NORM_BOUND.name());
    if (bound == null) return strategy;
    if (!type.normBound()) {
      throw new IllegalArgumentException("strategy.params.norm_bound is not supported by " + name);
    }
    return new NormBounded(strategy, NORM_BOUND.range().check("strategy.params.norm_bound", bound));
  }
}
