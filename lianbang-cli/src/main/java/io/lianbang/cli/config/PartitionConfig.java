package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.lianbang.sim.spec.PartitionSpec;
import io.lianbang.sim.spec.SimulationSpec;

/** The {@code partition} section. */
@JsonPropertyOrder({"kind", "num_clients", "alpha", "shards_per_client", "min_size"})
public final class PartitionConfig {
  public String kind;
  public int numClients;
  public double alpha;
  public int shardsPerClient;
  public int minSize;

  /** The demo's partition. */
  public PartitionConfig() {
    this(SimulationSpec.demo().partition());
  }

  PartitionConfig(PartitionSpec spec) {
    kind = spec.kind();
    numClients = spec.numClients();
    alpha = spec.alpha();
    shardsPerClient = spec.shardsPerClient();
    minSize = spec.minSize();
  }

  PartitionSpec toSpec() {
    return new PartitionSpec(kind, numClients, alpha, shardsPerClient, minSize);
  }
}
