package io.lianbang.sim;

import io.lianbang.core.aggregate.TrimmedMean;
import io.lianbang.core.strategy.CentralEvaluator;
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
import io.lianbang.core.task.Config;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Builds the strategy a {@link StrategySpec} names, with the hyper-parameters of
 * {@code strategy.params} (defaults in parentheses):
 * <table>
 *   <caption>strategies and their parameters</caption>
 *   <tr><td>fedavg</td><td>none</td></tr>
 *   <tr><td>fedavgm</td><td>server_lr (1), momentum (0.9)</td></tr>
 *   <tr><td>fedprox</td><td>mu (0.01)</td></tr>
 *   <tr><td>fedadagrad</td><td>eta (0.1), beta1 (0), tau (1e-9), v0 (tau²)</td></tr>
 *   <tr><td>fedadam</td><td>eta (0.1), beta1 (0.9), beta2 (0.99), tau (1e-9), v0 (tau²),
 *       bias_correction (0)</td></tr>
 *   <tr><td>fedyogi</td><td>eta (0.01), beta1 (0.9), beta2 (0.99), tau (1e-3), v0 (tau²),
 *       bias_correction (0)</td></tr>
 *   <tr><td>scaffold</td><td>server_lr (1)</td></tr>
 *   <tr><td>fednova</td><td>none (ρ is training.momentum)</td></tr>
 *   <tr><td>qfedavg</td><td>q (0.2); L is 1 / training.learning_rate</td></tr>
 *   <tr><td>median</td><td>none</td></tr>
 *   <tr><td>trimmed_mean</td><td>beta (0.2), in [0, 0.5)</td></tr>
 *   <tr><td>krum</td><td>f (0), m (1; m &gt; 1 is Multi-Krum), weighted (0); clients_per_round &gt; 2f + 2</td></tr>
 *   <tr><td>bulyan</td><td>f (0); clients_per_round &ge; 4f + 3</td></tr>
 * </table>
 * {@code v0} is the adaptive optimizers' initial second moment (τ² as Reddi et al., 0 as Flower),
 * {@code bias_correction} 1 applies Flower's FedAdam bias-corrected server rate, {@code weighted} 1
 * averages Multi-Krum's models weighted by examples as Flower does (0: unweighted as Blanchard et
 * al.); see {@link io.lianbang.core.strategy.FedOpt} and {@link Krum}.
 * Every strategy but scaffold also takes {@code norm_bound}: client updates are clipped to that
 * L2 norm before aggregation ({@link NormBounded}).
 */
public final class StrategyFactory {
  private StrategyFactory() {}

  /**
   * A simulation's strategy: exactly {@code s.clientsPerRound()} clients per round, {@code fit}
   * sent to each, centralized evaluation by {@code evaluator}; otherwise as
   * {@link #create(StrategySpec, TrainingSpec, Supplier, String, int)}.
   */
  static Strategy create(StrategySpec s, TrainingSpec training, Config fit, CentralEvaluator evaluator, int threads) {
    return create(s, training, () -> configure(FedAvg.builder(), s, fit, evaluator), "clients_per_round", threads);
  }

  /**
   * The strategy {@code s} names, built on the shared settings (sampling, fit configuration,
   * evaluation) that {@code base} gives, as a federation server does for the clients that dial in.
   * {@code s.clientsPerRound()} is the number of clients each round counts on, which bounds
   * Krum's and Bulyan's f and the trimmed mean's β.
   *
   * @param training the clients' local training (FedNova's ρ, q-FedAvg's L)
   * @param base a fresh builder with the shared settings applied, for each call
   * @param countKey the configuration key that sets {@code s.clientsPerRound()}, for error messages
   * @param threads threads the server may use for aggregation (Krum's distances)
   * @throws IllegalArgumentException naming the parameter, its value and the valid range if a
   *     hyper-parameter is unknown for the strategy or out of range
   */
  public static Strategy create(StrategySpec s, TrainingSpec training, Supplier<FedAvg.Builder> base, String countKey,
      int threads) {
    Params p = new Params(s);
    int n = s.clientsPerRound();
    Strategy strategy = switch (s.name()) {
      case "fedavg" -> p.done(base.get().build());
      case "fedavgm" -> p.done(new FedAvgM(base.get(),
          p.positive("server_lr", 1.0), p.unit("momentum", 0.9)));
      case "fedprox" -> p.done(new FedProx(base.get(), p.nonNegative("mu", 0.01)));
      case "fedadagrad" -> {
        double eta = p.positive("eta", 0.1);
        double beta1 = p.unit("beta1", 0.0);
        double tau = p.positive("tau", 1e-9);
        yield p.done(new FedAdagrad(base.get(), eta, beta1, tau, p.nonNegative("v0", tau * tau)));
      }
      case "fedadam" -> {
        double eta = p.positive("eta", 0.1);
        double beta1 = p.unit("beta1", 0.9);
        double beta2 = p.unit("beta2", 0.99);
        double tau = p.positive("tau", 1e-9);
        yield p.done(new FedAdam(base.get(), eta, beta1, beta2, tau,
            p.nonNegative("v0", tau * tau), p.flag("bias_correction", false)));
      }
      case "fedyogi" -> {
        double eta = p.positive("eta", 0.01);
        double beta1 = p.unit("beta1", 0.9);
        double beta2 = p.unit("beta2", 0.99);
        double tau = p.positive("tau", 1e-3);
        yield p.done(new FedYogi(base.get(), eta, beta1, beta2, tau,
            p.nonNegative("v0", tau * tau), p.flag("bias_correction", false)));
      }
      case "scaffold" -> p.done(new Scaffold(base.get(), p.positive("server_lr", 1.0)));
      case "fednova" -> p.done(new FedNova(base.get(), training.momentum()));
      case "qfedavg" -> p.done(new QFedAvg(base.get(),
          p.nonNegative("q", 0.2), training.learningRate()));
      case "median" -> p.done(new FedMedian(base.get()));
      case "trimmed_mean" -> {
        double beta = p.get("beta", 0.2);
        if (!(beta >= 0 && beta < 0.5)) throw new IllegalArgumentException("strategy.params.beta must be in [0, 0.5), got " + beta);
        TrimmedMean.trimmed(n, beta);
        yield p.done(new FedTrimmedAvg(base.get(), beta));
      }
      case "krum" -> {
        int f = p.integer("f", 0);
        int m = p.integer("m", 1);
        boolean weighted = p.flag("weighted", false);
        if (n <= 2 * f + 2) {
          throw new IllegalArgumentException("krum f=" + f + " is too large for n=" + n + " clients: need n > 2f + 2 "
              + "(strategy.params.f must be in [0, " + Math.max(0, (n - 3) / 2) + "] for " + countKey + " " + n + ")");
        }
        if (m < 1 || m > n) throw new IllegalArgumentException("strategy.params.m must be in [1, " + n + "], got " + m);
        yield p.done(new Krum(base.get(), f, m, weighted, threads));
      }
      case "bulyan" -> {
        int f = p.integer("f", 0);
        if (n < 4 * f + 3) {
          throw new IllegalArgumentException("bulyan f=" + f + " is too large for n=" + n + " clients: need n >= 4f + 3 "
              + "(strategy.params.f must be in [0, " + Math.max(0, (n - 3) / 4) + "] for " + countKey + " " + n + ")");
        }
        yield p.done(new Bulyan(base.get(), f, threads));
      }
      default -> throw new IllegalArgumentException("strategy.name is unknown: " + s.name()
          + " (valid: " + String.join(", ", StrategySpec.NAMES) + ")");
    };
    Double bound = s.params().get("norm_bound");
    if (bound == null) return strategy;
    if (s.name().equals("scaffold")) {
      throw new IllegalArgumentException("strategy.params.norm_bound is not supported by scaffold");
    }
    if (!(bound > 0) || !Double.isFinite(bound)) {
      throw new IllegalArgumentException("strategy.params.norm_bound must be > 0, got " + bound);
    }
    return new NormBounded(strategy, bound);
  }

