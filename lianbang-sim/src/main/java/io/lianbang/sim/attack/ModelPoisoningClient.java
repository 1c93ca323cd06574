package io.lianbang.sim.attack;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ForwardingClient;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.util.Objects;

/**
 * A malicious client that trains honestly and then poisons what it sends. With {@code x} the
 * parameters it received and {@code Δ = y − x} its honest update:
 * <ul>
 *   <li>{@link Kind#SIGN_FLIP}: sends {@code x − scale·Δ} (Damaskinos et al., ICML 2018; Li et
 *       al., AAAI 2019, "RSA");
 *   <li>{@link Kind#SCALING}: sends {@code x + scale·Δ}, the model-replacement boost of
 *       Bagdasaryan et al., "How To Backdoor Federated Learning", AISTATS 2020;
 *   <li>{@link Kind#GAUSSIAN_NOISE}: sends {@code x + N(0, σ²)} in every coordinate instead of its
 *       model (Blanchard et al., NeurIPS 2017, the Gaussian Byzantine worker); the noise is drawn
 *       from the task seed, so runs stay reproducible.
 * </ul>
 * It reports its true number of examples and metrics. Evaluation is honest.
 */
public final class ModelPoisoningClient extends ForwardingClient {
  /** What the client does to its update. */
  public enum Kind { SIGN_FLIP, SCALING, GAUSSIAN_NOISE }

  private final Kind kind;
  private final double scale;
  private final double noiseStd;

  public ModelPoisoningClient(Client honest, Kind kind, double scale, double noiseStd) {
    super(Objects.requireNonNull(honest, "honest"));
    this.kind = Objects.requireNonNull(kind, "kind");
    this.scale = scale;
    this.noiseStd = noiseStd;
  }

  @Override
  public FitResult fit(FitTask task) {
    FitResult r = delegate().fit(task);
    Parameters x = task.parameters();
    if (!x.sameShapes(r.parameters())) return r;
    Parameters out = switch (kind) {
      case SIGN_FLIP -> ParameterMath.zip(x, r.parameters(), (k, xk, yk) -> (float) (xk - scale * ((double) yk - xk)));
      case SCALING -> ParameterMath.zip(x, r.parameters(), (k, xk, yk) -> (float) (xk + scale * ((double) yk - xk)));
      case GAUSSIAN_NOISE -> ParameterMath.addNoise(x, noiseStd, Seeds.random(task.seed(), "attack-noise")::nextGaussian);
    };
    return new FitResult(out, r.numExamples(), r.metrics());
  }
}
