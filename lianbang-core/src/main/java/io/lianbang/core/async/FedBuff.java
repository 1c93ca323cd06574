package io.lianbang.core.async;

import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.util.Objects;

/**
 * The server state of buffered asynchronous aggregation, FedBuff (Nguyen et al., "Federated
 * Learning with Buffered Asynchronous Aggregation", AISTATS 2022, Algorithm 1): clients train from
 * whatever global model is current when they start and report their update
 * {@code Δ = x_local − x_start}; the server buffers updates and every {@code K} of them applies
 *
 * <pre>x ← x + η_g · (Σ_i s(τ_i) · Δ_i) / K</pre>
 *
 * where {@code τ_i} is the number of server updates since client i's start (its staleness) and
 * {@code s} the {@link StalenessWeight}. As in the paper the buffer is divided by {@code K}, not by
 * the sum of the weights, and updates are not weighted by their example counts (the paper's
 * Algorithm 1; its clients run a fixed number of local steps). Updates staler than
 * {@code maxStaleness} are dropped and counted, never buffered.
 *
 * <p>The buffer is an {@link ExactWeightedSum}, so a server update depends on the set of updates
 * in its buffer and not on the order in which they arrived. The division and the step are done in
 * double precision per value and rounded once to float.
 *
 * <p>Not thread-safe: one event loop submits.
 */
public final class FedBuff {
  private final FedBuffSettings settings;
  private Parameters global;
  private ExactWeightedSum buffer;
  private int version;
  private long dropped;

  /** A server at version 0 holding {@code initial}. */
  public FedBuff(Parameters initial, FedBuffSettings settings) {
    this(initial, 0, 0, settings);
  }

  /**
   * A server resumed right after server update {@code version}, with an empty buffer (as every
   * update leaves it), holding {@code global} and having dropped {@code droppedStale} updates.
   *
   * @throws IllegalArgumentException if {@code version} or {@code droppedStale} is negative
   */
  public FedBuff(Parameters global, int version, long droppedStale, FedBuffSettings settings) {
    if (version < 0) throw new IllegalArgumentException("version must be >= 0, got " + version);
    if (droppedStale < 0) throw new IllegalArgumentException("droppedStale must be >= 0, got " + droppedStale);
    this.global = Objects.requireNonNull(global, "global");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.buffer = new ExactWeightedSum(global);
    this.version = version;
    this.dropped = droppedStale;
  }

  /** What became of one submitted update. */
  public enum Outcome {
    /** Buffered; the buffer is not full yet. */
    BUFFERED,
    /** Buffered, and it filled the buffer: the global model moved to the next version. */
    APPLIED,
    /** Staler than {@code maxStaleness}: dropped. */
    DROPPED_STALE
  }

  /**
   * Submits a client's update {@code delta = x_local − x_start}, trained from global version
   * {@code startVersion}.
   *
   * @throws IllegalArgumentException if {@code startVersion} is negative or in the future, or
   *     {@code delta} does not match the model's layout or holds a non-finite value
   */
  public Outcome submit(Parameters delta, int startVersion) {
    if (startVersion < 0 || startVersion > version) {
      throw new IllegalArgumentException("start version must be in [0, " + version + "], got " + startVersion);
    }
    int staleness = version - startVersion;
    if (staleness > settings.maxStaleness()) {
      dropped++;
      return Outcome.DROPPED_STALE;
    }
    buffer.add(delta, settings.staleness().weight(staleness));
    if (buffer.terms() < settings.bufferSize()) return Outcome.BUFFERED;
    global = step(global, buffer.sum(), settings.serverLearningRate() / settings.bufferSize());
    buffer = new ExactWeightedSum(global);
    version++;
    return Outcome.APPLIED;
  }

  /** {@code x + factor · sum}, per value in double, rounded once to float. */
  static Parameters step(Parameters x, Parameters sum, double factor) {
    return ParameterMath.zip(x, sum, (i, a, s) -> (float) (a + factor * s));
  }

  /** The current global model. */
  public Parameters global() {
    return global;
  }

  /** Server updates applied so far: the current global model's version. */
  public int version() {
    return version;
  }

  /** Updates waiting in the buffer. */
  public int buffered() {
    return buffer.terms();
  }

  /** Updates dropped so far for being too stale. */
  public long droppedStale() {
    return dropped;
  }

  /** The settings. */
  public FedBuffSettings settings() {
    return settings;
  }
}
