package io.lianbang.privacy.dp;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ForwardingClient;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.ParameterMath;
import java.util.Objects;

/**
 * Client-side mod of {@link DpFedAvgClientClipping}: clips the update (trained − global) to the L2
 * norm the server sends as {@value DpFedAvgClientClipping#CLIP_KEY} and reports weight 1, so every
 * client has the same bounded influence on the mean.
 */
public final class ClippingClient extends ForwardingClient {
  public ClippingClient(Client inner) {
    super(Objects.requireNonNull(inner, "inner"));
  }

  @Override
  public FitResult fit(FitTask task) {
    if (!task.config().has(DpFedAvgClientClipping.CLIP_KEY)) {
      throw new IllegalArgumentException("config " + DpFedAvgClientClipping.CLIP_KEY + " is missing: the server must run DpFedAvgClientClipping");
    }
    double clip = task.config().getDouble(DpFedAvgClientClipping.CLIP_KEY, 0);
    if (!(clip > 0)) throw new IllegalArgumentException("config " + DpFedAvgClientClipping.CLIP_KEY + " must be > 0, got " + clip);
    FitResult r = delegate().fit(task);
    float[] d = ParameterMath.subtractFlat(r.parameters(), task.parameters());
    Clipping.clipInPlace(d, clip);
    return new FitResult(ParameterMath.map(task.parameters(), (i, g) -> d[i] + g), 1, r.metrics());
  }
}