  /** The parameters each strategy takes, for error messages. */
  private static final Map<String, String> VALID = Map.ofEntries(
      Map.entry("fedavg", "norm_bound"), Map.entry("fedavgm", "momentum, norm_bound, server_lr"),
      Map.entry("fedprox", "mu, norm_bound"), Map.entry("fedadagrad", "beta1, eta, norm_bound, tau, v0"),
      Map.entry("fedadam", "beta1, beta2, bias_correction, eta, norm_bound, tau, v0"),
      Map.entry("fedyogi", "beta1, beta2, bias_correction, eta, norm_bound, tau, v0"),
      Map.entry("scaffold", "server_lr"), Map.entry("fednova", "norm_bound"), Map.entry("qfedavg", "norm_bound, q"),
      Map.entry("median", "norm_bound"), Map.entry("trimmed_mean", "beta, norm_bound"),
      Map.entry("krum", "f, m, norm_bound, weighted"), Map.entry("bulyan", "f, norm_bound"));

  /** Applies the settings every strategy shares: exact per-round sample sizes, config, evaluation. */
  static <B extends FedAvg.Builder> B configure(B b, StrategySpec s, Config fit, CentralEvaluator evaluator) {
    b.fractionFit(0).minFitClients(s.clientsPerRound())
        .fractionEvaluate(0).minEvaluateClients(s.evaluateClientsPerRound())
        .minAvailableClients(s.clientsPerRound())
        .fitConfig(round -> fit)
        .centralEvaluator(evaluator);
    return b;
  }

  /** Reads {@code strategy.params}, checking ranges and that every given name was used. */
  private static final class Params {
    private final StrategySpec spec;
    private final Map<String, Double> unused;

    Params(StrategySpec spec) {
      this.spec = spec;
      this.unused = new TreeMap<>(spec.params());
      unused.remove("norm_bound");
    }

    double get(String name, double defaultValue) {
      Double v = unused.remove(name);
      return v == null ? defaultValue : v;
    }

    double positive(String name, double def) {
      double v = get(name, def);
      if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException("strategy.params." + name + " must be > 0, got " + v);
      return v;
    }

    double nonNegative(String name, double def) {
      double v = get(name, def);
      if (!(v >= 0) || !Double.isFinite(v)) throw new IllegalArgumentException("strategy.params." + name + " must be >= 0, got " + v);
      return v;
    }

    double unit(String name, double def) {
      double v = get(name, def);
      if (!(v >= 0 && v < 1)) throw new IllegalArgumentException("strategy.params." + name + " must be in [0, 1), got " + v);
      return v;
    }

    int integer(String name, int def) {
      double v = get(name, def);
      if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("strategy.params." + name + " must be a whole number >= 0, got " + v);
      }
      return (int) v;
    }

    /** A switch given as 0 (off) or 1 (on). */
    boolean flag(String name, boolean def) {
      double v = get(name, def ? 1 : 0);
      if (v != 0 && v != 1) throw new IllegalArgumentException("strategy.params." + name + " must be 0 or 1, got " + v);
      return v == 1;
    }

    /** Fails naming the first parameter the strategy does not take. */
    Strategy done(Strategy s) {
      if (!unused.isEmpty()) {
        String k = unused.keySet().iterator().next();
        throw new IllegalArgumentException("strategy.params." + k + " is not a parameter of " + spec.name()
            + " (valid: " + VALID.get(spec.name()) + ")");
      }
      return s;
    }
  }
}
