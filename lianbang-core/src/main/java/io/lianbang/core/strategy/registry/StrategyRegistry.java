package io.lianbang.core.strategy.registry;

import static io.lianbang.core.strategy.registry.ParameterRange.FLAG;
import static io.lianbang.core.strategy.registry.ParameterRange.HALF;
import static io.lianbang.core.strategy.registry.ParameterRange.NON_NEGATIVE;
import static io.lianbang.core.strategy.registry.ParameterRange.POSITIVE;
import static io.lianbang.core.strategy.registry.ParameterRange.UNIT;
import static io.lianbang.core.strategy.registry.ParameterRange.WHOLE;
import static io.lianbang.core.strategy.registry.StrategyParameter.derived;
import static io.lianbang.core.strategy.registry.StrategyParameter.of;

import io.lianbang.core.aggregate.TrimmedMean;
import io.lianbang.core.strategy.FedAdagrad;
import io.lianbang.core.strategy.FedAdam;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FedAvgM;
import io.lianbang.core.strategy.FedNova;
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

/**
 * Every strategy of the library by its {@code strategy.name}, with its hyper-parameters
 * ({@code strategy.params}): the one place that declares names, defaults, ranges and papers and
 * builds strategies from them. {@code v0} is the adaptive optimizers' initial second moment (τ² as
 * Reddi et al., 0 as Flower), {@code bias_correction} 1 applies Flower's FedAdam bias-corrected
 * server rate, {@code weighted} 1 averages Multi-Krum's models weighted by examples as Flower does
 * (0: unweighted as Blanchard et al.); see {@link io.lianbang.core.strategy.FedOpt} and {@link Krum}.
 */
public final class StrategyRegistry {
  private StrategyRegistry() {}

  /** The decorator parameter every strategy but scaffold takes: client updates are clipped to this L2 norm ({@link NormBounded}). */
  public static final StrategyParameter NORM_BOUND = new StrategyParameter("norm_bound", "none", null, POSITIVE,
      "clip each client update to this L2 norm before aggregation (Sun et al. 2019)");

  private static final StrategyParameter V0 = derived("v0", "τ²", NON_NEGATIVE, "initial second moment (0 as Flower)");
  private static final StrategyParameter BIAS_CORRECTION = of("bias_correction", "0", FLAG,
      "1 scales eta by sqrt(1 - beta2^(t+1)) / (1 - beta1^(t+1)) in round t, as Flower's FedAdam");

  /** The full constructor of an adaptive optimizer whose second moment decays with β2. */
  private interface AdaptiveConstructor {
    Strategy create(FedAvg.Builder settings, double eta, double beta1, double beta2, double tau, double v0,
        boolean biasCorrection);
  }

  /** FedAdam or FedYogi as {@code name}: η and τ default as given, β1 to 0.9 and β2 to 0.99. */
  private static StrategyType adaptive(String name, String eta, String tau, AdaptiveConstructor constructor) {
    return new StrategyType(name, "adaptive server optimizer", "Reddi et al. 2021", List.of(
        of("eta", eta, POSITIVE, "server learning rate"),
        of("beta1", "0.9", UNIT, "first-moment decay"),
        of("beta2", "0.99", UNIT, "second-moment decay"),
        of("tau", tau, POSITIVE, "adaptivity"), V0, BIAS_CORRECTION), true, "",
        (p, c) -> {
          double t = p.value("tau");
          return constructor.create(c.base().get(), p.value("eta"), p.value("beta1"), p.value("beta2"), t,
              p.value("v0", t * t), p.flag("bias_correction"));
        });
  }

