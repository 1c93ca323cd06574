package io.lianbang.core.federation;

import io.lianbang.core.check.Require;
import io.lianbang.core.compress.Compression;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the round loop.
 *
 * @param rounds number of rounds, at least 1
 * @param seed the run seed; every random choice of the run derives from it
 * @param roundTimeout how long a round's training may take; late clients count as failures
 * @param evaluateTimeout how long a round's federated evaluation may take
 * @param waitForClients how long to wait for the strategy's minimum number of clients
 * @param quorum the share of sampled clients whose results must arrive for the round to update
 *     the model, in (0, 1]; at least one result is always required
 * @param evaluateEvery run federated and centralized evaluation every this many rounds (the last
 *     round is always evaluated)
 * @param maxExamples the largest example count a client's result may claim, in [1, 2^40]; a larger
 *     claim is clipped to it (the client's weight in every example-weighted mean is bounded), and
 *     the round reports how many claims were clipped as the metric {@value Federation#CLIPPED_METRIC}
 * @param compression how models and updates travel; {@link Compression#NONE} for float32 both ways
 */
public record FederationConfig(
    int rounds, long seed, Duration roundTimeout, Duration evaluateTimeout, Duration waitForClients,
    double quorum, int evaluateEvery, long maxExamples, Compression compression) {
  /** The largest {@link #maxExamples}: 2^40, so that sums over a million clients cannot overflow a long. */
  public static final long MAX_EXAMPLES_LIMIT = 1L << 40;

  /**
   * @throws IllegalArgumentException naming the field and value if a setting is out of range
   */
  public FederationConfig {
    Require.atLeast("rounds", rounds, 1);
    Require.positive("roundTimeout", roundTimeout);
    Require.positive("evaluateTimeout", evaluateTimeout);
    Require.positive("waitForClients", waitForClients);
    Require.unitInterval("quorum", quorum, false);
    Require.atLeast("evaluateEvery", evaluateEvery, 1);
    Require.inRange("maxExamples", maxExamples, 1, MAX_EXAMPLES_LIMIT);
    Objects.requireNonNull(compression, "compression");
  }

  /** Settings without compression. */
  public FederationConfig(int rounds, long seed, Duration roundTimeout, Duration evaluateTimeout, Duration waitForClients,
      double quorum, int evaluateEvery, long maxExamples) {
    this(rounds, seed, roundTimeout, evaluateTimeout, waitForClients, quorum, evaluateEvery, maxExamples, Compression.NONE);
  }

  /** Settings without compression whose example counts are bounded only by {@link #MAX_EXAMPLES_LIMIT}. */
  public FederationConfig(int rounds, long seed, Duration roundTimeout, Duration evaluateTimeout, Duration waitForClients,
      double quorum, int evaluateEvery) {
    this(rounds, seed, roundTimeout, evaluateTimeout, waitForClients, quorum, evaluateEvery, MAX_EXAMPLES_LIMIT, Compression.NONE);
  }

  /** Defaults: 10-minute round and evaluation deadlines, 1-minute wait for clients, quorum 0.5, evaluate every round. */
  public static FederationConfig of(int rounds, long seed) {
    return builder().rounds(rounds).seed(seed).build();
  }

  /**
   * A builder with the defaults of {@link #of}: seed 0, 10-minute round and evaluation deadlines,
   * 1-minute wait for clients, quorum 0.5, evaluation every round, example counts bounded only by
   * {@link #MAX_EXAMPLES_LIMIT}. {@link Builder#rounds} has no default.
   *
   * <pre>{@code
   * FederationConfig config = FederationConfig.builder().rounds(10).seed(42).quorum(0.8).build();
   * }</pre>
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    return new Builder().rounds(rounds).seed(seed).roundTimeout(roundTimeout).evaluateTimeout(evaluateTimeout)
        .waitForClients(waitForClients).quorum(quorum).evaluateEvery(evaluateEvery).maxExamples(maxExamples).compression(compression);
  }

  /** A copy with another round timeout. */
  public FederationConfig withRoundTimeout(Duration d) {
    return toBuilder().roundTimeout(d).build();
  }

  /** A copy with another quorum. */
  public FederationConfig withQuorum(double q) {
    return toBuilder().quorum(q).build();
  }

  /** A copy that evaluates every {@code n} rounds. */
  public FederationConfig withEvaluateEvery(int n) {
    return toBuilder().evaluateEvery(n).build();
  }

  /** A copy that compresses as {@code c}. */
  public FederationConfig withCompression(Compression c) {
    return toBuilder().compression(c).build();
  }

  /** A copy that clips example counts above {@code n}. */
  public FederationConfig withMaxExamples(long n) {
    return toBuilder().maxExamples(n).build();
  }

  /**
   * Builds a {@link FederationConfig}; {@link #build} checks every setting, naming the field and
   * the value of the first one out of range. Not thread-safe.
   */
  public static final class Builder {
    private Integer rounds;
    private long seed;
    private Duration roundTimeout = Duration.ofMinutes(10);
    private Duration evaluateTimeout = Duration.ofMinutes(10);
    private Duration waitForClients = Duration.ofMinutes(1);
    private Compression compression = Compression.NONE;
    private double quorum = 0.5;
    private int evaluateEvery = 1;
    private long maxExamples = MAX_EXAMPLES_LIMIT;

    private Builder() {}

    /** Number of rounds, at least 1; required. */
    public Builder rounds(int rounds) {
      this.rounds = rounds;
      return this;
    }

    /** The run seed. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** How long a round's training may take. */
    public Builder roundTimeout(Duration roundTimeout) {
      this.roundTimeout = roundTimeout;
      return this;
    }

    /** How long a round's federated evaluation may take. */
    public Builder evaluateTimeout(Duration evaluateTimeout) {
      this.evaluateTimeout = evaluateTimeout;
      return this;
    }

    /** How long to wait for the strategy's minimum number of clients. */
    public Builder waitForClients(Duration waitForClients) {
      this.waitForClients = waitForClients;
      return this;
    }

    /** The share of sampled clients whose results a round needs, in (0, 1]. */
    public Builder quorum(double quorum) {
      this.quorum = quorum;
      return this;
    }

    /** Evaluate every this many rounds (the last round always). */
    public Builder evaluateEvery(int evaluateEvery) {
      this.evaluateEvery = evaluateEvery;
      return this;
    }

    /** The largest example count a result may claim, in [1, {@link #MAX_EXAMPLES_LIMIT}]. */
    public Builder maxExamples(long maxExamples) {
      this.maxExamples = maxExamples;
      return this;
    }

    /** How models and updates travel; default {@link Compression#NONE}. */
    public Builder compression(Compression compression) {
      this.compression = compression;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException if {@code rounds} was not set, naming it, or if a setting
     *     is out of range, naming the field and value
     */
    public FederationConfig build() {
      if (rounds == null) throw new IllegalArgumentException("rounds is not set: it has no default");
      return new FederationConfig(rounds, seed, roundTimeout, evaluateTimeout, waitForClients, quorum, evaluateEvery, maxExamples, compression);
    }
  }
}
