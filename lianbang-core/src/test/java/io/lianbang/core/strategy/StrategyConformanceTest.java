package io.lianbang.core.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.strategy.robust.Bulyan;
import io.lianbang.core.strategy.robust.FedMedian;
import io.lianbang.core.strategy.robust.FedTrimmedAvg;
import io.lianbang.core.strategy.robust.Krum;
import io.lianbang.core.strategy.robust.NormBounded;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every strategy through the same scenarios (IID and non-IID client models, a failed client, an
 * empty round), two rounds each so that server state carries over. Each aggregate is checked
 * against a reference written independently here, plainly, in double precision; and against
 * itself with the results fed in another order, which must give the same bits.
 */
class StrategyConformanceTest {
  private static final int CLIENTS = 8;
  private static final int[][] SHAPES = {{3, 2}, {4}};
  private static final int D = 10;

  /** One client's answer, flattened: the model part and, for SCAFFOLD, the control part. */
  record Answer(String id, double[] model, double[] extra, long n, Metrics metrics) {}

  /** An independent computation of a strategy's next global model (stateful across rounds). */
  interface Reference {
    /** Null when the strategy should keep the model. */
    double[] next(double[] x, List<Answer> sortedAnswers, int available);

    /** {@link #next(double[], List, int)} in round {@code round}, for references that depend on it. */
    default double[] next(int round, double[] x, List<Answer> sortedAnswers, int available) {
      return next(x, sortedAnswers, available);
    }

    /** The control part that should be sent in the next round (SCAFFOLD only). */
    default double[] control() {
      return null;
    }
  }

  record Case(String name, Supplier<Strategy> strategy, Supplier<Reference> reference) {
    @Override
    public String toString() {
      return name;
    }
  }

  enum Scenario { IID, NON_IID, FAILED_CLIENT, EMPTY_ROUND }

  private static FedAvg.Builder all() {
    return FedAvg.builder().minFitClients(CLIENTS).minAvailableClients(CLIENTS);
  }

