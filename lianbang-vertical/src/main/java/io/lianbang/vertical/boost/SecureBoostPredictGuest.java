package io.lianbang.vertical.boost;

import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The guest of SecureBoost prediction (Cheng et al. 2019, Algorithm 3; FATE's federated inference):
 * walks every tree for every row of {@code table} (rows in the order shared with the hosts),
 * deciding its own splits locally and asking a host for the rows that wait at one of its records
 * ({@link SecureBoostProtocol#ROUTE}, {@link SecureBoostProtocol#DIRECTION}); all trees advance
 * together, so a prediction takes at most (largest depth + 1) rounds per host.
 */
public final class SecureBoostPredictGuest {
  private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  private final List<String> hosts;
  private final BoostModel model;
  private final VerticalTable table;
  private final String session;
  private final Wire wire;

  /**
   * A prediction of {@code table}'s rows.
   *
   * @param session a name of this prediction, distinct per run over the same link (1-32 of [A-Za-z0-9_-]); it is part of the tags
   * @param timeout the deadline of every receive
   * @throws IllegalArgumentException if the model names a host not in hosts, a local split's feature
   *     is outside the table, or the session name is malformed
   */
  public SecureBoostPredictGuest(PartyLink link, List<String> hosts, BoostModel model, VerticalTable table, String session, Duration timeout) {
    this.hosts = List.copyOf(hosts);
    this.model = Objects.requireNonNull(model, "model");
    this.table = Objects.requireNonNull(table, "table");
    if (session == null || !SESSION.matcher(session).matches()) throw new IllegalArgumentException("session must be 1-32 of [A-Za-z0-9_-], got " + session);
    this.session = session;
    if (new HashSet<>(this.hosts).size() != this.hosts.size()) throw new IllegalArgumentException("hosts names a host twice: " + hosts);
    for (BoostTree t : model.trees()) {
      for (TreeNode n : t.nodes()) {
        if (n.kind() == TreeNode.Kind.HOST_SPLIT && !this.hosts.contains(n.host())) {
          throw new IllegalArgumentException("the model has a split of " + n.host() + ", which is not in hosts " + hosts);
        }
        if (n.kind() == TreeNode.Kind.LOCAL_SPLIT && n.feature() >= table.columns()) {
          throw new IllegalArgumentException("the model splits on feature " + n.feature() + " but table has " + table.columns());
        }
      }
    }
    this.wire = new Wire(Objects.requireNonNull(link, "link"), "SecureBoost prediction guest", timeout);
  }

  /**
   * Predicts.
   *
   * @return the probability of class 1 of each row
   * @throws SecureBoostException if a host is lost, times out or answers malformed
   */
  public double[] run() {
    int n = table.rows();
    List<BoostTree> trees = model.trees();
    int[][] at = new int[trees.size()][n];
    int maxDepth = 0;
    for (BoostTree t : trees) maxDepth = Math.max(maxDepth, t.depth());
    for (int step = 0; ; step++) {
      // Advance every path through local splits; collect the rows waiting at host records.
      List<Map<Integer, List<int[]>>> waiting = new ArrayList<>();
      for (int k = 0; k < hosts.size(); k++) waiting.add(new LinkedHashMap<>());
      boolean any = false;
      for (int t = 0; t < trees.size(); t++) {
        List<TreeNode> nodes = trees.get(t).nodes();
        for (int r = 0; r < n; r++) {
          TreeNode node = nodes.get(at[t][r]);
          while (node.kind() == TreeNode.Kind.LOCAL_SPLIT) {
            at[t][r] = table.features()[r][node.feature()] <= node.threshold() ? node.left() : node.right();
            node = nodes.get(at[t][r]);
          }
          if (node.kind() == TreeNode.Kind.HOST_SPLIT) {
            waiting.get(hosts.indexOf(node.host())).computeIfAbsent(node.record(), x -> new ArrayList<>()).add(new int[] {t, r});
            any = true;
          }
        }
      }
      if (step > maxDepth) throw new IllegalStateException("prediction did not finish within " + (maxDepth + 1) + " rounds");
      String tag = session + "." + step;
      for (int k = 0; k < hosts.size(); k++) {
        PayloadWriter w = new PayloadWriter().putInt(any ? 1 : 0);
        if (any) {
          w.putInt(waiting.get(k).size());
          for (Map.Entry<Integer, List<int[]>> e : waiting.get(k).entrySet()) {
            w.putInt(e.getKey()).putInts(e.getValue().stream().mapToInt(x -> x[1]).toArray());
          }
        }
        wire.send(hosts.get(k), SecureBoostProtocol.ROUTE + "/" + tag, w.toByteArray());
      }
      if (!any) break;
      for (int k = 0; k < hosts.size(); k++) {
        Map<Integer, List<int[]>> mine = waiting.get(k);
        wire.parse(hosts.get(k), SecureBoostProtocol.DIRECTION + "/" + tag, in -> {
          int count = in.getInt("records");
          if (count != mine.size()) throw new IllegalArgumentException("records must be " + mine.size() + ", got " + count);
          for (Map.Entry<Integer, List<int[]>> e : mine.entrySet()) {
            List<int[]> paths = e.getValue();
            boolean[] left = Wire.bits(in.getBytes("left", (paths.size() + 7) / 8), paths.size(), "left of record " + e.getKey());
            for (int j = 0; j < paths.size(); j++) {
              int t = paths.get(j)[0];
              int r = paths.get(j)[1];
              TreeNode node = trees.get(t).nodes().get(at[t][r]);
              at[t][r] = left[j] ? node.left() : node.right();
            }
          }
          return null;
        });
      }
    }
    double[] p = new double[n];
    for (int r = 0; r < n; r++) {
      double s = model.initScore();
      for (int t = 0; t < trees.size(); t++) s += trees.get(t).nodes().get(at[t][r]).weight();
      p[r] = Logistic.sigmoid(s);
    }
    return p;
  }
}
