package io.lianbang.core.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lianbang.core.strategy.robust.Krum;
import io.lianbang.core.strategy.robust.NormBounded;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every server update on a one-value model worked out by hand. Global model x = 1; client a
 * returns 2 with 1 example, client b returns 4 with 3 examples, so the example-weighted mean is
 * 3.5 and the pseudo-gradient Δ = 2.5.
 */
class StrategyHandComputedTest {
  private static Parameters one(double v) {
    return Parameters.of(Tensor.vector((float) v));
  }

  /** The context of a round that no sampling preceded. */
  private static RoundContext context(int round, Parameters global) {
    return new RoundContext(round, global, List.of(), List.of(), new SplittableRandom(round));
  }

  private static FedAvg.Builder settings() {
    return FedAvg.builder().minFitClients(2).minAvailableClients(2);
  }

  private static float round(Strategy s, double global, Metrics ma, Metrics mb) {
    return round(s, 1, global, ma, mb);
  }

  private static float round(Strategy s, int round, double global, Metrics ma, Metrics mb) {
    FitAggregation agg = s.beginFit(context(round, one(global)));
    agg.accept("a", new FitResult(one(2), 1, ma));
    agg.accept("b", new FitResult(one(4), 3, mb));
    return agg.complete(List.of()).parameters().orElseThrow().tensor(0).get(0);
  }

  private static float round(Strategy s, double global) {
    return round(s, global, Metrics.empty(), Metrics.empty());
  }

  @Test
  void fedAvgIsTheExampleWeightedMean() {
    assertEquals(3.5f, round(settings().build(), 1));
  }

  @Test
  void fedAvgMAccumulatesServerMomentum() {
    FedAvgM s = FedAvgM.builder().settings(settings()).serverLr(1.0).momentum(0.5).build();
    assertEquals(3.5f, round(s, 1)); // v = 2.5, x = 1 + 2.5
    // from x = 3.5 the same answers give Δ = 0: v = 0.5 * 2.5 = 1.25, x = 4.75
    assertEquals(4.75f, round(s, 3.5));
    assertArrayEquals(new float[] {1.25f}, s.state().tensors().flatten());
  }