  static Stream<Arguments> cases() {
    List<Case> cs = List.of(
        new Case("fedavg", () -> all().build(), () -> (x, a, n) -> weightedMean(a)),
        new Case("fedprox", () -> FedProx.builder().settings(all()).mu(0.1).build(), () -> (x, a, n) -> weightedMean(a)),
        new Case("fedavgm", () -> FedAvgM.builder().settings(all()).serverLr(0.7).momentum(0.9).build(),
            StrategyConformanceTest::fedAvgM),
        new Case("fedadagrad", () -> FedAdagrad.builder().settings(all()).eta(0.1).beta1(0.5).tau(1e-3).build(),
            () -> fedOpt(0.1, 0.5, 0, 1e-3, "adagrad")),
        new Case("fedadam", () -> FedAdam.builder().settings(all()).eta(0.1).beta1(0.9).beta2(0.99).tau(1e-3).build(),
            () -> fedOpt(0.1, 0.9, 0.99, 1e-3, "adam")),
        new Case("fedyogi", () -> FedYogi.builder().settings(all()).eta(0.1).beta1(0.9).beta2(0.99).tau(1e-3).build(),
            () -> fedOpt(0.1, 0.9, 0.99, 1e-3, "yogi")),
        // Flower's settings (v0 = 0; FedAdam with bias correction) and the remaining combinations
        new Case("fedadagrad-flower", () -> FedAdagrad.builder().settings(all()).eta(0.1).beta1(0).tau(0.05).v0(0).build(),
            () -> fedOpt(0.1, 0, 0, 0.05, 0, false, "adagrad")),
        new Case("fedadam-flower", () -> FedAdam.builder().settings(all()).eta(0.1).beta1(0.9).beta2(0.99).tau(0.05).v0(0)
            .biasCorrection(true).build(),
            () -> fedOpt(0.1, 0.9, 0.99, 0.05, 0, true, "adam")),
        new Case("fedadam-v0-zero", () -> FedAdam.builder().settings(all()).eta(0.1).beta1(0.9).beta2(0.99).tau(0.05).v0(0)
            .biasCorrection(false).build(),
            () -> fedOpt(0.1, 0.9, 0.99, 0.05, 0, false, "adam")),
        new Case("fedyogi-flower", () -> FedYogi.builder().settings(all()).eta(0.1).beta1(0.9).beta2(0.99).tau(0.05).v0(0)
            .biasCorrection(false).build(),
            () -> fedOpt(0.1, 0.9, 0.99, 0.05, 0, false, "yogi")),
        new Case("fedyogi-bias-corrected", () -> FedYogi.builder().settings(all()).eta(0.1).beta1(0.8).beta2(0.9).tau(0.05)
            .v0(0.05 * 0.05).biasCorrection(true).build(),
            () -> fedOpt(0.1, 0.8, 0.9, 0.05, 0.05 * 0.05, true, "yogi")),
        new Case("fednova", () -> FedNova.builder().settings(all()).localMomentum(0.9).build(),
            () -> StrategyConformanceTest::fedNova),
        new Case("scaffold", () -> Scaffold.builder().settings(all()).serverLr(1.0).build(), StrategyConformanceTest::scaffold),
        new Case("qfedavg", () -> QFedAvg.builder().settings(all()).q(0.5).learningRate(0.1).build(),
            () -> StrategyConformanceTest::qFedAvg),
        new Case("median", () -> FedMedian.builder().settings(all()).build(), () -> (x, a, n) -> trimmed(a, 0, true)),
        new Case("trimmed-mean", () -> FedTrimmedAvg.builder().settings(all()).beta(0.2).build(),
            () -> (x, a, n) -> trimmed(a, (int) Math.floor(0.2 * a.size()), false)),
        new Case("krum", () -> Krum.builder().settings(all()).f(1).m(1).threads(2).build(),
            () -> (x, a, n) -> multiKrum(a, 1, 1)),
        new Case("multi-krum", () -> Krum.builder().settings(all()).f(1).m(3).threads(1).build(),
            () -> (x, a, n) -> multiKrum(a, 1, 3)),
        new Case("multi-krum-weighted", () -> Krum.builder().settings(all()).f(1).m(3).weighted(true).threads(2).build(),
            () -> (x, a, n) -> multiKrumWeighted(a, 1, 3)),
        new Case("krum-weighted", () -> Krum.builder().settings(all()).f(1).m(1).weighted(true).threads(1).build(),
            () -> (x, a, n) -> multiKrum(a, 1, 1)),
        new Case("bulyan", () -> Bulyan.builder().settings(all()).f(1).threads(2).build(), () -> (x, a, n) -> bulyan(a, 1)),
        new Case("norm-bounded-fedavg", () -> new NormBounded(all().build(), 1.5), () -> (x, a, n) -> weightedMean(clipped(x, a, 1.5))));
    return cs.stream().flatMap(c -> Arrays.stream(Scenario.values()).map(s -> Arguments.of(c, s)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void aggregatesMatchAnIndependentComputation(Case c, Scenario scenario) {
    Strategy strategy = c.strategy().get();
    Strategy twin = c.strategy().get();
    Reference ref = c.reference().get();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) ids.add("client-" + i);
    Parameters global = initial();
    SplittableRandom data = new SplittableRandom(scenario.ordinal() * 31L + 7);
    for (int round = 1; round <= 2; round++) {
      List<ClientInstruction> in = strategy.configureFit(round, global, ids, new SplittableRandom(round));
      List<ClientInstruction> twinIn = twin.configureFit(round, global, ids, new SplittableRandom(round));
      assertEquals(CLIENTS, in.size());
      if (ref.control() != null) {
        double[] sent = flat(Scaffold.part(in.get(0).parameters(), SHAPES.length, 2 * SHAPES.length));
        assertClose(ref.control(), sent, "control variate sent in round " + round);
      }
      List<FitResult> results = new ArrayList<>();
      List<String> who = new ArrayList<>();
      List<ClientFailure> failures = new ArrayList<>();
      for (int i = 0; i < in.size(); i++) {
        ClientInstruction ci = in.get(i);
        int index = ids.indexOf(ci.clientId());
        FitResult r = answer(ci, index, scenario, data);
        if (scenario == Scenario.EMPTY_ROUND || (scenario == Scenario.FAILED_CLIENT && index == 3)) {
          failures.add(new ClientFailure(ci.clientId(), ClientFailure.Kind.TIMEOUT, "no result before the deadline"));
          continue;
        }
        results.add(r);
        who.add(ci.clientId());
      }
      FitOutcome out = feed(strategy.beginFit(new RoundContext(round, global, ids, in, new SplittableRandom(round))), who, results, failures, false);
      FitOutcome shuffled = feed(twin.beginFit(new RoundContext(round, global, ids, twinIn, new SplittableRandom(round))), who, results, failures, true);
      assertEquals(out, shuffled, "arrival order changed the outcome in round " + round);
      assertEquals(twinIn.size(), in.size());

      List<Answer> answers = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) answers.add(toAnswer(who.get(i), results.get(i)));
      answers.sort(Comparator.comparing(Answer::id));
      double[] expected = answers.isEmpty() ? null : ref.next(round, flat(global), answers, ids.size());
      if (expected == null) {
        assertEquals(Optional.empty(), out.parameters(), "round " + round + " should keep the model");
        continue;
      }
      final int r = round;
      Parameters next = out.parameters().orElseThrow(() -> new AssertionError("no model in round " + r));
      assertTrue(global.sameShapes(next));
      assertClose(expected, flat(next), c + " " + scenario + " round " + round);
      if (!results.isEmpty()) assertTrue(out.metrics().get("train_loss").isPresent());
      global = next;
    }
  }

  private static FitOutcome feed(FitAggregation agg, List<String> who, List<FitResult> results, List<ClientFailure> failures, boolean shuffle) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) order.add(i);
    if (shuffle) Collections.shuffle(order, new Random(99));
    if (shuffle) Collections.reverse(order.subList(0, Math.min(2, order.size())));
    for (int i : order) agg.accept(who.get(i), results.get(i));
    return agg.complete(List.copyOf(failures));
  }

  private static Parameters initial() {
    SplittableRandom rng = new SplittableRandom(5);
    List<Tensor> ts = new ArrayList<>();
    for (int[] s : SHAPES) {
      float[] v = new float[s.length == 2 ? s[0] * s[1] : s[0]];
      for (int k = 0; k < v.length; k++) v[k] = (float) rng.nextGaussian();
      ts.add(Tensor.of(s, v));
    }
    return Parameters.of(ts);
  }

  /** A client's answer: the instruction's parameters moved by a client-specific shift plus noise. */
  private static FitResult answer(ClientInstruction in, int client, Scenario s, SplittableRandom rng) {
    float[] p = in.parameters().flatten();
    boolean nonIid = s == Scenario.NON_IID;
    for (int k = 0; k < p.length; k++) {
      double shift = nonIid ? (client - 3.5) * 0.3 * ((k % 3) - 1) : 0.2;
      p[k] = (float) (p[k] + shift + (nonIid ? 0.5 : 0.1) * rng.nextGaussian());
    }
    long n = nonIid ? 10 + 37L * client : 50;
    int steps = nonIid ? 1 + client % 4 * 3 : 5;
    Metrics m = Metrics.of(Map.of("train_loss", 1.0 + client * 0.1, "local_steps", (double) steps,
        "initial_loss", 0.5 + client * (nonIid ? 0.4 : 0.01)));
    return new FitResult(Parameters.unflatten(in.parameters().shapes(), p), n, m);
  }

  private static Answer toAnswer(String id, FitResult r) {
    double[] all = flat(r.parameters());
    double[] model = Arrays.copyOfRange(all, 0, D);
    double[] extra = all.length > D ? Arrays.copyOfRange(all, D, all.length) : null;
    return new Answer(id, model, extra, r.numExamples(), r.metrics());
  }

  private static double[] flat(Parameters p) {
    float[] f = p.flatten();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }

  private static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 2e-5 * Math.max(1, Math.abs(expected[i])), what + " value " + i);
    }
  }

  // ---- the references: plain double-precision formulas from the papers ----

  static double[] weightedMean(List<Answer> a) {
    double[] s = new double[D];
    double n = 0;
    for (Answer r : a) {
      for (int k = 0; k < D; k++) s[k] += r.n() * r.model()[k];
      n += r.n();
    }
    for (int k = 0; k < D; k++) s[k] /= n;
    return s;
  }

  static Reference fedAvgM() {
    double[] v = new double[D];
    return (x, a, n) -> {
      double[] mean = weightedMean(a);
      double[] out = new double[D];
      for (int k = 0; k < D; k++) {
        v[k] = 0.9 * v[k] + (mean[k] - x[k]);
        out[k] = x[k] + 0.7 * v[k];
      }
      return out;
    };
  }

  static Reference fedOpt(double eta, double b1, double b2, double tau, String kind) {
    return fedOpt(eta, b1, b2, tau, tau * tau, false, kind);
  }

  /**
   * Reddi et al.'s Algorithm 2 with the initial second moment {@code v0}; with {@code bias} the
   * rate of round t is Flower's FedAdam {@code eta_norm}: η·√(1 − β2^(t+1)) / (1 − β1^(t+1)).
   */
  static Reference fedOpt(double eta, double b1, double b2, double tau, double v0, boolean bias, String kind) {
    double[] m = new double[D];
    double[] v = new double[D];
    Arrays.fill(v, v0);
    return new Reference() {
      @Override
      public double[] next(double[] x, List<Answer> a, int available) {
        throw new AssertionError("needs the round");
      }

      @Override
      public double[] next(int round, double[] x, List<Answer> a, int available) {
        double rate = bias ? eta * Math.sqrt(1 - Math.pow(b2, round + 1)) / (1 - Math.pow(b1, round + 1)) : eta;
        double[] mean = weightedMean(a);
        double[] out = new double[D];
        for (int k = 0; k < D; k++) {
          double d = mean[k] - x[k];
          m[k] = b1 * m[k] + (1 - b1) * d;
          v[k] = switch (kind) {
            case "adagrad" -> v[k] + d * d;
            case "adam" -> b2 * v[k] + (1 - b2) * d * d;
            default -> v[k] - (1 - b2) * d * d * Math.signum(v[k] - d * d);
          };
          out[k] = x[k] + rate * m[k] / (Math.sqrt(v[k]) + tau);
        }
        return out;
      }
    };
  }

  static double[] fedNova(double[] x, List<Answer> a, int available) {
    double rho = 0.9;
    double total = 0;
    for (Answer r : a) total += r.n();
    double tauEff = 0;
    double[] d = new double[D];
    for (Answer r : a) {
      double tau = r.metrics().get("local_steps").orElseThrow();
      double ai = (tau - rho * (1 - Math.pow(rho, tau)) / (1 - rho)) / (1 - rho);
      double p = r.n() / total;
      tauEff += p * ai;
      for (int k = 0; k < D; k++) d[k] += p * (x[k] - r.model()[k]) / ai;
    }
    double[] out = new double[D];
    for (int k = 0; k < D; k++) out[k] = x[k] - tauEff * d[k];
    return out;
  }

  static Reference scaffold() {
    double[] c = new double[D];
    return new Reference() {
      @Override
      public double[] next(double[] x, List<Answer> a, int available) {
        double[] mean = weightedMean(a);
        for (Answer r : a) {
          for (int k = 0; k < D; k++) c[k] += r.extra()[k] / available; // |S|/N · mean = Σ / N
        }
        return mean;
      }

      @Override
      public double[] control() {
        return c.clone();
      }
    };
  }

  static double[] qFedAvg(double[] x, List<Answer> a, int available) {
    double q = 0.5;
    double l = 1 / 0.1;
    double[] num = new double[D];
    double h = 0;
    for (Answer r : a) {
      double f = r.metrics().get("initial_loss").orElseThrow() + 1e-10;
      double norm2 = 0;
      for (int k = 0; k < D; k++) {
        double dw = l * (x[k] - r.model()[k]);
        num[k] += Math.pow(f, q) * dw;
        norm2 += dw * dw;
      }
      h += q * Math.pow(f, q - 1) * norm2 + l * Math.pow(f, q);
    }
    double[] out = new double[D];
    for (int k = 0; k < D; k++) out[k] = x[k] - num[k] / h;
    return out;
  }

  /** Median (median = true) or the mean after dropping {@code trim} values at each end. */
  static double[] trimmed(List<Answer> a, int trim, boolean median) {
    double[] out = new double[D];
    for (int k = 0; k < D; k++) {
      double[] col = new double[a.size()];
      for (int i = 0; i < a.size(); i++) col[i] = a.get(i).model()[k];
      Arrays.sort(col);
      int n = col.length;
      if (median) {
        out[k] = n % 2 == 1 ? col[n / 2] : (col[n / 2 - 1] + col[n / 2]) / 2;
      } else {
        double s = 0;
        for (int i = trim; i < n - trim; i++) s += col[i];
        out[k] = s / (n - 2 * trim);
      }
    }
    return out;
  }

  static double dist2(double[] u, double[] v) {
    double s = 0;
    for (int k = 0; k < D; k++) s += (u[k] - v[k]) * (u[k] - v[k]);
    return s;
  }

  static double krumScore(List<double[]> set, int i, int f) {
    List<Double> ds = new ArrayList<>();
    for (int j = 0; j < set.size(); j++) if (j != i) ds.add(dist2(set.get(i), set.get(j)));
    Collections.sort(ds);
    int keep = Math.min(set.size() - 1, Math.max(1, set.size() - f - 2));
    double s = 0;
    for (int j = 0; j < keep; j++) s += ds.get(j);
    return s;
  }

  static double[] multiKrum(List<Answer> a, int f, int m) {
    List<double[]> models = a.stream().map(Answer::model).toList();
    Integer[] order = new Integer[models.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    double[] score = new double[models.size()];
    for (int i = 0; i < score.length; i++) score[i] = krumScore(models, i, f);
    Arrays.sort(order, Comparator.comparingDouble(i -> score[i]));
    double[] out = new double[D];
    for (int j = 0; j < m; j++) for (int k = 0; k < D; k++) out[k] += models.get(order[j])[k] / m;
    return out;
  }

  /** Multi-Krum as Flower averages it: the selected models weighted by their example counts. */
  static double[] multiKrumWeighted(List<Answer> a, int f, int m) {
    List<double[]> models = a.stream().map(Answer::model).toList();
    double[] score = new double[models.size()];
    for (int i = 0; i < score.length; i++) score[i] = krumScore(models, i, f);
    Integer[] order = new Integer[models.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingDouble(i -> score[i]));
    double[] out = new double[D];
    double total = 0;
    for (int j = 0; j < m; j++) total += a.get(order[j]).n();
    for (int j = 0; j < m; j++) {
      for (int k = 0; k < D; k++) out[k] += a.get(order[j]).n() * models.get(order[j])[k] / total;
    }
    return out;
  }

  static double[] bulyan(List<Answer> a, int f) {
    List<double[]> remaining = new ArrayList<>(a.stream().map(Answer::model).toList());
    if (remaining.size() < 4 * f + 3) return null;
    int theta = remaining.size() - 2 * f;
    List<double[]> selected = new ArrayList<>();
    while (selected.size() < theta) {
      int best = 0;
      for (int i = 1; i < remaining.size(); i++) {
        if (krumScore(remaining, i, f) < krumScore(remaining, best, f)) best = i;
      }
      selected.add(remaining.remove(best));
    }
    int beta = theta - 2 * f;
    double[] out = new double[D];
    for (int k = 0; k < D; k++) {
      final int kk = k;
      double[] col = selected.stream().mapToDouble(v -> v[kk]).sorted().toArray();
      double med = col.length % 2 == 1 ? col[col.length / 2] : (col[col.length / 2 - 1] + col[col.length / 2]) / 2;
      double[] byCloseness = Arrays.stream(col).boxed()
          .sorted(Comparator.comparingDouble(v -> Math.abs(v - med))).mapToDouble(Double::doubleValue).toArray();
      for (int j = 0; j < beta; j++) out[k] += byCloseness[j] / beta;
    }
    return out;
  }

  static List<Answer> clipped(double[] x, List<Answer> a, double bound) {
    List<Answer> out = new ArrayList<>();
    for (Answer r : a) {
      double norm = Math.sqrt(dist2(r.model(), x));
      double s = Math.min(1, bound / norm);
      double[] m = new double[D];
      for (int k = 0; k < D; k++) m[k] = x[k] + (r.model()[k] - x[k]) * s;
      out.add(new Answer(r.id(), m, null, r.n(), r.metrics()));
    }
    return out;
  }
}
