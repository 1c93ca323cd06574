package io.lianbang.cli.run;

import io.lianbang.cli.output.ByteSize;
import io.lianbang.cli.output.RoundValues;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.Traffic;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.engine.client.StandardizingClient;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints one line per round to standard output, for example
 * {@code round  12/50  clients 10/10  train_loss 0.4321  test_loss 0.5012  test_acc 81.23%  1.02 s  up 1.05 MB  down 4.19 MB  total 62.9 MB}
 * (the bytes the round moved each way and, up and down together, the run so far; absent when
 * nothing was counted),
 * and keeps an optional {@link ProgressBar} on a terminal up to date. The federated evaluation is
 * {@code fed_val_loss}/{@code fed_val_acc} when every client evaluated on data held out from
 * training, {@code fed_train_...} when every client evaluated on its training data (both as
 * reported by {@link StandardizingClient#HELD_OUT}), and {@code fed_...} otherwise.
 */
public final class RoundPrinter implements RoundListener {
  /** The fit metric of DP-FedAvg's ε so far, shown as {@code epsilon} at the end of the line. */
  public static final String DP_EPSILON = "dp_epsilon";

  private final PrintWriter out;
  private final ProgressBar bar;
  private final int clientsPerRound;

  /**
   * Prints to {@code out}; {@code bar} may be null. {@code clientsPerRound} sets the width of the
   * clients column so that the columns line up.
   */
  public RoundPrinter(PrintWriter out, ProgressBar bar, int clientsPerRound) {
    this.out = out;
    this.bar = bar;
    this.clientsPerRound = clientsPerRound;
  }

  @Override
  public void roundStarted(int round, int rounds, int sampled) {
    if (bar != null) bar.roundStarted(round, rounds, sampled);
  }

  @Override
  public void clientFinished(int round, String clientId, boolean succeeded) {
    if (bar != null) bar.clientFinished(succeeded);
  }

  @Override
  public void roundCompleted(RoundRecord record, int rounds) {
    if (bar != null) {
      bar.roundCompleted(record.round(), record.seconds());
      bar.clear();
    }
    out.println(line(record, rounds, clientsPerRound));
    out.flush();
    // the bar comes back when the next round starts
  }

  /** The line printed for {@code r} in a run of {@code rounds} rounds sampling about {@code clientsPerRound}. */
  public static String line(RoundRecord r, int rounds, int clientsPerRound) {
    int w = String.valueOf(rounds).length();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "round  %" + w + "d/%d  ", r.round(), rounds));
    int cw = String.valueOf(Math.max(Math.max(r.sampled(), clientsPerRound), 1)).length();
    int clientsWidth = "clients ".length() + 2 * cw + 1;
    String clients = r.round() == 0 && r.sampled() == 0 ? "initial"
        : String.format(Locale.ROOT, "clients %" + cw + "d/%d", r.succeeded(), r.sampled());
    sb.append(pad(clients, clientsWidth)).append("  ");
    double train = RoundValues.trainLoss(r);
    sb.append(pad(Double.isNaN(train) ? "" : "train_loss " + number(train), 17)).append("  ");
    if (r.centralized().isPresent()) {
      sb.append("test_loss ").append(number(RoundValues.testLoss(r)))
          .append("  test_acc ").append(percent(RoundValues.testAccuracy(r)));
    } else {
      sb.append("test_loss      -  test_acc      -");
    }
    if (r.federated().isPresent()) {
      // clients that report held_out say whether they evaluated on held-out (validation) or training data
      double heldOut = r.federated().get().metrics().get(StandardizingClient.HELD_OUT).orElse(Double.NaN);
      String on = heldOut == 1 ? "_val" : heldOut == 0 ? "_train" : "";
      sb.append("  fed").append(on).append("_loss ").append(number(RoundValues.fedLoss(r)))
          .append("  fed").append(on).append("_acc ").append(percent(RoundValues.fedAccuracy(r)));
    }
    sb.append(String.format(Locale.ROOT, "  %.2f s", r.seconds()));
    if (!r.totalTraffic().equals(Traffic.NONE)) {
      Traffic t = r.traffic();
      sb.append("  up ").append(ByteSize.format(t.uplinkBytes())).append("  down ").append(ByteSize.format(t.downlinkBytes()))
          .append("  total ").append(ByteSize.format(r.totalTraffic().uplinkBytes() + r.totalTraffic().downlinkBytes()));
    }
    if (!r.failures().isEmpty()) sb.append("  (").append(failed(r.failures())).append(")");
    r.fitMetrics().get(Federation.CLIPPED_METRIC).ifPresent(n -> sb.append(String.format(Locale.ROOT, "  (%.0f clipped)", n)));
    r.fitMetrics().get(DP_EPSILON).ifPresent(e -> sb.append(String.format(Locale.ROOT, "  epsilon %.4f", e)));
    if (r.round() > 0 && !r.updated()) sb.append("  quorum not met, model kept");
    return sb.toString();
  }

  /** "2 failed: 1 invalid, 1 timeout": the failures by kind. */
  static String failed(List<ClientFailure> failures) {
    Map<ClientFailure.Kind, Long> byKind = new EnumMap<>(ClientFailure.Kind.class);
    for (ClientFailure f : failures) byKind.merge(f.kind(), 1L, Long::sum);
    StringBuilder sb = new StringBuilder().append(failures.size()).append(" failed: ");
    byKind.forEach((k, n) -> sb.append(n).append(' ').append(k.name().toLowerCase(Locale.ROOT)).append(", "));
    return sb.substring(0, sb.length() - 2);
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "     -" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String percent(double fraction) {
    return Double.isNaN(fraction) ? "     -" : String.format(Locale.ROOT, "%5.2f%%", 100 * fraction);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
