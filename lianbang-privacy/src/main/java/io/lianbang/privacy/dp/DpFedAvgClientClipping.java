package io.lianbang.privacy.dp;

import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.util.List;
import java.util.Optional;

/**
 * Client-level DP-FedAvg with clipping on the clients (McMahan et al., ICLR 2018): each client,
 * wrapped in a {@link ClippingClient}, clips its update to the norm C this strategy sends as
 * {@value #CLIP_KEY} and reports weight 1; this strategy averages what arrives (m results of weight
 * 1, or one securely aggregated result of weight m) and adds Gaussian noise of standard deviation
 * z·C/m to the mean. Because it needs only the mean, it composes with secure aggregation:
 * {@code new SecureAggregation(new DpFedAvgClientClipping(fedAvg, ...), ...)}, and then the server
 * never sees an individual update. The server cannot check that clients clipped; the guarantee
 * assumes they run the clipping client.
 *
 * <p>Adaptive clipping is not available here (it would need each client's clipped-or-not bit,
 * which secure aggregation would have to carry as well); use {@link DpFedAvgServerClipping}.
 */
public final class DpFedAvgClientClipping extends DpFedAvgBase {
  /** The config key that tells clients the clipping norm. */
  public static final String CLIP_KEY = "dp_clip";

  /**
   * @throws IllegalArgumentException if {@code inner} needs individual updates or adaptive
   *     clipping is asked for
   */
  public DpFedAvgClientClipping(Strategy inner, DpSettings settings, NoiseSource noise) {
    super(inner, settings, noise);
    if (settings.adaptive()) {
      throw new IllegalArgumentException("dp.adaptive needs dp.mode server: client-side clipping uses a fixed norm");
    }
  }

  @Override
  double updateNoiseMultiplier(int sampled) {
    return settings.noiseMultiplier();
  }

  @Override
  ClientInstruction instruct(ClientInstruction in) {
    return in.withConfig(CLIP_KEY, settings.clip());
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    Parameters global = context.global();
    return new FitAggregation() {
      private final double[] sum = new double[(int) global.elementCount()];
      private double m;

      @Override
      public void accept(String clientId, FitResult result) {
        double w = result.numExamples();
        ParameterMath.forEach(result.parameters(), global, (i, p, g) -> sum[i] += w * (p - g));
        m += w;
      }

      @Override
      public FitOutcome complete(List<ClientFailure> failures) {
        if (m == 0) return new FitOutcome(Optional.empty(), Metrics.empty());
        Parameters noisy = release(context, sum, m, settings.clip());
        return handOver(context, noisy, m, Metrics.of("dp_clip", settings.clip()), failures);
      }
    };
  }

  @Override
  public String toString() {
    return "DpFedAvgClientClipping(" + inner + ")";
  }

  /** Clients clip and the server adds noise to the mean only, so the mean is all it needs. */
  @Override
  public boolean aggregatesWeightedMean() {
    return true;
  }
}
