package io.lianbang.core.federation;

import io.lianbang.core.tensor.Parameters;
import java.util.Objects;

/** The final global model and the history of a run. */
public record RunResult(Parameters parameters, History history) {
  public RunResult {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(history, "history");
  }
}
