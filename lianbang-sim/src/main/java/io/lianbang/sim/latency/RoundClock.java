package io.lianbang.sim.latency;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ForwardingClient;
import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated clock of a synchronous simulation under a {@link LatencyModel}: a round lasts as
 * long as its slowest sampled client (task number = the round) plus the model's server time, as in
 * synchronous FedAvg where the server waits for every sampled client (McMahan et al., AISTATS
 * 2017). Each round's record carries the simulated time at its end as the fit metric
 * {@value #METRIC}, the same metric an asynchronous run records per server update, so the two
 * compare in simulated time. Clients wrapped by {@link #timed} report their task's latency; which
 * clients a round samples is fixed by the run seed, so the clock does not depend on threads.
 */
public final class RoundClock {
  /** The fit metric holding the simulated seconds at the end of a round or server update. */
  public static final String METRIC = "simulated_seconds";

  private final LatencyModel model;
  private final Map<Integer, Double> slowest = new ConcurrentHashMap<>();
  private final Map<Integer, Double> endOf = new HashMap<>();
  private double now;

  /** A clock at 0 timed by {@code model}. */
  public RoundClock(LatencyModel model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  /** {@code client}, the {@code index}-th of the simulation, reporting each round's latency to this clock. */
  public Client timed(Client client, int index) {
    return new ForwardingClient(client) {
      @Override
      public FitResult fit(FitTask task) {
        slowest.merge(task.round(), model.taskSeconds(index, task.round()), Math::max);
        return delegate().fit(task);
      }
    };
  }

  /** A listener that advances the clock at each round's end and passes the timed record to {@code delegates}. */
  public RoundListener listener(List<RoundListener> delegates) {
    List<RoundListener> to = List.copyOf(delegates);
    return new RoundListener() {
      @Override
      public void roundStarted(int round, int rounds, int sampled) {
        for (RoundListener l : to) l.roundStarted(round, rounds, sampled);
      }

      @Override
      public void clientFinished(int round, String clientId, boolean succeeded) {
        for (RoundListener l : to) l.clientFinished(round, clientId, succeeded);
      }

      @Override
      public void roundCompleted(RoundRecord record, int rounds) {
        if (record.round() > 0) {
          Double slow = slowest.remove(record.round());
          now += (slow == null ? 0 : slow) + model.serverSeconds();
        }
        endOf.put(record.round(), now);
        RoundRecord timed = withTime(record, now);
        for (RoundListener l : to) l.roundCompleted(timed, rounds);
      }
    };
  }

  /** {@code history} with each round's simulated end time, as {@link #listener} saw the rounds complete. */
  public History annotate(History history) {
    List<RoundRecord> out = new ArrayList<>();
    for (RoundRecord r : history.rounds()) {
      Double t = endOf.get(r.round());
      out.add(t == null ? r : withTime(r, t));
    }
    return new History(out);
  }

  /** {@code r} with {@value #METRIC} = {@code seconds} among its fit metrics. */
  public static RoundRecord withTime(RoundRecord r, double seconds) {
    return new RoundRecord(r.round(), r.sampled(), r.succeeded(), r.failures(), r.updated(), r.fitMetrics().with(METRIC, seconds),
        r.federated(), r.centralized(), r.seconds(), r.traffic(), r.totalTraffic());
  }
}