  @Test
  void fedAvgMStateRoundTrips() {
    FedAvgM a = FedAvgM.builder().settings(settings()).serverLr(0.5).momentum(0.9).build();
    round(a, 1);
    FedAvgM b = FedAvgM.builder().settings(settings()).serverLr(0.5).momentum(0.9).build();
    b.importState(a.exportState()); // the checkpoint form: bytes
    assertEquals(round(a, 2), round(b, 2));
    Scaffold s = Scaffold.builder().settings(settings()).serverLr(1).build();
    s.configureFit(1, one(1), List.of("a", "b"), new SplittableRandom(1));
    Scaffold t = Scaffold.builder().settings(settings()).serverLr(1).build();
    t.importState(s.exportState());
    assertEquals(s.state(), t.state());
    assertEquals("strategy state: not a Lianbang strategy state",
        assertThrows(IllegalArgumentException.class, () -> StrategyState.fromBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})).getMessage());
  }

  @Test
  void fedAdagradByHand() {
    // m = Δ = 2.5 (β1 = 0); v = τ² + Δ² = 6.2501; x = 1 + 0.1 · 2.5 / (√6.2501 + 0.01)
    assertEquals(1.0996007999968, round(FedAdagrad.builder().settings(settings()).eta(0.1).beta1(0).tau(0.01).build(), 1),
        1e-6);
  }

  @Test
  void fedAdamByHand() {
    // m = 0.1 · 2.5 = 0.25; v = 0.99 · 1e-4 + 0.01 · 6.25 = 0.062599; x = 1 + 0.1 · 0.25 / (√v + 0.01)
    assertEquals(1.0960807059529103, round(FedAdam.builder().settings(settings()).eta(0.1).beta1(0.9).beta2(0.99).tau(0.01)
        .build(), 1), 1e-6);
  }

  @Test
  void fedYogiByHand() {
    // v = 1e-4 − 0.01 · 6.25 · sign(1e-4 − 6.25) = 0.0626; x = 1 + 0.1 · 0.25 / (√0.0626 + 0.01)
    assertEquals(1.0960799680255744, round(FedYogi.builder().settings(settings()).eta(0.1).beta1(0.9).beta2(0.99).tau(0.01)
        .build(), 1), 1e-6);
  }

  @Test
  void fedAdamAsFlowerByHand() {
    // v0 = 0: m = 0.25; v = 0.01 · 6.25 = 0.0625, √v = 0.25; bias-corrected rate of round 1:
    // η₁ = 0.1 · √(1 − 0.99²) / (1 − 0.9²) = 0.1 · √0.0199 / 0.19 = 0.0742460; x = 1 + η₁ · 0.25 / 0.26
    assertEquals(1.0713903642695641, round(FedAdam.builder().settings(settings()).eta(0.1).beta1(0.9).beta2(0.99).tau(0.01)
        .v0(0).biasCorrection(true).build(), 1), 1e-6);
    // v0 = τ² alone: v = 0.99 · 1e-4 + 0.0625 = 0.062599, x = 1 + η₁ · 0.25 / (√v + 0.01)
    assertEquals(1.0713360606114537, round(FedAdam.builder().settings(settings()).eta(0.1).beta1(0.9).beta2(0.99).tau(0.01)
        .v0(1e-4).biasCorrection(true).build(), 1), 1e-6);
    // bias correction alone: v = 0.0625, x = 1 + 0.1 · 0.25 / 0.26
    assertEquals(1.0961538461538460, round(FedAdam.builder().settings(settings()).eta(0.1).beta1(0.9).beta2(0.99).tau(0.01)
        .v0(0).biasCorrection(false).build(), 1), 1e-6);
  }

  @Test
  void biasCorrectionFollowsTheRoundNumberAcrossAnEmptyRound() {
    FedAdam s = FedAdam.builder().settings(settings()).eta(0.1).beta1(0.9).beta2(0.99).tau(0.01).v0(0).biasCorrection(true)
        .build();
    float x1 = round(s, 1, 1, Metrics.empty(), Metrics.empty());
    assertEquals(1.0713903642695641, x1, 1e-6);
    // round 2: no results, the model and the moments stay
    assertEquals(java.util.Optional.empty(), s.beginFit(context(2, one(x1))).complete(List.of()).parameters());
    // round 3: Δ = 3.5 − x1 = 2.4286096; m = 0.9 · 0.25 + 0.1 · Δ = 0.4678610;
    // v = 0.99 · 0.0625 + 0.01 · Δ² = 0.1208564; η₃ = 0.1 · √(1 − 0.99⁴) / (1 − 0.9⁴) = 0.0577215
    // (the round's exponent, not the number of updates); x = x1 + η₃ · m / (√v + 0.01)
    assertEquals(1.1469002168625588, round(s, 3, x1, Metrics.empty(), Metrics.empty()), 1e-5);
    assertEquals(0.4678609635730435, s.state().tensors().tensor(0).get(0), 1e-6);
    assertEquals(0.12085644762762732, s.state().tensors().tensor(1).get(0), 1e-6);
  }

  @Test
  void fedYogiAndFedAdagradAsFlowerByHand() {
    // Yogi, v0 = 0: v = 0 − 0.01 · 6.25 · sign(0 − 6.25) = 0.0625; x = 1 + 0.1 · 0.25 / (0.25 + 0.01)
    assertEquals(1.0961538461538460, round(FedYogi.builder().settings(settings()).eta(0.1).beta1(0.9).beta2(0.99).tau(0.01)
        .v0(0).biasCorrection(false).build(), 1), 1e-6);
    // Adagrad, v0 = 0, β1 = 0: m = 2.5, v = 6.25; x = 1 + 0.1 · 2.5 / (2.5 + 0.01)
    assertEquals(1.0996015936254980, round(FedAdagrad.builder().settings(settings()).eta(0.1).beta1(0).tau(0.01).v0(0).build(),
        1), 1e-6);
  }

  @Test
  void multiKrumWeightedByExamplesAsFlowerByHand() {
    // f = 1, n = 5: scores over the 2 nearest: a 1 + 4 = 5, b 1 + 1 = 2, c 1 + 4 = 5, d and e ≈ 9410;
    // m = 3 keeps a, b, c
    double[] values = {1, 2, 3, 100, 101};
    long[] examples = {1, 3, 4, 1, 1};
    Function<Krum, Float> run = k -> {
      FitAggregation agg = k.beginFit(context(1, one(0)));
      for (int i = 0; i < values.length; i++) {
        agg.accept("c" + i, new FitResult(one(values[i]), examples[i], Metrics.empty()));
      }
      return agg.complete(List.of()).parameters().orElseThrow().tensor(0).get(0);
    };
    FedAvg.Builder five = FedAvg.builder().minFitClients(5).minAvailableClients(5);
    assertEquals(2.0f, run.apply(Krum.builder().settings(five).f(1).m(3).threads(1).build()), "(1 + 2 + 3) / 3");
    assertEquals(2.375f, run.apply(Krum.builder().settings(five).f(1).m(3).weighted(true).threads(1).build()),
        "(1·1 + 3·2 + 4·3) / 8");
    assertEquals(2.0f, run.apply(Krum.builder().settings(five).f(1).m(1).weighted(true).threads(1).build()), "Krum: b alone");
  }

  @Test
  void fedOptStateHoldsFirstAndSecondMoments() {
    FedAdam s = FedAdam.builder().settings(settings()).eta(0.1).beta1(0.9).beta2(0.99).tau(0.01).build();
    round(s, 1);
    StrategyState st = s.state();
    assertEquals(0.25f, st.tensors().tensor(0).get(0), 1e-7);
    assertEquals(0.062599f, st.tensors().tensor(1).get(0), 1e-7);
    FedAdam copy = FedAdam.builder().settings(settings()).eta(0.1).beta1(0.9).beta2(0.99).tau(0.01).build();
    copy.restore(st);
    assertEquals(round(s, 1.5), round(copy, 1.5));
  }

  @Test
  void fedNovaNormalisesByLocalSteps() {
    // a ran 4 steps: d_a = (1 − 2)/4 = −0.25; b ran 1 step: d_b = (1 − 4)/1 = −3.
    // p = (1/4, 3/4): Σ p d = −2.3125, τ_eff = 1/4 · 4 + 3/4 · 1 = 1.75; x = 1 + 1.75 · 2.3125
    FedNova s = FedNova.builder().settings(settings()).localMomentum(0).build();
    assertEquals(5.046875f, round(s, 1, Metrics.of("local_steps", 4), Metrics.of("local_steps", 1)));
    // equal steps: FedAvg
    assertEquals(3.5f, round(s, 1, Metrics.of("local_steps", 3), Metrics.of("local_steps", 3)));
  }

  @Test
  void fedNovaStepNormWithMomentum() {
    assertEquals(7.0, FedNova.stepNorm(7, 0));
    // τ = 2, ρ = 0.5: (2 − 0.5 · (1 − 0.25) / 0.5) / 0.5 = 2.5
    assertEquals(2.5, FedNova.stepNorm(2, 0.5), 1e-12);
  }

  @Test
  void fedNovaRejectsAResultWithoutLocalSteps() {
    FitAggregation agg = FedNova.builder().settings(settings()).localMomentum(0).build().beginFit(context(1, one(1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> agg.accept("a", new FitResult(one(2), 1, Metrics.empty())));
    assertEquals("fednova needs the fit metric local_steps, client a did not report it", e.getMessage());
  }

  @Test
  void requiredMetricsOutOfRangeAreRejectedNamingTheClient() {
    FitAggregation nova = FedNova.builder().settings(settings()).localMomentum(0).build().beginFit(context(1, one(1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> nova.accept("a", new FitResult(one(2), 1, Metrics.of("local_steps", 0))));
    assertEquals("fednova metric local_steps must be finite and >= 1.0, client a reported 0.0", e.getMessage());
    FitAggregation q = QFedAvg.builder().settings(settings()).q(1).learningRate(0.5).build().beginFit(context(1, one(1)));
    e = assertThrows(IllegalArgumentException.class,
        () -> q.accept("b", new FitResult(one(2), 1, Metrics.of("initial_loss", Double.NaN))));
    assertEquals("qfedavg metric initial_loss must be finite and >= 0.0, client b reported NaN", e.getMessage());
  }

  @Test
  void qFedAvgByHand() {
    // q = 1, lr = 0.5 so L = 2. a: F = 0.5, Δw = 2 · (1 − 2) = −2, Δ = −1, h = 4 + 2 · 0.5 = 5.
    // b: F = 2, Δw = −6, Δ = −12, h = 36 + 4 = 40. x = 1 − (−13) / 45
    QFedAvg s = QFedAvg.builder().settings(settings()).q(1).learningRate(0.5).build();
    assertEquals(1.2888888888888888, round(s, 1, Metrics.of("initial_loss", 0.5), Metrics.of("initial_loss", 2)), 1e-6);
    List<ClientInstruction> in = s.configureFit(1, one(1), List.of("a", "b"), new SplittableRandom(1));
    assertEquals(true, in.get(0).config().getBoolean(QFedAvg.INITIAL_LOSS, false));
  }

  @Test
  void fedProxSendsMu() {
    FedProx s = FedProx.builder().settings(settings()).mu(0.01).build();
    for (ClientInstruction in : s.configureFit(1, one(1), List.of("a", "b"), new SplittableRandom(1))) {
      assertEquals(0.01, in.config().getDouble(FedProx.PROXIMAL_MU, -1));
    }
    assertEquals(3.5f, round(s, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FedProx.builder().settings(settings()).mu(-1).build());
    assertEquals("mu must be >= 0, got -1.0", e.getMessage());
  }

  @Test
  void scaffoldSendsTheControlVariateAndUpdatesIt() {
    Scaffold s = Scaffold.builder().settings(settings()).serverLr(1.0).build();
    List<String> available = List.of("a", "b", "c", "d");
    List<ClientInstruction> in = s.configureFit(1, one(1), available, new SplittableRandom(1));
    assertEquals(4, in.size());
    assertArrayEquals(new float[] {1, 0}, in.get(0).parameters().flatten(), "model then c = 0");
    assertEquals(true, in.get(0).config().getBoolean(Scaffold.CONFIG_KEY, false));
    FitAggregation agg = s.beginFit(context(1, one(1)));
    agg.accept("a", new FitResult(Parameters.of(Tensor.vector(2), Tensor.vector(0.4f)), 1, Metrics.empty()));
    agg.accept("b", new FitResult(Parameters.of(Tensor.vector(4), Tensor.vector(0.8f)), 3, Metrics.empty()));
    assertEquals(3.5f, agg.complete(List.of()).parameters().orElseThrow().tensor(0).get(0));
    // c = 0 + |S|/N · mean(Δc) = 2/4 · 0.6 = 0.3
    assertEquals(0.3f, s.state().tensors().flatten()[0], 1e-7);
    List<ClientInstruction> next = s.configureFit(2, one(3.5), available, new SplittableRandom(2));
    assertEquals(0.3f, next.get(0).parameters().tensor(1).get(0), 1e-7);
  }

  @Test
  void normBoundingClipsLongUpdates() {
    Parameters global = Parameters.of(Tensor.vector(0, 0));
    assertArrayEquals(new float[] {0.6f, 0.8f}, NormBounded.clip(global, Parameters.of(Tensor.vector(3, 4)), 1).flatten(), 1e-7f);
    Parameters small = Parameters.of(Tensor.vector(0.3f, 0.4f));
    assertSame(small, NormBounded.clip(global, small, 1));
    // through the decorator: a's update 1 stays, b's update 3 is clipped to 2: mean (2 + 3·3)/4 = 2.75
    assertEquals(2.75f, round(new NormBounded(settings().build(), 2), 1));
  }

  @Test
  void hyperParametersAreChecked() {
    assertEquals("beta1 must be in [0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> FedAdam.builder().settings(settings()).eta(0.1).beta1(1).beta2(0.99)
            .tau(1e-9).build()).getMessage());
    assertEquals("tau must be > 0, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> FedYogi.builder().settings(settings()).eta(0.1).beta1(0.9)
            .beta2(0.99).tau(0).build()).getMessage());
    assertEquals("momentum must be in [0, 1), got 1.5",
        assertThrows(IllegalArgumentException.class, () -> FedAvgM.builder().settings(settings()).serverLr(1).momentum(1.5)
            .build()).getMessage());
    assertFalse(FedAdam.builder().settings(settings()).eta(0.1).beta1(0.9).beta2(0.99).tau(1e-9).build()
        .state().tensors().count() > 0);
    assertEquals("v0 must be >= 0, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> FedAdagrad.builder().settings(settings()).eta(0.1).beta1(0).tau(1e-9)
            .v0(-1).build()).getMessage());
  }

}
