package io.lianbang.engine.data;

import io.lianbang.core.check.Require;
import io.lianbang.core.random.SplitMix64;

/**
 * IID partitioning: shuffle all examples and deal them to clients in equal shares (sizes differ by
 * at most one). The homogeneous baseline of McMahan et al., <i>Communication-Efficient Learning of
 * Deep Networks from Decentralized Data</i>, AISTATS 2017
 * (<a href="https://arxiv.org/abs/1602.05629">arXiv:1602.05629</a>), and the "homogeneous" setting
 * of NIID-Bench (Li et al., ICDE 2022).
 */
public final class IidPartitioner implements Partitioner {
  private final int clients;

  /** @throws IllegalArgumentException if {@code clients < 1} */
  public IidPartitioner(int clients) {
    this.clients = Require.atLeast("iid clients", clients, 1);
  }

  @Override
  public Partition partition(Dataset data, long seed) {
    Partitions.requireClientsFit("iid", clients, data.size());
    int[] order = Splits.identity(data.size());
    new SplitMix64(seed).shuffle(order);
    return Partition.adopt(Partitions.deal(order, clients), data.size());
  }

  @Override
  public String toString() {
    return "iid(clients=" + clients + ")";
  }
}
