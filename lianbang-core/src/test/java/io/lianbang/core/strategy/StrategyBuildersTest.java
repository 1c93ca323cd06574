package io.lianbang.core.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lianbang.core.strategy.registry.StrategyContext;
import io.lianbang.core.strategy.registry.StrategyParameter;
import io.lianbang.core.strategy.registry.StrategyRegistry;
import io.lianbang.core.strategy.robust.Bulyan;
import io.lianbang.core.strategy.robust.FedMedian;
import io.lianbang.core.strategy.robust.FedTrimmedAvg;
import io.lianbang.core.strategy.robust.Krum;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The builders of the strategies other than the adaptive optimizers ({@link FedOptBuilderTest}):
 * defaults as the papers, Flower and the registry give them, setters that refuse out-of-range values
 * naming the property, and FedAvg's shared settings carried over.
 */
class StrategyBuildersTest {
  private static String error(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  /** The registry's strategy {@code name} with no parameters, for clients training with momentum 0 and rate 0.1. */
  private static String registryDefault(String name) {
    StrategyContext c = new StrategyContext(FedAvg::builder, 7, 0, 0.1, 1);
    return StrategyRegistry.create(name, Map.of(), c).toString();
  }

  @Test
  void defaultsAreTheDeclaredOnesAndTheRegistrys() {
    assertEquals("FedProx(mu=0.01)", FedProx.builder().build().toString());
    assertEquals("FedAvgM(server_lr=1.0, momentum=0.9)", FedAvgM.builder().build().toString());
    assertEquals("Scaffold(server_lr=1.0)", Scaffold.builder().build().toString());
    assertEquals("FedNova(local_momentum=0.0)", FedNova.builder().build().toString());
    assertEquals("QFedAvg(q=0.2, L=10.0)", QFedAvg.builder().build().toString());
    assertEquals("FedMedian", FedMedian.builder().build().toString());
    assertEquals("FedTrimmedAvg(beta=0.2)", FedTrimmedAvg.builder().build().toString());
    assertEquals("Krum(f=0, m=1, weighted=false)", Krum.builder().build().toString());
    assertEquals("Bulyan(f=0)", Bulyan.builder().build().toString());

    assertEquals(registryDefault("fedprox"), FedProx.builder().build().toString());
    assertEquals(registryDefault("fedavgm"), FedAvgM.builder().build().toString());
    assertEquals(registryDefault("scaffold"), Scaffold.builder().build().toString());
    assertEquals(registryDefault("fednova"), FedNova.builder().build().toString());
    assertEquals(registryDefault("qfedavg"), QFedAvg.builder().build().toString());
    assertEquals(registryDefault("median"), FedMedian.builder().build().toString());
    assertEquals(registryDefault("trimmed_mean"), FedTrimmedAvg.builder().build().toString());
    assertEquals(registryDefault("krum"), Krum.builder().build().toString());
    assertEquals(registryDefault("bulyan"), Bulyan.builder().build().toString());
  }

  @Test
  void theRegistryListsTheParametersTheStrategiesDeclare() {
    assertEquals(List.of(FedProx.MU), StrategyRegistry.type("fedprox").parameters());
    assertEquals(List.of(FedAvgM.SERVER_LR, FedAvgM.MOMENTUM), StrategyRegistry.type("fedavgm").parameters());
    assertEquals(List.of(Scaffold.SERVER_LR), StrategyRegistry.type("scaffold").parameters());
    assertEquals(List.of(QFedAvg.Q), StrategyRegistry.type("qfedavg").parameters());
    assertEquals(List.of(FedTrimmedAvg.BETA), StrategyRegistry.type("trimmed_mean").parameters());
    assertEquals(List.of(Krum.F, Krum.M, Krum.WEIGHTED), StrategyRegistry.type("krum").parameters());
    assertEquals(List.of(Bulyan.F), StrategyRegistry.type("bulyan").parameters());
    assertEquals(List.of(FedAdam.ETA, FedAdam.BETA1, FedOpt.BETA2, FedAdam.TAU, FedOpt.V0, FedOpt.BIAS_CORRECTION),
        StrategyRegistry.type("fedadam").parameters());
    assertEquals(List.of(FedAdagrad.ETA, FedAdagrad.BETA1, FedAdagrad.TAU, FedOpt.V0), StrategyRegistry.type("fedadagrad").parameters());
    // the defaults the README's strategy table documents
    assertEquals(List.of(0.01, 1.0, 0.9, 1.0, 0.2, 0.2), List.of(FedProx.MU, FedAvgM.SERVER_LR, FedAvgM.MOMENTUM,
        Scaffold.SERVER_LR, QFedAvg.Q, FedTrimmedAvg.BETA).stream().map(StrategyParameter::defaultValue).toList());
  }

  @Test
  void settersRefuseOutOfRangeValuesNamingTheProperty() {
    assertEquals("mu must be >= 0, got -1.0", error(() -> FedProx.builder().mu(-1)));
    assertEquals("parallelFolds must be >= 1, got 0", error(() -> FedAvg.builder().parallelFolds(0)));
    assertEquals("serverLr must be > 0, got 0.0", error(() -> FedAvgM.builder().serverLr(0)));
    assertEquals("momentum must be in [0, 1), got 1.0", error(() -> FedAvgM.builder().momentum(1)));
    assertEquals("serverLr must be > 0, got Infinity", error(() -> Scaffold.builder().serverLr(Double.POSITIVE_INFINITY)));
    assertEquals("localMomentum must be in [0, 1), got -0.5", error(() -> FedNova.builder().localMomentum(-0.5)));
    assertEquals("q must be >= 0, got NaN", error(() -> QFedAvg.builder().q(Double.NaN)));
    assertEquals("learningRate must be > 0, got -0.1", error(() -> QFedAvg.builder().learningRate(-0.1)));
    assertEquals("beta must be in [0, 0.5), got 0.5", error(() -> FedTrimmedAvg.builder().beta(0.5)));
    assertEquals("f must be a whole number >= 0, got -1.0", error(() -> Krum.builder().f(-1)));
    assertEquals("m must be >= 1, got 0", error(() -> Krum.builder().m(0)));
    assertEquals("threads must be >= 1, got 0", error(() -> Krum.builder().threads(0)));
    assertEquals("f must be a whole number >= 0, got -2.0", error(() -> Bulyan.builder().f(-2)));
    assertEquals("threads must be >= 1, got -1", error(() -> Bulyan.builder().threads(-1)));
  }

  @Test
  void sharedSettersChainWithTheStrategysOwn() {
    FedProx s = FedProx.builder().minFitClients(5).mu(0.5).minAvailableClients(7).build();
    assertEquals("FedProx(mu=0.5)", s.toString());
    assertEquals(7, s.minAvailableClients());
    Krum k = Krum.builder().f(1).minFitClients(6).m(2).minAvailableClients(6).weighted(true).build();
    assertEquals("Krum(f=1, m=2, weighted=true)", k.toString());
    assertEquals(6, k.minAvailableClients());
  }

  @Test
  void settingsCopiesEverySharedSetting() {
    Parameters model = Parameters.of(Tensor.vector(1, 2));
    EvalResult central = new EvalResult(0.25, 3, Metrics.empty());
    FedAvg.Builder shared = FedAvg.builder().fractionFit(0).minFitClients(3).fractionEvaluate(0).minEvaluateClients(2)
        .minAvailableClients(4).fitConfig(r -> Config.empty().with("fit_round", r))
        .evaluateConfig(r -> Config.empty().with("eval_round", r)).centralEvaluator((r, p) -> central);
    FedTrimmedAvg s = FedTrimmedAvg.builder().settings(shared).beta(0.1).build();
    List<String> clients = List.of("a", "b", "c", "d", "e");
    assertEquals(4, s.minAvailableClients());
    List<ClientInstruction> fit = s.configureFit(2, model, clients, new SplittableRandom(1));
    assertEquals(3, fit.size());
    assertEquals(2.0, fit.get(0).config().getDouble("fit_round", -1));
    List<ClientInstruction> evaluate = s.configureEvaluate(5, model, clients, new SplittableRandom(1));
    assertEquals(2, evaluate.size());
    assertEquals(5.0, evaluate.get(0).config().getDouble("eval_round", -1));
    assertEquals(central, s.evaluate(1, model).orElseThrow());
  }
}
