package io.lianbang.grpc.edge;

import io.lianbang.core.federation.FederationConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link EdgeAggregator} runs its share of each round.
 *
 * @param edgeId the edge's identity at its parent (certificate CN or token owner): the parent
 *     derives the seed of the edge's fit task from it, and the edge checks that derivation
 * @param runSeed the parent's run seed: each client's fit seed is derived from it, the round and
 *     the client id exactly as the flat server derives it, so a client trains the same under both
 *     topologies
 * @param minClients the least number of connected clients the edge waits for before a round,
 *     at least 1
 * @param waitForClients how long the edge waits for them
 * @param roundTimeout the deadline of its clients' fit tasks
 * @param evaluateTimeout the deadline of its clients' evaluation tasks
 * @param maxExamples the largest example count a client may claim (larger claims are clipped, as
 *     the flat federation clips them); must equal the parent's for bit-identical results
 */
public record EdgeSettings(String edgeId, long runSeed, int minClients, Duration waitForClients, Duration roundTimeout,
    Duration evaluateTimeout, long maxExamples) {

  /** @throws IllegalArgumentException naming the setting and value if one is out of range */
  public EdgeSettings {
    Objects.requireNonNull(edgeId, "edgeId");
    if (edgeId.isBlank()) throw new IllegalArgumentException("edge id must not be blank");
    if (minClients < 1) throw new IllegalArgumentException("edge minClients must be >= 1, got " + minClients);
    positive("edge waitForClients", waitForClients);
    positive("edge roundTimeout", roundTimeout);
    positive("edge evaluateTimeout", evaluateTimeout);
    if (maxExamples < 1 || maxExamples > FederationConfig.MAX_EXAMPLES_LIMIT) {
      throw new IllegalArgumentException("edge maxExamples must be in [1, " + FederationConfig.MAX_EXAMPLES_LIMIT + "], got " + maxExamples);
    }
  }

  /**
   * Defaults: at least 1 client, waiting 60 s for it; 10 min to train and 10 min to evaluate (the
   * flat federation's defaults are the reference); maxExamples 2^40 (the federation's default).
   */
  public static EdgeSettings defaults(String edgeId, long runSeed) {
    return new EdgeSettings(edgeId, runSeed, 1, Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofMinutes(10),
        FederationConfig.MAX_EXAMPLES_LIMIT);
  }

  public EdgeSettings withMinClients(int n) {
    return new EdgeSettings(edgeId, runSeed, n, waitForClients, roundTimeout, evaluateTimeout, maxExamples);
  }

  public EdgeSettings withWaitForClients(Duration d) {
    return new EdgeSettings(edgeId, runSeed, minClients, d, roundTimeout, evaluateTimeout, maxExamples);
  }

  public EdgeSettings withRoundTimeout(Duration d) {
    return new EdgeSettings(edgeId, runSeed, minClients, waitForClients, d, evaluateTimeout, maxExamples);
  }

  public EdgeSettings withEvaluateTimeout(Duration d) {
    return new EdgeSettings(edgeId, runSeed, minClients, waitForClients, roundTimeout, d, maxExamples);
  }

  public EdgeSettings withMaxExamples(long n) {
    return new EdgeSettings(edgeId, runSeed, minClients, waitForClients, roundTimeout, evaluateTimeout, n);
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, got " + d);
  }
}
