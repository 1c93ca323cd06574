package io.lianbang.core.task;

import io.lianbang.core.compress.Transfer;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.tensor.Parameters;
import java.util.Objects;

/**
 * Asks a client to train locally, starting from {@code parameters}.
 *
 * @param round the federated round, counted from 1
 * @param parameters the global model to start from
 * @param config training settings chosen by the strategy (e.g. {@code lr}, {@code epochs},
 *     {@code batch_size})
 * @param seed the seed for every random choice the client makes in this task (shuffling,
 *     dropout); derived from the run seed, the round and the client, so runs are reproducible
 * @param transfer how the parameters and the result travel (compression); {@link Transfer#NONE}
 *     for float32 both ways. Clients train from {@code parameters} whatever the transfer.
 */
public record FitTask(int round, Parameters parameters, Config config, long seed, Transfer transfer) {
  public FitTask {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(transfer, "transfer");
    if (round < 1) throw new IllegalArgumentException("fit task round must be >= 1, got " + round);
  }

  /**
   * The seed of client {@code clientId}'s fit task number {@code number} in the run seeded
   * {@code runSeed}: {@code Seeds.derive(runSeed, "fit:" + clientId, number)}, where the number is
   * the round in a synchronous run and the client's task count in an asynchronous one. Every
   * loop that hands out fit tasks (the round loop, FedBuff, an edge aggregator) derives it here, so
   * a client gets the same seed whichever topology or backend runs it.
   */
  public static long seedFor(long runSeed, String clientId, long number) {
    return Seeds.derive(runSeed, "fit:" + clientId, number);
  }

  /** A task whose parameters and result travel as float32. */
  public FitTask(int round, Parameters parameters, Config config, long seed) {
    this(round, parameters, config, seed, Transfer.NONE);
  }
}
