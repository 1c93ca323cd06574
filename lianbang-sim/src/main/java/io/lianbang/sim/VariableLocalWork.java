package io.lianbang.sim;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ForwardingClient;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.engine.client.EngineClient;

/**
 * Heterogeneous local work: a client that, in each round, trains a number of local epochs drawn
 * uniformly from {@code [min, max]}, as devices with different compute budgets do. The draw
 * derives from the task seed (run seed, round, client), so runs are reproducible. This is the
 * objective inconsistency FedNova corrects.
 */
final class VariableLocalWork extends ForwardingClient {
  private final int min;
  private final int max;

  VariableLocalWork(Client inner, int min, int max) {
    super(inner);
    this.min = min;
    this.max = max;
  }

  @Override
  public FitResult fit(FitTask task) {
    int epochs = min + Seeds.random(task.seed(), "local-epochs").nextInt(max - min + 1);
    return delegate().fit(new FitTask(task.round(), task.parameters(), task.config().with(EngineClient.LOCAL_EPOCHS, epochs), task.seed()));
  }
}
