package io.lianbang.core.async;

import io.lianbang.core.check.Require;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.task.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link AsyncFederation}, the real-time FedBuff driver (Nguyen et al., "Federated
 * Learning with Buffered Asynchronous Aggregation", AISTATS 2022).
 *
 * @param fedBuff the server's buffer size {@code K}, maximum staleness, server learning rate and
 *     staleness weight
 * @param concurrency fit tasks in flight at once, each on a distinct client, &ge; 1
 * @param serverUpdates server updates after which the run ends, &ge; 1
 * @param seed the run seed: the dispatch draws and every task's seed derive from it
 * @param fitConfig the training settings sent with every fit task (e.g. {@code lr}, {@code epochs})
 * @param taskTimeout how long one fit task may take; a client that misses it has failed that task
 * @param runTimeout the deadline of the whole run: it ends then with the server updates applied so far
 * @param waitForClients how long to wait for {@code minClients} clients before the first task
 * @param minClients clients that must be available before the first task, &ge; 1
 * @param failureBackoff how long a client that failed a task gets no new task
 * @param evaluateEvery centralized evaluation every this many server updates (and after the last), &ge; 1
 * @param maxExamples the largest example count a result may claim, in [1, 2^40]; larger claims are
 *     clipped (they weigh the training metrics) and counted as {@code clipped_clients}
 */
public record AsyncFederationConfig(
    FedBuffSettings fedBuff, int concurrency, int serverUpdates, long seed, Config fitConfig, Duration taskTimeout,
    Duration runTimeout, Duration waitForClients, int minClients, Duration failureBackoff, int evaluateEvery,
    long maxExamples) {

  /**
   * @throws IllegalArgumentException naming the field and value if a setting is out of range
   */
  public AsyncFederationConfig {
    Objects.requireNonNull(fedBuff, "fedBuff");
    Objects.requireNonNull(fitConfig, "fitConfig");
    Require.atLeast("concurrency", concurrency, 1);
    Require.atLeast("serverUpdates", serverUpdates, 1);
    Require.positive("taskTimeout", taskTimeout);
    Require.positive("runTimeout", runTimeout);
    Require.positive("waitForClients", waitForClients);
    Require.atLeast("minClients", minClients, 1);
    Require.positive("failureBackoff", failureBackoff);
    Require.atLeast("evaluateEvery", evaluateEvery, 1);
    Require.inRange("maxExamples", maxExamples, 1, FederationConfig.MAX_EXAMPLES_LIMIT);
  }

  /**
   * A builder with documented safe defaults: seed 0, an empty fit config, a 10-minute task deadline
   * (the synchronous loop's round deadline), a 24-hour run deadline, a 1-minute wait for clients,
   * {@code minClients} equal to {@code concurrency}, a 5-second failure backoff, evaluation after
   * every server update and example counts bounded only by 2^40. {@code fedBuff},
   * {@code concurrency} and {@code serverUpdates} have no default.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link AsyncFederationConfig}; {@link #build} checks every setting. Not thread-safe. */
  public static final class Builder {
    private FedBuffSettings fedBuff;
    private Integer concurrency;
    private Integer serverUpdates;
    private long seed;
    private Config fitConfig = Config.empty();
    private Duration taskTimeout = Duration.ofMinutes(10);
    private Duration runTimeout = Duration.ofHours(24);
    private Duration waitForClients = Duration.ofMinutes(1);
    private Integer minClients;
    private Duration failureBackoff = Duration.ofSeconds(5);
    private int evaluateEvery = 1;
    private long maxExamples = FederationConfig.MAX_EXAMPLES_LIMIT;

    private Builder() {}

    /** The FedBuff server settings; required. */
    public Builder fedBuff(FedBuffSettings v) {
      this.fedBuff = v;
      return this;
    }

    /** Fit tasks in flight at once; required. */
    public Builder concurrency(int v) {
      this.concurrency = v;
      return this;
    }

    /** Server updates to run; required. */
    public Builder serverUpdates(int v) {
      this.serverUpdates = v;
      return this;
    }

    /** The run seed. */
    public Builder seed(long v) {
      this.seed = v;
      return this;
    }

    /** The training settings sent with every fit task. */
    public Builder fitConfig(Config v) {
      this.fitConfig = v;
      return this;
    }

    /** The deadline of one fit task. */
    public Builder taskTimeout(Duration v) {
      this.taskTimeout = v;
      return this;
    }

    /** The deadline of the whole run. */
    public Builder runTimeout(Duration v) {
      this.runTimeout = v;
      return this;
    }

    /** How long to wait for {@code minClients} clients. */
    public Builder waitForClients(Duration v) {
      this.waitForClients = v;
      return this;
    }

    /** Clients that must be available before the first task; default {@code concurrency}. */
    public Builder minClients(int v) {
      this.minClients = v;
      return this;
    }

    /** How long a failed client waits for its next task. */
    public Builder failureBackoff(Duration v) {
      this.failureBackoff = v;
      return this;
    }

    /** Centralized evaluation every this many server updates. */
    public Builder evaluateEvery(int v) {
      this.evaluateEvery = v;
      return this;
    }

    /** The largest example count a result may claim. */
    public Builder maxExamples(long v) {
      this.maxExamples = v;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException naming the setting if a required one is missing, or the
     *     field and value of the first one out of range
     */
    public AsyncFederationConfig build() {
      if (fedBuff == null) throw new IllegalArgumentException("fedBuff is not set: it has no default");
      if (concurrency == null) throw new IllegalArgumentException("concurrency is not set: it has no default");
      if (serverUpdates == null) throw new IllegalArgumentException("serverUpdates is not set: it has no default");
      return new AsyncFederationConfig(fedBuff, concurrency, serverUpdates, seed, fitConfig, taskTimeout, runTimeout, waitForClients,
          minClients == null ? concurrency : minClients, failureBackoff, evaluateEvery, maxExamples);
    }
  }
}
