package io.lianbang.privacy.dp;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ForwardingClient;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import java.util.Objects;
import java.util.Optional;

/**
 * A deployed client's differential privacy, as each fit task asks for it ({@link DpTaskConfig}):
 * a task without DP entries trains as it is; {@code client} clips the update ({@link
 * ClippingClient}); {@code local} clips it and adds noise ({@link LocalDpClient}, kept across tasks
 * with the same settings so that its ε composes over every release). A task with malformed entries
 * fails with a message naming the key and the value. Seeded local noise gives no privacy, so it is
 * refused unless this client allows it.
 */
public final class DpTaskClient extends ForwardingClient {
  private final String name;
  private final boolean allowSeededNoise;
  private final ClippingClient clipping;
  private DpTaskConfig localSettings;
  private LocalDpClient local;

  /**
   * @param name this client's name; seeded local noise derives from the task's seed and it
   * @param allowSeededNoise whether tasks may ask for INSECURE seeded local noise
   */
  public DpTaskClient(Client inner, String name, boolean allowSeededNoise) {
    super(Objects.requireNonNull(inner, "inner"));
    this.name = Objects.requireNonNull(name, "name");
    this.allowSeededNoise = allowSeededNoise;
    this.clipping = new ClippingClient(inner);
  }

  @Override
  public FitResult fit(FitTask task) {
    Optional<DpTaskConfig> dp = DpTaskConfig.read(task.config());
    if (dp.isEmpty()) return delegate().fit(task);
    return dp.get().mode().equals("client") ? clipping.fit(task) : local(dp.get()).fit(task);
  }

  private synchronized LocalDpClient local(DpTaskConfig settings) {
    if (settings.noiseSeed() != null && !allowSeededNoise) {
      throw new IllegalArgumentException("config " + DpTaskConfig.NOISE_KEY + " seeded is refused: seeded noise gives no privacy,"
          + " and this client adds its local noise only from SecureRandom unless it allows seeded noise");
    }
    if (!settings.equals(localSettings)) {
      NoiseSource noise = settings.noiseSeed() == null ? NoiseSource.secure()
          : NoiseSource.seededInsecure(Seeds.derive(settings.noiseSeed(), "local-dp-noise:" + name));
      local = new LocalDpClient(delegate(), settings.clip(), settings.noiseMultiplier(), settings.delta(), noise);
      localSettings = settings;
    }
    return local;
  }

  /** The (ε, δ) of this client's local-DP releases under the current settings, or empty if it made none. */
  public synchronized Optional<PrivacySpent> localSpent() {
    return local == null ? Optional.empty() : Optional.of(local.spent());
  }
}
