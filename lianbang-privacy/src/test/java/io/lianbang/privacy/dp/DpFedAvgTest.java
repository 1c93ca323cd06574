package io.lianbang.privacy.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DpFedAvgTest {
  private static final int D = 20_000;

  private static List<String> ids(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(String.format("c%03d", i));
    return out;
  }

  private static FedAvg fedAvg(int perRound) {
    return FedAvg.builder().fractionFit(0).minFitClients(perRound).minAvailableClients(perRound).build();
  }

  private static Parameters vec(float[] v) {
    return Parameters.of(Tensor.vector(v));
  }

  /** Runs one round in which every sampled client returns global + {@code update(i)}. */
  private static FitOutcome round(DpFedAvgBase s, int round, Parameters global, int available, java.util.function.IntFunction<float[]> update) {
    List<ClientInstruction> in = s.configureFit(round, global, ids(available), new SplittableRandom(round));
    FitAggregation agg = s.beginFit(new RoundContext(round, global, ids(available), in, new SplittableRandom(round)));
    float[] g = global.flatten();
    for (int i = 0; i < in.size(); i++) {
      float[] u = update.apply(i);
      float[] p = new float[g.length];
      for (int j = 0; j < p.length; j++) p[j] = g[j] + u[j];
      agg.accept(in.get(i).clientId(), new FitResult(vec(p), 100 + i, Metrics.empty()));
    }
    return agg.complete(List.of());
  }

  @Test
  void serverClippingBoundsEachClientsInfluenceAndAveragesUniformly() {
    DpFedAvgServerClipping s = new DpFedAvgServerClipping(fedAvg(4), DpSettings.fixed(0, 1.0), NoiseSource.seededInsecure(1));
    Parameters global = vec(new float[] {0, 0});
    // One client pushes hard (norm 100), three push with norm 0.5 the other way.
    FitOutcome o = round(s, 1, global, 10, i -> i == 0 ? new float[] {100, 0} : new float[] {-0.5f, 0});
    // Clipped: 1 and 3 × −0.5, averaged with equal weights: (1 − 1.5) / 4.
    assertEquals(-0.125, o.parameters().orElseThrow().flatten()[0], 1e-6);
  }

  @Test
  void noiseHasStandardDeviationZTimesClipOverM() {
    double z = 1.3;
    double clip = 2.0;
    int m = 10;
    DpFedAvgServerClipping s = new DpFedAvgServerClipping(fedAvg(m), DpSettings.fixed(z, clip), NoiseSource.seededInsecure(2));
    FitOutcome o = round(s, 1, vec(new float[D]), 100, i -> new float[D]);
    float[] p = o.parameters().orElseThrow().flatten();
    double ss = 0;
    for (float v : p) ss += v * v;
    double std = Math.sqrt(ss / D);
    assertEquals(z * clip / m, std, 0.02 * z * clip / m, "empirical noise std");
  }

  @Test
  void reportsEpsilonEveryRoundAndStopsAtTheBudget() {
    DpSettings settings = new DpSettings(1.0, 1.0, false, 0.5, 0.2, 1e-5, 4.0);
    DpFedAvgServerClipping s = new DpFedAvgServerClipping(fedAvg(10), settings, NoiseSource.seededInsecure(3));
    Parameters global = vec(new float[4]);
    double last = 0;
    int trained = 0;
    for (int r = 1; r <= 200 && !s.budgetExhausted(); r++) {
      FitOutcome o = round(s, r, global, 100, i -> new float[] {0.1f, 0, 0, 0});
      if (s.budgetExhausted()) break;
      double eps = o.metrics().get("dp_epsilon").orElseThrow();
      assertTrue(eps > last, "epsilon grows every round");
      last = eps;
      trained++;
    }
    assertTrue(s.budgetExhausted());
    assertTrue(trained > 1, "trained " + trained + " rounds");
    assertTrue(last <= 4.0 && last > 3.8, "stopped just below the budget at " + last);
    // Independently: the same number of rounds composed directly gives the same epsilon.
    assertEquals(new RdpAccountant().compose(0.1, 1.0, trained).spent(1e-5).epsilon(), s.spent().epsilon(), 1e-12);
  }

  @Test
  void adaptiveClippingMovesTheNormTowardsTheTargetQuantile() {
    DpSettings settings = new DpSettings(0, 0.1, true, 0.5, 0.2, 1e-5, Double.POSITIVE_INFINITY);
    DpFedAvgServerClipping s = new DpFedAvgServerClipping(fedAvg(20), settings, NoiseSource.seededInsecure(4));
    Parameters global = vec(new float[1]);
    for (int r = 1; r <= 60; r++) {
      // Update norms 1, 2, ..., 20: the median is about 10.5.
      round(s, r, global, 40, i -> new float[] {i + 1});
    }
    assertTrue(s.clip() > 8 && s.clip() < 13, "clip " + s.clip());
  }

  @Test
  void clientClippingMatchesTheClippedMeanAndComposesWithWeights() {
    DpFedAvgClientClipping s = new DpFedAvgClientClipping(fedAvg(3), DpSettings.fixed(0, 1.0), NoiseSource.seededInsecure(5));
    Parameters global = vec(new float[] {1, 1});
    List<ClientInstruction> in = s.configureFit(1, global, ids(5), new SplittableRandom(1));
    assertEquals(1.0, in.get(0).config().getDouble(DpFedAvgClientClipping.CLIP_KEY, 0));
    ClippingClient c = new ClippingClient(new io.lianbang.core.client.Client() {
      @Override public FitResult fit(FitTask t) { return new FitResult(vec(new float[] {4, 1}), 50, Metrics.empty()); }
      @Override public EvalResult evaluate(EvalTask t) { return null; }
    });
    FitResult clipped = c.fit(new FitTask(1, global, in.get(0).config(), 1));
    assertEquals(1, clipped.numExamples());
    assertEquals(2.0f, clipped.parameters().flatten()[0], 1e-6); // update (3, 0) clipped to (1, 0)
    FitAggregation agg = s.beginFit(new RoundContext(1, global, ids(5), in, new SplittableRandom(1)));
    for (ClientInstruction i : in) agg.accept(i.clientId(), clipped);
    assertEquals(2.0f, agg.complete(List.of()).parameters().orElseThrow().flatten()[0], 1e-6);
    assertThrows(IllegalArgumentException.class, () -> c.fit(new FitTask(1, global, Config.empty(), 1)));
  }

  @Test
  void localDpAddsNoiseOnTheClientAndAccountsPerRelease() {
    LocalDpClient c = new LocalDpClient(new io.lianbang.core.client.Client() {
      @Override public FitResult fit(FitTask t) { return new FitResult(t.parameters(), 7, Metrics.empty()); }
      @Override public EvalResult evaluate(EvalTask t) { return null; }
    }, 0.5, 2.0, 1e-5, NoiseSource.seededInsecure(6));
    FitResult r = c.fit(new FitTask(1, vec(new float[D]), Config.empty(), 1));
    double ss = 0;
    for (float v : r.parameters().flatten()) ss += v * v;
    assertEquals(1.0, Math.sqrt(ss / D), 0.02);
    assertEquals(new RdpAccountant().compose(1, 2.0, 1).spent(1e-5).epsilon(), c.spent().epsilon(), 1e-12);
  }

  @Test
  void eachReleaseIsAccountedWithTheSamplingRateOfItsOwnRoundContext() {
    DpSettings settings = new DpSettings(1.0, 1.0, false, 0.5, 0.2, 1e-5, 100);
    DpFedAvgServerClipping s = new DpFedAvgServerClipping(fedAvg(10), settings, NoiseSource.seededInsecure(7));
    Parameters global = vec(new float[] {0, 0});
    // Both rounds are configured before either is aggregated, and they complete out of order.
    List<ClientInstruction> in1 = s.configureFit(1, global, ids(100), new SplittableRandom(1));
    List<ClientInstruction> in2 = s.configureFit(2, global, ids(50), new SplittableRandom(2));
    FitAggregation agg2 = s.beginFit(new RoundContext(2, global, ids(50), in2, new SplittableRandom(2)));
    FitAggregation agg1 = s.beginFit(new RoundContext(1, global, ids(100), in1, new SplittableRandom(1)));
    for (ClientInstruction i : in2) agg2.accept(i.clientId(), new FitResult(global, 1, Metrics.empty()));
    double eps2 = agg2.complete(List.of()).metrics().get("dp_epsilon").orElseThrow();
    // Round 2 sampled 10 of 50 clients: q = 0.2.
    assertEquals(new RdpAccountant().compose(0.2, 1.0, 1).spent(1e-5).epsilon(), eps2, 1e-12);
    for (ClientInstruction i : in1) agg1.accept(i.clientId(), new FitResult(global, 1, Metrics.empty()));
    double eps12 = agg1.complete(List.of()).metrics().get("dp_epsilon").orElseThrow();
    // Round 1 sampled 10 of 100: q = 0.1, composed after round 2's release.
    assertEquals(new RdpAccountant().compose(0.2, 1.0, 1).compose(0.1, 1.0, 1).spent(1e-5).epsilon(), eps12, 1e-12);
  }
}
