package io.lianbang.privacy.secagg;

import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.privacy.SecureMeanStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a strategy that {@linkplain Strategy#aggregatesWeightedMean() aggregates the weighted mean} so that the server learns only the weighted sum of the
 * round's updates, through SecAgg+ ({@link SecAggServer}; Bell et al. CCS 2020, and Bonawitz et
 * al. CCS 2017 with k = n − 1).
 *
 * <p>Each client runs as a {@link SecAggClient}: its fit answer to the federation is only a
 * receipt (the global model it was sent, no metrics), while its update stays in its
 * {@link SecAggParticipant}. When the round's results are in, this strategy runs the four
 * protocol stages over the {@link SecAggTransport} among the clients that trained, decodes the
 * weighted mean update Σ r_u Δ_u / Σ r_u, and hands global + mean to the wrapped strategy's
 * aggregation as one result weighted by the total, so the wrapped strategy's server-side update
 * (plain averaging, server momentum, FedAdam, ...) applies unchanged. If the protocol fails (too
 * few clients, inconsistent shares) the round keeps the old model.
 *
 * <p>Every fit task carries {@value #CONFIG_KEY} = true in its configuration; a
 * {@link SecAggClient} trains only for a task that does, so a client that sends its update only
 * masked never hands it to a server that would aggregate it in the clear.
 *
 * <p>Metrics added to the round: {@code secagg_clients} (inputs in the sum) and
 * {@code secagg_dropped} (clients that trained but whose inputs are not in the sum).
 */
public final class SecureAggregation extends SecureMeanStrategy {
  private static final Logger log = LoggerFactory.getLogger(SecureAggregation.class);

  /** The fit configuration key that marks a round as securely aggregated. */
  public static final String CONFIG_KEY = "secagg";

  private final SecAggParams params;
  private final SecAggServer server;
  private final Consumer<SecAggResult> observer;

  /**
   * @param inner the strategy whose weighted mean is computed securely
   * @param stageTimeout the deadline of each protocol stage
   * @param observer receives every round's {@link SecAggResult} (for reports); may be null
   * @throws IllegalArgumentException if {@code inner} needs individual updates
   */
  public SecureAggregation(Strategy inner, SecAggParams params, SecAggTransport transport, Duration stageTimeout,
                           Consumer<SecAggResult> observer) {
    super(inner, "secure aggregation", "secagg", "secure-aggregate", CONFIG_KEY);
    this.params = Objects.requireNonNull(params, "params");
    this.server = new SecAggServer(params, transport, stageTimeout);
    this.observer = observer == null ? r -> {} : observer;
  }

  /** The round's communication graph is drawn from {@link RoundContext#random()}. */
  @Override
  public FitAggregation beginFit(RoundContext context) {
    int round = context.round();
    Parameters global = context.global();
    long seed = context.random().nextLong();
    return new FitAggregation() {
      private final List<String> trained = new ArrayList<>();

      @Override
      public void accept(String clientId, FitResult receipt) {
        trained.add(clientId);
      }

      @Override
      public FitOutcome complete(List<ClientFailure> failures) {
        SecAggResult r;
        try {
          r = server.aggregate(round, trained, (int) global.elementCount(), seed);
        } catch (SecAggException e) {
          log.warn("round {}: secure aggregation failed, the model is unchanged: {}", round, e.getMessage());
          return unchanged(trained.size());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted during secure aggregation of round " + round, e);
        }
        observer.accept(r);
        return release(context, r.mean(), r.totalWeight() * params.maxWeight(), r.survivors().size(), r.dropped(), failures);
      }
    };
  }
}
