package io.lianbang.privacy.dp;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ForwardingClient;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.util.Objects;

/**
 * Local differential privacy: the client clips its update to L2 norm C and adds Gaussian noise of
 * standard deviation z·C to every coordinate before anything leaves it, so each released update
 * is on its own the Gaussian mechanism with noise multiplier z (Dwork &amp; Roth, "The Algorithmic
 * Foundations of Differential Privacy", 2014, Theorem A.1 / Mironov 2017, Proposition 7). The
 * server needs no trust; the price is noise m times larger on the mean than with DP-FedAvg.
 *
 * <p>{@link #spent()} composes this client's releases (one per round it trained in) with the RDP
 * accountant at q = 1.
 */
public final class LocalDpClient extends ForwardingClient {
  private final double clip;
  private final double noiseMultiplier;
  private final NoiseSource noise;
  private final double delta;
  private final RdpAccountant accountant = new RdpAccountant();

  /**
   * @throws IllegalArgumentException if the clip is not positive or the noise multiplier not positive
   */
  public LocalDpClient(Client inner, double clip, double noiseMultiplier, double delta, NoiseSource noise) {
    super(Objects.requireNonNull(inner, "inner"));
    if (!(clip > 0)) throw new IllegalArgumentException("dp.clip must be > 0, got " + clip);
    if (!(noiseMultiplier > 0)) throw new IllegalArgumentException("dp.noise_multiplier must be > 0 for local DP, got " + noiseMultiplier);
    this.clip = clip;
    this.noiseMultiplier = noiseMultiplier;
    this.delta = delta;
    this.noise = Objects.requireNonNull(noise, "noise");
  }

  @Override
  public FitResult fit(FitTask task) {
    FitResult r = delegate().fit(task);
    float[] d = ParameterMath.subtractFlat(r.parameters(), task.parameters());
    Clipping.clipInPlace(d, clip);
    double std = noiseMultiplier * clip;
    Parameters released = ParameterMath.map(task.parameters(), (i, g) -> (float) (g + d[i] + std * noise.gaussian()));
    synchronized (this) {
      accountant.compose(1, noiseMultiplier, 1);
    }
    return new FitResult(released, r.numExamples(), r.metrics());
  }

  /** The (ε, δ) this client has spent over all its releases. */
  public synchronized PrivacySpent spent() {
    return accountant.spent(delta);
  }
}
