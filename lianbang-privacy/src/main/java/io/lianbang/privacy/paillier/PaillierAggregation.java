package io.lianbang.privacy.paillier;

import io.lianbang.core.client.Deadlines;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.privacy.SecureMeanStrategy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a strategy that {@linkplain Strategy#aggregatesWeightedMean() aggregates the weighted mean} so that the server aggregates
 * Paillier-encrypted updates (P. Paillier, EUROCRYPT 1999; additively homomorphic aggregation as
 * in Phong et al., "Privacy-Preserving Deep Learning via Additively Homomorphic Encryption",
 * IEEE TIFS 2018) and never sees an individual update or the plaintext sum.
 *
 * <p>Each client runs as a {@link PaillierClient} and encrypts [w·Δ, w, 1] under the
 * {@link PaillierKeyHolder}'s public key; every fit task says so ({@value #CONFIG_KEY}: true). The server collects the ciphertext vectors over a
 * {@link PaillierTransport} (each with a deadline), multiplies them entry-wise modulo n² (which
 * adds the plaintexts; the product does not depend on the order) and hands only this aggregate to
 * the key holder, which returns the weighted mean update Σ w·Δ / Σ w. The wrapped strategy then
 * aggregates global + mean as one result weighted by Σ w, so its server-side update (plain
 * averaging, server momentum, FedAdam, ...) applies unchanged. If fewer contributions arrive than
 * the key holder accepts, the round keeps the old model.
 *
 * <p>With FedAvg the result equals plain FedAvg up to the fixed-point error documented in
 * {@link PaillierClient} (about m·2^−41 / Σ w per coordinate before the float32 rounding).
 *
 * <p>Metrics added to the round: {@code paillier_clients} (contributions in the sum) and
 * {@code paillier_dropped} (clients that trained but are not in the sum).
 */
public final class PaillierAggregation extends SecureMeanStrategy {
  /**
   * The fit configuration key ({@code paillier: true}) on every task of this mode; a
   * {@link PaillierClient} trains only for such a task.
   */
  public static final String CONFIG_KEY = "paillier";

  private static final Logger log = LoggerFactory.getLogger(PaillierAggregation.class);

  private final PaillierKeyHolder keyHolder;
  private final PaillierTransport transport;
  private final Duration collectTimeout;
  private final Consumer<PaillierRound> observer;

  /**
   * @param collectTimeout how long the server waits for a client's ciphertext after its receipt
   * @param observer receives every round's {@link PaillierRound} (for reports); may be null
   * @throws IllegalArgumentException if {@code inner} needs individual updates, or the timeout is
   *     not positive
   */
  public PaillierAggregation(Strategy inner, PaillierKeyHolder keyHolder, PaillierTransport transport,
                             Duration collectTimeout, Consumer<PaillierRound> observer) {
    super(inner, "Paillier aggregation", "paillier", "paillier-aggregate", CONFIG_KEY);
    this.keyHolder = Objects.requireNonNull(keyHolder, "keyHolder");
    this.transport = Objects.requireNonNull(transport, "transport");
    if (collectTimeout.isNegative() || collectTimeout.isZero()) {
      throw new IllegalArgumentException("collectTimeout must be positive, got " + collectTimeout);
    }
    this.collectTimeout = collectTimeout;
    this.observer = observer == null ? r -> {} : observer;
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    int round = context.round();
    Parameters global = context.global();
    int dimension = (int) global.elementCount();
    return new FitAggregation() {
      private final Map<String, CompletableFuture<EncryptedVector>> pending = new TreeMap<>();
      private final Map<String, Instant> deadlines = new TreeMap<>();

      @Override
      public void accept(String clientId, FitResult receipt) {
        Instant deadline = Instant.now().plus(collectTimeout);
        deadlines.put(clientId, deadline);
        try {
          pending.put(clientId, transport.collect(clientId, round, dimension + 2, deadline));
        } catch (RuntimeException e) {
          pending.put(clientId, CompletableFuture.failedFuture(e));
        }
      }

      @Override
      public FitOutcome complete(List<ClientFailure> failures) {
        EncryptedVector sum = null;
        List<String> contributors = new ArrayList<>();
        Map<String, String> dropped = new TreeMap<>();
        Map<String, Long> bytes = new TreeMap<>();
        for (Map.Entry<String, CompletableFuture<EncryptedVector>> e : pending.entrySet()) {
          String id = e.getKey();
          EncryptedVector c;
          try {
            c = await(e.getValue(), deadlines.get(id));
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during Paillier aggregation of round " + round, ex);
          } catch (TimeoutException ex) {
            e.getValue().cancel(true);
            dropped.put(id, "no encrypted contribution before the deadline");
            continue;
          } catch (ExecutionException ex) {
            dropped.put(id, describe(ex));
            continue;
          }
          if (!c.key().equals(keyHolder.publicKey())) {
            dropped.put(id, "contribution is not encrypted under the key holder's key");
          } else if (c.size() != dimension + 2) {
            dropped.put(id, "contribution has " + c.size() + " entries, expected " + (dimension + 2));
          } else {
            sum = sum == null ? c : sum.plus(c);
            contributors.add(id);
            bytes.put(id, c.wireBytes());
          }
        }
        PaillierKeyHolder.WeightedMean mean;
        try {
          if (sum == null) throw new IllegalStateException("no encrypted contribution arrived");
          mean = keyHolder.decryptMean(round, sum);
        } catch (IllegalStateException | IllegalArgumentException ex) {
          log.warn("round {}: the key holder released no mean, the model is unchanged: {}", round, ex.getMessage());
          observer.accept(new PaillierRound(round, contributors, dropped, bytes, false));
          return unchanged(dropped.size());
        }
        observer.accept(new PaillierRound(round, contributors, dropped, bytes, true));
        return release(context, mean.meanUpdate(), mean.totalWeight(), contributors.size(), dropped, failures);
      }
    };
  }

  private static EncryptedVector await(CompletableFuture<EncryptedVector> f, Instant deadline)
      throws InterruptedException, TimeoutException, ExecutionException {
    long wait = Deadlines.nanosLeft(deadline);
    try {
      return f.get(wait, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (cause(e) instanceof TimeoutException t) throw t;
      throw e;
    }
  }

  private static Throwable cause(ExecutionException e) {
    Throwable c = e.getCause();
    return c instanceof CompletionException && c.getCause() != null ? c.getCause() : c;
  }

  private static String describe(ExecutionException e) {
    Throwable c = cause(e);
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
