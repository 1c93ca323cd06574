package io.lianbang.core.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lianbang.core.strategy.registry.StrategyContext;
import io.lianbang.core.strategy.registry.StrategyRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FedOptBuilderTest {
  private static String error(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void defaultsAreThePapersAndTheRegistrys() {
    assertEquals("FedAdam(eta=0.1, beta1=0.9, beta2=0.99, tau=1.0E-9, v0=1.0E-18, biasCorrection=false)",
        FedAdam.builder().build().toString());
    assertEquals("FedYogi(eta=0.01, beta1=0.9, beta2=0.99, tau=0.001, v0=1.0E-6, biasCorrection=false)",
        FedYogi.builder().build().toString());
    assertEquals("FedAdagrad(eta=0.1, beta1=0.0, beta2=0.0, tau=1.0E-9, v0=1.0E-18, biasCorrection=false)",
        FedAdagrad.builder().build().toString());
    StrategyContext c = new StrategyContext(FedAvg::builder, 2, 0, 0.1, 1);
    for (String name : new String[] {"fedadam", "fedyogi", "fedadagrad"}) {
      FedOpt.Builder<?> b = switch (name) {
        case "fedadam" -> FedAdam.builder();
        case "fedyogi" -> FedYogi.builder();
        default -> FedAdagrad.builder();
      };
      assertEquals(StrategyRegistry.create(name, Map.of(), c).toString(), b.build().toString(), name);
    }
  }

  @Test
  void settersInAnyOrderBuildWhatTheConstructorBuilds() {
    FedAdam built = FedAdam.builder().minFitClients(5).eta(0.2).beta1(0.5).fractionFit(0).beta2(0.9).tau(0.5)
        .biasCorrection(true).minAvailableClients(7).build();
    FedAdam constructed = FedAdam.builder().settings(FedAvg.builder().minFitClients(5).fractionFit(0).minAvailableClients(7))
        .eta(0.2).beta1(0.5).beta2(0.9).tau(0.5).v0(0.25).biasCorrection(true).build();
    assertEquals(constructed.toString(), built.toString());
    assertEquals("FedAdam(eta=0.2, beta1=0.5, beta2=0.9, tau=0.5, v0=0.25, biasCorrection=true)", built.toString());
    assertEquals(7, built.minAvailableClients());
    assertEquals("FedYogi(eta=0.01, beta1=0.9, beta2=0.99, tau=0.001, v0=0.0, biasCorrection=false)",
        FedYogi.builder().v0(0).build().toString());
  }

  @Test
  void settersRefuseOutOfRangeValuesNamingTheProperty() {
    assertEquals("eta must be > 0, got 0.0", error(() -> FedAdam.builder().eta(0)));
    assertEquals("beta1 must be in [0, 1), got 1.0", error(() -> FedYogi.builder().beta1(1)));
    assertEquals("beta2 must be in [0, 1), got -0.1", error(() -> FedAdam.builder().beta2(-0.1)));
    assertEquals("tau must be > 0, got Infinity", error(() -> FedAdagrad.builder().tau(Double.POSITIVE_INFINITY)));
    assertEquals("v0 must be >= 0, got NaN", error(() -> FedAdagrad.builder().v0(Double.NaN)));
  }
}
