package io.lianbang.vertical.lr;

import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadWriter;
import java.util.Objects;

/**
 * A host's side of joint scoring: it sends w_h·x_h of each row to the guest, in the clear, as
 * FATE 1.11's {@code HeteroLRHost.predict} does ({@code host_prob}). The guest learns these partial
 * scores; the host learns nothing.
 */
public final class HeteroLrPredictHost {
  private final HeteroLrHostModel model;
  private final String guest;
  private final String name;

  /**
   * Scores with {@code model} for {@code guest}; {@code name} distinguishes prediction runs over one
   * link (the tag is {@code lr.predict/<name>}).
   */
  public HeteroLrPredictHost(HeteroLrHostModel model, String guest, String name) {
    this.model = Objects.requireNonNull(model, "model");
    this.guest = Objects.requireNonNull(guest, "guest");
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * Sends the partial scores of {@code table}'s rows (aligned with the guest's).
   *
   * @throws IllegalArgumentException if the table's feature count differs from the model's
   * @throws LinkException if the guest is gone
   */
  public void run(PartyLink link, VerticalTable table) {
    if (table.columns() != model.weights().length) {
      throw new IllegalArgumentException("table has " + table.columns() + " features, the model " + model.weights().length);
    }
    double[] s = new double[table.rows()];
    for (int i = 0; i < s.length; i++) s[i] = model.partialScore(table.features()[i]);
    new Channel(link, java.time.Duration.ofSeconds(1)).send(guest, "lr.predict/" + name, new PayloadWriter().putDoubles(s).toByteArray());
  }
}