  private static final List<StrategyType> TYPES = List.of(
      new StrategyType("fedavg", "FedAvg", "McMahan et al. 2017", List.of(), true, "",
          (p, c) -> c.base().get().build()),
      new StrategyType("fedavgm", "server momentum", "Hsu et al. 2019", List.of(
          of("server_lr", "1", POSITIVE, "server learning rate"),
          of("momentum", "0.9", UNIT, "server momentum")), true, "",
          (p, c) -> new FedAvgM(c.base().get(), p.value("server_lr"), p.value("momentum"))),
      new StrategyType("fedprox", "proximal term", "Li et al. 2020", List.of(
          of("mu", "0.01", NON_NEGATIVE, "weight of the proximal term mu/2 |w - w_global|^2 in the client objective")), true, "",
          (p, c) -> new FedProx(c.base().get(), p.value("mu"))),
      new StrategyType("fedadagrad", "adaptive server optimizer", "Reddi et al. 2021", List.of(
          of("eta", "0.1", POSITIVE, "server learning rate"),
          of("beta1", "0", UNIT, "first-moment decay"),
          of("tau", "1e-9", POSITIVE, "adaptivity"), V0), true, "",
          (p, c) -> {
            double eta = p.value("eta");
            double beta1 = p.value("beta1");
            double tau = p.value("tau");
            return new FedAdagrad(c.base().get(), eta, beta1, tau, p.value("v0", tau * tau));
          }),
      adaptive("fedadam", "0.1", "1e-9", FedAdam::new),
      adaptive("fedyogi", "0.01", "1e-3", FedYogi::new),
      new StrategyType("scaffold", "control variates", "Karimireddy et al. 2020", List.of(
          of("server_lr", "1", POSITIVE, "server learning rate")), false, "",
          (p, c) -> new Scaffold(c.base().get(), p.value("server_lr"))),
      new StrategyType("fednova", "normalised averaging", "Wang et al. 2020", List.of(), true,
          "rho is training.momentum",
          (p, c) -> new FedNova(c.base().get(), c.momentum())),
      new StrategyType("qfedavg", "fair aggregation", "Li et al. 2020", List.of(
          of("q", "0.2", NON_NEGATIVE, "fairness exponent")), true, "L is 1 / training.learning_rate",
          (p, c) -> new QFedAvg(c.base().get(), p.value("q"), c.learningRate())),
      new StrategyType("median", "coordinate-wise median", "Yin et al. 2018", List.of(), true, "",
          (p, c) -> new FedMedian(c.base().get())),
      new StrategyType("trimmed_mean", "coordinate-wise trimmed mean", "Yin et al. 2018", List.of(
          of("beta", "0.2", HALF, "share of values trimmed from each end")), true, "",
          (p, c) -> {
            double beta = p.value("beta");
            TrimmedMean.trimmed(c.clientsPerRound(), beta);
            return new FedTrimmedAvg(c.base().get(), beta);
          }),
      new StrategyType("krum", "Krum / Multi-Krum", "Blanchard et al. 2017", List.of(
          of("f", "0", WHOLE, "Byzantine clients tolerated; clients per round > 2f + 2"),
          of("m", "1", WHOLE, "models averaged (m > 1 is Multi-Krum), in [1, clients per round]"),
          of("weighted", "0", FLAG, "1 averages the m models weighted by examples as Flower, 0 equally as the paper")), true, "",
          (p, c) -> {
            int f = p.integer("f");
            int m = p.integer("m");
            boolean weighted = p.flag("weighted");
            int n = c.clientsPerRound();
            if (n <= 2 * f + 2) {
              throw new IllegalArgumentException("krum f=" + f + " is too large for n=" + n + " clients: need n > 2f + 2 "
                  + "(strategy.params.f must be in [0, " + Math.max(0, (n - 3) / 2) + "] for " + c.countKey() + " " + n + ")");
            }
            if (m < 1 || m > n) throw new IllegalArgumentException("strategy.params.m must be in [1, " + n + "], got " + m);
            return new Krum(c.base().get(), f, m, weighted, c.threads());
          }),
      new StrategyType("bulyan", "Bulyan", "El Mhamdi et al. 2018", List.of(
          of("f", "0", WHOLE, "Byzantine clients tolerated; clients per round >= 4f + 3")), true, "",
          (p, c) -> {
            int f = p.integer("f");
            int n = c.clientsPerRound();
            if (n < 4 * f + 3) {
              throw new IllegalArgumentException("bulyan f=" + f + " is too large for n=" + n + " clients: need n >= 4f + 3 "
                  + "(strategy.params.f must be in [0, " + Math.max(0, (n - 3) / 4) + "] for " + c.countKey() + " " + n + ")");
            }
            return new Bulyan(c.base().get(), f, c.threads());
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
