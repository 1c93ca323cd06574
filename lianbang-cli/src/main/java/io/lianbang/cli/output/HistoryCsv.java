package io.lianbang.cli.output;

import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a {@link History} as CSV, one row per round (round 0 is the initial model). Accuracies are
 * fractions in [0, 1]; a value that was not measured in a round is an empty cell. The last four
 * columns are the round's uplink and downlink bytes and the run's totals so far.
 */
public final class HistoryCsv {
  /** The header row. */
  public static final String HEADER = "round,sampled,succeeded,failed,train_loss,test_loss,test_accuracy,fed_loss,fed_accuracy,seconds,"
      + "uplink_bytes,downlink_bytes,total_uplink_bytes,total_downlink_bytes";

  private HistoryCsv() {}

  /** The CSV text, header first, rows separated by {@code \n}. */
  public static String format(History history) {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (RoundRecord r : history.rounds()) {
      sb.append(r.round()).append(',')
          .append(r.sampled()).append(',')
          .append(r.succeeded()).append(',')
          .append(r.failures().size()).append(',')
          .append(cell(RoundValues.trainLoss(r), "%.6f")).append(',')
          .append(cell(RoundValues.testLoss(r), "%.6f")).append(',')
          .append(cell(RoundValues.testAccuracy(r), "%.6f")).append(',')
          .append(cell(RoundValues.fedLoss(r), "%.6f")).append(',')
          .append(cell(RoundValues.fedAccuracy(r), "%.6f")).append(',')
          .append(cell(r.seconds(), "%.3f")).append(',')
          .append(r.traffic().uplinkBytes()).append(',').append(r.traffic().downlinkBytes()).append(',')
          .append(r.totalTraffic().uplinkBytes()).append(',').append(r.totalTraffic().downlinkBytes())
          .append('\n');
    }
    return sb.toString();
  }

  /** Writes {@link #format} to {@code file}. */
  public static void write(History history, Path file) throws IOException {
    Files.writeString(file, format(history));
  }

  private static String cell(double v, String pattern) {
    if (Double.isNaN(v)) return "";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    return String.format(Locale.ROOT, pattern, v);
  }
}
