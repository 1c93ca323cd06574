package io.lianbang.spark;

import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.federation.FitValidation;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.client.EngineClient;
import io.lianbang.engine.nn.ModelSpec;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * What runs on an executor for one Spark partition of the clients in one round: every client of
 * the partition that the round sampled trains with the in-JVM backend's engine client (one thread,
 * the task's seed and configuration), and its update is folded into the partition's exact sum
 * ({@link ExactWeightedSum}, weighted by its example count, as FedAvg weights it). An update the
 * federation would reject (non-positive example count, another tensor layout, a non-finite value)
 * is left out of the sum and reported with the reason. Returns one {@link PartialRound}.
 */
final class ExecutorTraining implements FlatMapFunction<Iterator<ClientShard>, PartialRound> {
  private static final long serialVersionUID = 1L;
  private final Broadcast<RoundTasks> tasks;

  ExecutorTraining(Broadcast<RoundTasks> tasks) {
    this.tasks = tasks;
  }

  @Override
  public Iterator<PartialRound> call(Iterator<ClientShard> shards) {
    RoundTasks round = tasks.value();
    Parameters global = null;
    ModelSpec model = null;
    ExactWeightedSum sum = null;
    TreeMap<String, PartialRound.ClientOutcome> outcomes = new TreeMap<>();
    while (shards.hasNext()) {
      ClientShard shard = shards.next();
      RoundTasks.Task task = round.tasks().get(shard.id());
      if (task == null) continue;
      if (global == null) {
        global = round.globalParameters();
        model = ModelSpec.parse(round.model());
        sum = new ExactWeightedSum(global);
      }
      try {
        var data = shard.dataset();
        FitResult r = new EngineClient(model, data, data, 1).fit(new FitTask(round.round(), global, Config.of(task.config()), task.seed()));
        String rejected = rejection(global, r);
        if (rejected == null) {
          sum.add(r.parameters(), r.numExamples());
          outcomes.put(shard.id(), new PartialRound.ClientOutcome(r.numExamples(), new TreeMap<>(r.metrics().asMap()), null));
        } else {
          outcomes.put(shard.id(), new PartialRound.ClientOutcome(r.numExamples(), new TreeMap<>(), rejected));
        }
      } catch (RuntimeException e) {
        outcomes.put(shard.id(), new PartialRound.ClientOutcome(0, new TreeMap<>(), e.toString()));
      }
    }
    ExactWeightedSum.State state = sum == null || sum.terms() == 0 ? null : sum.state();
    return List.of(new PartialRound(state, outcomes)).iterator();
  }

  /** Why the federation would reject {@code r} as an update of {@code global}, or null if it accepts it. */
  static String rejection(Parameters global, FitResult r) {
    try {
      FitValidation.check(global, r);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
