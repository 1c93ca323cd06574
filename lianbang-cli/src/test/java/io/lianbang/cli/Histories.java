package io.lianbang.cli;

import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Hand-made histories for tests: loss falls and accuracy rises round by round. */
public final class Histories {
  private Histories() {}

  /** Round 0 (initial evaluation) and rounds 1..{@code rounds}; round 2 has one timed-out client. */
  public static History sample(int rounds) {
    List<RoundRecord> out = new ArrayList<>();
    out.add(new RoundRecord(0, 0, 0, List.of(), false, Metrics.empty(), Optional.empty(),
        Optional.of(eval(2.30, 0.10)), 0.25));
    for (int r = 1; r <= rounds; r++) {
      List<ClientFailure> failures = r == 2
          ? List.of(new ClientFailure("client-007", ClientFailure.Kind.TIMEOUT, "no result within 600 s"))
          : List.of();
      double loss = 2.0 / (1 + r);
      out.add(new RoundRecord(r, 10, 10 - failures.size(), failures, true,
          Metrics.of("train_loss", loss * 0.9), Optional.of(eval(loss * 1.05, 0.8 - 0.5 / (r + 1))),
          Optional.of(eval(loss, 0.9 - 0.6 / (r + 1))), 1.0 + 0.01 * r));
    }
    return new History(out);
  }

  public static EvalResult eval(double loss, double accuracy) {
    return new EvalResult(loss, 1000, Metrics.of("accuracy", accuracy));
  }
}
