package io.lianbang.cli.run;

import io.lianbang.core.federation.ClientPool;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.Config;
import io.lianbang.engine.client.FederatedStandardization;
import io.lianbang.engine.data.Standardizer;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The statistics round of {@link FederatedStandardization}: two one-round runs of an ordinary
 * {@link Federation} whose FedAvg sends statistics tasks (the second on features standardised
 * with the first's result),
 * so the clients' statistics are aggregated exactly like a model: validated, under the round
 * deadline and the quorum, and, wrapped in secure aggregation, learnt by the server only as their
 * weighted mean.
 */
public final class StatisticsRound {
  /** The global scaler and the number of clients whose statistics it averages (in the second run). */
  public record Result(Standardizer scaler, int clients) {}

  private StatisticsRound() {}

  /**
   * Runs the round: two statistics tasks to every client, the second with the first's scaler.
   *
   * @param features the number of input features
   * @param minClients clients to wait for and ask, at least
   * @param federation the run's settings; only its first round is used
   * @param secure wraps the statistics strategy in secure aggregation clipping to the given bound
   *     ({@link FederatedStandardization#SECAGG_BOUND}, then
   *     {@link FederatedStandardization#SECAGG_STANDARDISED_BOUND}), which clients check; null for none
   * @throws IllegalStateException if fewer clients than the quorum answered
   * @throws io.lianbang.core.federation.NotEnoughClientsException if too few clients connect in time
   * @throws InterruptedException if interrupted
   */
  public static Result run(ClientPool clients, int features, int minClients, FederationConfig federation,
      BiFunction<Strategy, Double, Strategy> secure) throws InterruptedException {
    FederationConfig one = federation.toBuilder().rounds(1).evaluateEvery(1).build(); // the run's limits, one round
    RunResult first = runOnce(clients, minClients, one, features, secure, FederatedStandardization.SECAGG_BOUND, null);
    Standardizer rough = FederatedStandardization.standardizer(first.parameters(), null);
    RunResult second = runOnce(clients, minClients, one, features, secure, FederatedStandardization.SECAGG_STANDARDISED_BOUND, rough);
    return new Result(FederatedStandardization.standardizer(second.parameters(), rough), second.history().last().succeeded());
  }

  private static RunResult runOnce(ClientPool clients, int minClients, FederationConfig one, int features,
      BiFunction<Strategy, Double, Strategy> secure, double bound, Standardizer reference) throws InterruptedException {
    Config config = FederatedStandardization.statisticsConfig(secure == null ? 0 : bound, reference);
    Strategy statistics = FedAvg.builder().minFitClients(minClients).minAvailableClients(minClients)
        .fractionEvaluate(0).fitConfig(r -> config).build();
    if (secure != null) statistics = secure.apply(statistics, bound);
    RunResult r = new Federation(statistics, clients, one, List.of()).run(FederatedStandardization.statisticsParameters(features));
    RoundRecord round = r.history().last();
    if (!round.updated()) {
      throw new IllegalStateException("the statistics round failed: " + round.succeeded() + " of " + round.sampled()
          + " clients answered" + (round.failures().isEmpty() ? "" : ", first failure: " + round.failures().get(0)));
    }
    return r;
  }
}
