package io.lianbang.sim.spec;

import io.lianbang.core.check.Require;

/**
 * How the training data is split among the simulated clients.
 *
 * @param kind {@code iid}, {@code dirichlet} (label skew), {@code shards} (McMahan et al.) or
 *     {@code quantity} (size skew); see {@link PartitionKind}
 * @param numClients number of clients, at least 1
 * @param alpha Dirichlet concentration for {@code dirichlet} and {@code quantity}, &gt; 0
 * @param shardsPerClient shards per client for {@code shards}, at least 1
 * @param minSize least number of examples per client for {@code dirichlet} and {@code quantity}
 * @param examplesPerClient examples each client draws for {@code sampled}, at least 1 (default 10)
 */
public record PartitionSpec(PartitionKind kind, int numClients, double alpha, int shardsPerClient, int minSize,
    int examplesPerClient) {
  /** The default of {@code partition.examples_per_client}. */
  public static final int DEFAULT_EXAMPLES_PER_CLIENT = 10;

  /** A spec with the default {@code examples_per_client}. */
  public PartitionSpec(PartitionKind kind, int numClients, double alpha, int shardsPerClient, int minSize) {
    this(kind, numClients, alpha, shardsPerClient, minSize, DEFAULT_EXAMPLES_PER_CLIENT);
  }

  public PartitionSpec {
    Require.oneOf("partition.kind", kind, PartitionKind.class);
    Require.atLeast("partition.num_clients", numClients, 1);
    Require.positive("partition.alpha", alpha);
    Require.atLeast("partition.shards_per_client", shardsPerClient, 1);
    Require.atLeast("partition.min_size", minSize, 0);
    Require.atLeast("partition.examples_per_client", examplesPerClient, 1);
  }
}
