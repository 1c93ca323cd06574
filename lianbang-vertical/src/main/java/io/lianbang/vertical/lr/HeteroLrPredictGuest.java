package io.lianbang.vertical.lr;

import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadReader;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The guest's side of joint scoring: p_i = σ(w_g·x_i + b + Σ_hosts w_h·x_i), the hosts' partial
 * scores received in the clear (FATE 1.11 {@code HeteroLRGuest.predict}).
 */
public final class HeteroLrPredictGuest {
  private final HeteroLrGuestModel model;
  private final List<String> hosts;
  private final String name;
  private final Duration timeout;

  /**
   * Scores with {@code model} and the partial scores of {@code hosts}; {@code name} matches the
   * hosts' (tag {@code lr.predict/<name>}); every receive waits at most {@code timeout}.
   */
  public HeteroLrPredictGuest(HeteroLrGuestModel model, List<String> hosts, String name, Duration timeout) {
    this.model = Objects.requireNonNull(model, "model");
    this.hosts = List.copyOf(hosts);
    this.name = Objects.requireNonNull(name, "name");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (this.hosts.isEmpty()) throw new IllegalArgumentException("hosts must name at least one host");
  }

  /**
   * The probability of label 1 for each row of {@code table} (aligned with the hosts' rows).
   *
   * @throws LinkException naming the host if one is lost, times out or sends the wrong number of scores
   */
  public double[] run(PartyLink link, VerticalTable table) {
    if (table.columns() != model.weights().length) {
      throw new IllegalArgumentException("table has " + table.columns() + " features, the model " + model.weights().length);
    }
    Channel ch = new Channel(link, timeout);
    int n = table.rows();
    double[] s = new double[n];
    for (int i = 0; i < n; i++) s[i] = model.partialScore(table.features()[i]);
    String tag = "lr.predict/" + name;
    for (String h : hosts) {
      PayloadReader r = ch.receive(h, tag);
      double[] part = r.getDoubles("partialScores", n);
      r.end();
      if (part.length != n) throw HeteroLrArbiter.refused(tag + " from " + h, "partialScores count must be " + n + ", got " + part.length);
      for (int i = 0; i < n; i++) s[i] += part[i];
    }
    double[] p = new double[n];
    for (int i = 0; i < n; i++) p[i] = 1 / (1 + Math.exp(-s[i]));
    return p;
  }
}
