package io.lianbang.core.federation;

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
 */
public record FederationConfig(
    int rounds, long seed, Duration roundTimeout, Duration evaluateTimeout, Duration waitForClients,
    double quorum, int evaluateEvery) {

  /**
   * @throws IllegalArgumentException naming the field and value if a setting is out of range
   */
  public FederationConfig {
    if (rounds < 1) throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    requirePositive("roundTimeout", roundTimeout);
    requirePositive("evaluateTimeout", evaluateTimeout);
    requirePositive("waitForClients", waitForClients);
    if (!(quorum > 0 && quorum <= 1)) throw new IllegalArgumentException("quorum must be in (0, 1], got " + quorum);
    if (evaluateEvery < 1) throw new IllegalArgumentException("evaluateEvery must be >= 1, got " + evaluateEvery);
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, got " + d);
  }

  /** Defaults: 10-minute round and evaluation deadlines, 1-minute wait for clients, quorum 0.5, evaluate every round. */
  public static FederationConfig of(int rounds, long seed) {
    return new FederationConfig(rounds, seed, Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofMinutes(1), 0.5, 1);
  }

  /** A copy with another round timeout. */
  public FederationConfig withRoundTimeout(Duration d) {
    return new FederationConfig(rounds, seed, d, evaluateTimeout, waitForClients, quorum, evaluateEvery);
  }

  /** A copy with another quorum. */
  public FederationConfig withQuorum(double q) {
    return new FederationConfig(rounds, seed, roundTimeout, evaluateTimeout, waitForClients, q, evaluateEvery);
  }

  /** A copy that evaluates every {@code n} rounds. */
  public FederationConfig withEvaluateEvery(int n) {
    return new FederationConfig(rounds, seed, roundTimeout, evaluateTimeout, waitForClients, quorum, n);
  }
}
