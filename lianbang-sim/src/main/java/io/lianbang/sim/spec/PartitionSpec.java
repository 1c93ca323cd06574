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
 */
public record PartitionSpec(PartitionKind kind, int numClients, double alpha, int shardsPerClient, int minSize) {
  public PartitionSpec {
    Require.oneOf("partition.kind", kind, PartitionKind.class);
    Require.atLeast("partition.num_clients", numClients, 1);
    Require.positive("partition.alpha", alpha);
    Require.atLeast("partition.shards_per_client", shardsPerClient, 1);
    Require.atLeast("partition.min_size", minSize, 0);
  }
}
