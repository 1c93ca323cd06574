package io.lianbang.cli.dashboard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.store.RoundRow;

/** The JSON the dashboard's page reads: numbers not measured ({@code NaN}) are null. */
public final class DashboardJson {
  private DashboardJson() {}

  /** A round: the columns of {@code history.csv}, and {@code epsilon} (the privacy loss after it) if known. */
  public static ObjectNode round(RoundRow r, double epsilon) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("round", r.round());
    n.put("sampled", r.sampled());
    n.put("succeeded", r.succeeded());
    n.put("failed", r.failed());
    n.put("updated", r.updated());
    number(n, "train_loss", r.trainLoss());
    number(n, "test_loss", r.testLoss());
    number(n, "test_accuracy", r.testAccuracy());
    number(n, "fed_loss", r.fedLoss());
    number(n, "fed_accuracy", r.fedAccuracy());
    number(n, "seconds", r.seconds());
    n.put("uplink_bytes", r.uplinkBytes());
    n.put("downlink_bytes", r.downlinkBytes());
    n.put("total_uplink_bytes", r.totalUplinkBytes());
    n.put("total_downlink_bytes", r.totalDownlinkBytes());
    number(n, "epsilon", epsilon);
    return n;
  }

  /** Puts {@code value}, or null if it is not finite. */
  static void number(ObjectNode n, String name, double value) {
    if (Double.isFinite(value)) n.put(name, value);
    else n.putNull(name);
  }
}
