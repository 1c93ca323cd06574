package io.lianbang.cli.experiment;

import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The runs of an experiment grid and their summary: for each (strategy, partition) the mean ± std
 * over seeds of the final test accuracy, and of the first round reaching the target accuracy
 * (with how many seeds reached it).
 */
public final class ExperimentResults {
  /** One finished run. */
  public record Run(String strategy, String partition, long seed, History history) {
    /** Centralized test accuracy of the last round that has one. */
    public double finalAccuracy() {
      List<RoundRecord> rs = history.rounds();
      for (int i = rs.size() - 1; i >= 0; i--) {
        var a = rs.get(i).centralized().flatMap(e -> e.metrics().get("accuracy"));
        if (a.isPresent()) return a.get();
      }
      return Double.NaN;
    }

    /** The first round whose centralized accuracy reaches {@code target}. */
    public OptionalInt roundsTo(double target) {
      for (RoundRecord r : history.rounds()) {
        if (r.round() > 0 && r.centralized().flatMap(e -> e.metrics().get("accuracy")).orElse(-1.0) >= target) {
          return OptionalInt.of(r.round());
        }
      }
      return OptionalInt.empty();
    }
  }

  private final double target;
  private final List<Run> runs = new ArrayList<>();

  public ExperimentResults(double target) {
    this.target = target;
  }

  public void add(Run r) {
    runs.add(r);
  }

  public List<Run> runs() {
    return List.copyOf(runs);
  }

  /** Runs grouped by "strategy | partition", in grid order. */
  public Map<String, List<Run>> groups() {
    Map<String, List<Run>> g = new LinkedHashMap<>();
    for (Run r : runs) g.computeIfAbsent(r.strategy() + " | " + r.partition(), k -> new ArrayList<>()).add(r);
    return g;
  }

  /** One row per run, then nothing else: strategy, partition, seed, final accuracy, rounds to target. */
  public String csv() {
    StringBuilder sb = new StringBuilder("strategy,partition,seed,final_accuracy,rounds_to_target\n");
    for (Run r : runs) {
      OptionalInt t = r.roundsTo(target);
      sb.append(String.format(Locale.ROOT, "%s,%s,%d,%.6f,%s%n", quote(r.strategy()), quote(r.partition()), r.seed(),
          r.finalAccuracy(), t.isPresent() ? String.valueOf(t.getAsInt()) : ""));
    }
    return sb.toString();
  }

  /** The summary table. */
  public String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "| strategy | partition | seeds | final test accuracy (mean ± std) | rounds to %.1f%% (mean ± std, reached) |%n",
        100 * target));
    sb.append("|---|---|---|---|---|\n");
    for (List<Run> g : groups().values()) {
      double[] acc = g.stream().mapToDouble(r -> 100 * r.finalAccuracy()).toArray();
      double[] rounds = g.stream().map(r -> r.roundsTo(target)).filter(OptionalInt::isPresent).mapToDouble(OptionalInt::getAsInt).toArray();
      String reached = rounds.length == 0 ? "not reached (0/" + g.size() + ")"
          : String.format(Locale.ROOT, "%.1f ± %.1f (%d/%d)", mean(rounds), std(rounds), rounds.length, g.size());
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f%% ± %.2f | %s |%n", g.get(0).strategy(), g.get(0).partition(),
          g.size(), mean(acc), std(acc), reached));
    }
    return sb.toString();
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) s += x;
    return v.length == 0 ? Double.NaN : s / v.length;
  }

  /** Sample standard deviation (n − 1); 0 for one value. */
  static double std(double[] v) {
    if (v.length < 2) return 0;
    double m = mean(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return Math.sqrt(s / (v.length - 1));
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
