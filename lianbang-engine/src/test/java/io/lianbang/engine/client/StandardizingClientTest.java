package io.lianbang.engine.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.data.BreastCancer;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.IidPartitioner;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandardizingClientTest {
  private static final ModelSpec SPEC = ModelSpec.parse("logistic:30");

  /** The bundled data in two halves, the second with features far from the first's (×4 + 1000). */
  private static List<Dataset> sites() {
    Dataset raw = BreastCancer.load();
    List<Dataset> halves = new IidPartitioner(2).partition(raw, 42).subsets(raw);
    float[] x = halves.get(1).features();
    for (int i = 0; i < x.length; i++) x[i] = x[i] * 4 + 1000;
    return List.of(halves.get(0), halves.get(1).withFeatures(x));
  }

  /** The example-weighted mean of the clients' answers, as FedAvg aggregates them. */
  private static Parameters weightedMean(List<FitResult> answers) {
    long total = answers.stream().mapToLong(FitResult::numExamples).sum();
    float[] sum = new float[(int) answers.get(0).parameters().elementCount()];
    for (FitResult r : answers) {
      float[] p = r.parameters().flatten();
      for (int i = 0; i < sum.length; i++) sum[i] += (float) ((double) p[i] * r.numExamples() / total);
    }
    return Parameters.unflatten(answers.get(0).parameters().shapes(), sum);
  }

  @Test
  void twoStatisticsTasksGiveThePooledScalerEvenFarFromZero() {
    List<Dataset> sites = sites();
    List<StandardizingClient> clients = new ArrayList<>();
    for (Dataset d : sites) clients.add(new StandardizingClient(SPEC, d, null, 1, null));
    List<FitResult> first = new ArrayList<>();
    for (StandardizingClient c : clients) {
      first.add(c.fit(new FitTask(1, FederatedStandardization.statisticsParameters(30), FederatedStandardization.statisticsConfig(0, null), 1)));
    }
    Standardizer rough = FederatedStandardization.standardizer(weightedMean(first), null);
    List<FitResult> second = new ArrayList<>();
    for (StandardizingClient c : clients) {
      second.add(c.fit(new FitTask(1, FederatedStandardization.statisticsParameters(30), FederatedStandardization.statisticsConfig(0, rough), 1)));
    }
    Standardizer federated = FederatedStandardization.standardizer(weightedMean(second), rough);

    float[] pooledX = new float[(sites.get(0).size() + sites.get(1).size()) * 30];
    System.arraycopy(sites.get(0).features(), 0, pooledX, 0, sites.get(0).size() * 30);
    System.arraycopy(sites.get(1).features(), 0, pooledX, sites.get(0).size() * 30, sites.get(1).size() * 30);
    Standardizer pooled = Standardizer.fit(Dataset.classification(pooledX, new int[] {30}, new int[pooledX.length / 30], 2));
    for (int j = 0; j < 30; j++) {
      assertEquals(pooled.mean()[j], federated.mean()[j], 1e-5 * pooled.std()[j], "mean[" + j + "]");
      assertEquals(pooled.std()[j], federated.std()[j], 1e-5 * pooled.std()[j], "std[" + j + "]");
    }
    assertEquals(2, clients.get(0).statisticsTasks());
  }

  @Test
  void everyClientAppliesTheScalerItIsSentAndLocalScalingUsesItsOwn() {
    List<Dataset> sites = sites();
    Dataset pooledLike = sites.get(0);
    Standardizer sent = Standardizer.fit(sites.get(1));
    Parameters model = Models.create("logistic:30", 7).parameters();
    Config federated = FederatedStandardization.withScaler(Config.empty(), sent);
    List<String> told = new ArrayList<>();
    StandardizingClient c = new StandardizingClient(SPEC, pooledLike, null, 1, told::add);

    EvalResult got = c.evaluate(new EvalTask(1, model, federated));
    EvalResult expected = new EngineClient(SPEC, sent.transform(pooledLike), sent.transform(pooledLike), 1).evaluate(new EvalTask(1, model, Config.empty()));
    assertEquals(expected.loss(), got.loss(), 0.0);
    assertEquals(0.0, got.metrics().get(StandardizingClient.HELD_OUT).orElseThrow());

    EvalResult local = c.evaluate(new EvalTask(1, model, Config.empty().with(FederatedStandardization.MODE, "local")));
    Standardizer own = Standardizer.fit(pooledLike);
    assertEquals(new EngineClient(SPEC, own.transform(pooledLike), own.transform(pooledLike), 1)
        .evaluate(new EvalTask(1, model, Config.empty())).loss(), local.loss(), 0.0);
    assertEquals(List.of("features standardised with the federation's statistics (federated)",
        "features standardised with this client's own statistics (local)"), told);
  }

  @Test
  void aBadScalerOrAStatisticOutOfBoundsIsRefusedNamingTheKey() {
    Dataset d = sites().get(1);
    StandardizingClient c = new StandardizingClient(SPEC, d, null, 1, null);
    Parameters model = Models.create("logistic:30", 7).parameters();
    Config tooFew = Config.empty().with(FederatedStandardization.MODE, "federated").with(FederatedStandardization.MEAN, "1,2")
        .with(FederatedStandardization.STD, "1,2");
    var e = assertThrows(IllegalArgumentException.class, () -> c.evaluate(new EvalTask(1, model, tooFew)));
    assertTrue(e.getMessage().contains("config normalize_mean must hold 30 comma-separated numbers (one per local feature), got 2: '1,2'"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> c.evaluate(new EvalTask(1, model, Config.empty().with(FederatedStandardization.MODE, "global"))));
    assertTrue(e.getMessage().contains("config normalize must be federated, local or none, got 'global'"), e.getMessage());
    // ×4 + 1000 puts the mean of squares above 10^6
    e = assertThrows(IllegalArgumentException.class, () -> c.fit(new FitTask(1, FederatedStandardization.statisticsParameters(30),
        FederatedStandardization.statisticsConfig(1e6, null), 1)));
    assertTrue(e.getMessage().contains("exceeds normalize_bound 1000000.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.fit(new FitTask(1, FederatedStandardization.statisticsParameters(3),
        FederatedStandardization.statisticsConfig(0, null), 1)));
    assertTrue(e.getMessage().contains("statistics task parameters must be two tensors of the 30 local features"), e.getMessage());
  }
}
