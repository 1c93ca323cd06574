package io.lianbang.vertical.boost;

import io.lianbang.vertical.data.VerticalTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/** Data splits, joins, AUC and an XGBoost baseline for the SecureBoost tests and experiment. */
final class BoostFixtures {
  private BoostFixtures() {}

  /** The seed of every train/test split. */
  static final long SPLIT_SEED = 20190130L;

  /** A deterministic shuffle of 0..n−1 by {@code seed}, cut at {@code trainFraction}: [train, test]. */
  static int[][] split(int n, long seed, double trainFraction) {
    List<Integer> idx = new ArrayList<>(IntStream.range(0, n).boxed().toList());
    java.util.Collections.shuffle(idx, new Random(seed));
    int cut = (int) Math.round(n * trainFraction);
    int[] train = idx.subList(0, cut).stream().mapToInt(Integer::intValue).sorted().toArray();
    int[] test = idx.subList(cut, n).stream().mapToInt(Integer::intValue).sorted().toArray();
    return new int[][] {train, test};
  }

  /** Rows {@code idx} of {@code t}, in that order. */
  static VerticalTable rows(VerticalTable t, int[] idx) {
    List<String> ids = new ArrayList<>();
    for (int i : idx) ids.add(t.ids().get(i));
    return t.select(ids);
  }

  /** Columns [from, to) of {@code t} (labels kept). */
  static VerticalTable columns(VerticalTable t, int from, int to) {
    double[][] f = new double[t.rows()][];
    for (int r = 0; r < t.rows(); r++) f[r] = Arrays.copyOfRange(t.features()[r], from, to);
    return new VerticalTable(t.ids(), t.labels(), t.featureNames().subList(from, to), f);
  }

  /** The features of {@code parts} side by side, row by row (same row order). */
  static double[][] join(VerticalTable... parts) {
    int n = parts[0].rows();
    double[][] out = new double[n][];
    for (int r = 0; r < n; r++) {
      int width = 0;
      for (VerticalTable p : parts) width += p.columns();
      double[] row = new double[width];
      int at = 0;
      for (VerticalTable p : parts) {
        if (!p.ids().get(r).equals(parts[0].ids().get(r))) throw new IllegalArgumentException("row " + r + " ids differ");
        System.arraycopy(p.features()[r], 0, row, at, p.columns());
        at += p.columns();
      }
      out[r] = row;
    }
    return out;
  }

  /** The area under the ROC curve (Mann-Whitney U with average ranks for ties). */
  static double auc(double[] scores, double[] labels) {
    int n = scores.length;
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double rankSum = 0;
    long pos = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
      double avg = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] == 1) {
          rankSum += avg;
          pos++;
        }
      }
      i = j + 1;
    }
    long neg = n - pos;
    return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }

  /** XGBoost's parameters equivalent to {@code p}: hist with max_bin, eta, lambda, min_child_weight, max_depth, base_score. */
  static Map<String, Object> xgboostParams(BoostParams p, double baseRate) {
    Map<String, Object> m = new HashMap<>();
    m.put("objective", "binary:logistic");
    m.put("tree_method", "hist");
    m.put("max_bin", p.maxBins());
    m.put("eta", p.learningRate());
    m.put("lambda", p.lambda());
    m.put("alpha", 0.0);
    m.put("gamma", 2 * p.minGain());
    m.put("min_child_weight", p.minChildWeight());
    m.put("max_depth", p.maxDepth());
    m.put("base_score", baseRate);
    m.put("nthread", 2);
    m.put("seed", 0);
    m.put("verbosity", 0);
    return m;
  }

  /** XGBoost's probabilities of {@code predict} after training on {@code train}. */
  static double[][] xgboost(double[][] train, double[] labels, BoostParams p, double[][]... predict) throws XGBoostError {
    double rate = Arrays.stream(labels).average().orElseThrow();
    DMatrix dtrain = matrix(train);
    float[] y = new float[labels.length];
    for (int i = 0; i < y.length; i++) y[i] = (float) labels[i];
    dtrain.setLabel(y);
    Booster booster = XGBoost.train(dtrain, xgboostParams(p, rate), p.trees(), new HashMap<>(), null, null);
    double[][] out = new double[predict.length][];
    for (int k = 0; k < predict.length; k++) {
      float[][] pr = booster.predict(matrix(predict[k]));
      out[k] = new double[pr.length];
      for (int i = 0; i < pr.length; i++) out[k][i] = pr[i][0];
    }
    booster.dispose();
    return out;
  }

  private static DMatrix matrix(double[][] rows) throws XGBoostError {
    int cols = rows[0].length;
    float[] data = new float[rows.length * cols];
    for (int r = 0; r < rows.length; r++) for (int c = 0; c < cols; c++) data[r * cols + c] = (float) rows[r][c];
    return new DMatrix(data, rows.length, cols, Float.NaN);
  }

  /** |a − b| / b. */
  static double relative(double a, double b) {
    return Math.abs(a - b) / b;
  }
}
