package io.lianbang.engine.data;

import io.lianbang.core.check.Require;
import io.lianbang.core.random.SplitMix64;

/**
 * Pathological non-IID shards of McMahan et al., <i>Communication-Efficient Learning of Deep
 * Networks from Decentralized Data</i>, AISTATS 2017
 * (<a href="https://arxiv.org/abs/1602.05629">arXiv:1602.05629</a>), section 3: sort the examples by
 * label, cut them into {@code clients * shardsPerClient} consecutive shards, and give each client
 * {@code shardsPerClient} shards chosen at random (the paper: 100 clients, 200 shards of 300, two
 * per client).
 *
 * <p>Examples are shuffled before the stable sort, so the order within a label is random rather
 * than the file's. Shard sizes differ by at most one when the count does not divide. Each client
 * holds at most {@code shardsPerClient} labels when every class size is a multiple of the shard
 * size; otherwise a shard that straddles two labels adds one.
 */
public final class ShardPartitioner implements Partitioner {
  private final int clients;
  private final int shardsPerClient;

  /** @throws IllegalArgumentException if {@code clients < 1} or {@code shardsPerClient < 1} */
  public ShardPartitioner(int clients, int shardsPerClient) {
    this.clients = Require.atLeast("shards clients", clients, 1);
    this.shardsPerClient = Require.atLeast("shards shardsPerClient", shardsPerClient, 1);
  }

  @Override
  public Partition partition(Dataset data, long seed) {
    Partitions.requireClassification("shards", data);
    int n = data.size();
    Partitions.requireClientsFit("shards", clients, n);
    long shards = (long) clients * shardsPerClient;
    if (shards > n) {
      throw new IllegalArgumentException("shards clients x shardsPerClient must be <= examples, got "
          + clients + " x " + shardsPerClient + " = " + shards + " shards for " + n + " examples");
    }
    SplitMix64 rng = new SplitMix64(seed);
    int[] shuffled = Splits.identity(n);
    rng.shuffle(shuffled);
    int[] shuffledLabels = new int[n];
    int[] labels = data.labels();
    for (int i = 0; i < n; i++) shuffledLabels[i] = labels[shuffled[i]];
    int[] sorted = new int[n];
    int k = 0;
    for (int[] cls : Partitions.indicesByClass(shuffledLabels, data.numClasses())) {
      for (int pos : cls) sorted[k++] = shuffled[pos];
    }
    int[][] shardIndices = Partitions.deal(sorted, (int) shards);
    int[] shardOrder = Splits.identity((int) shards);
    rng.shuffle(shardOrder);
    int[][] out = new int[clients][];
    for (int c = 0; c < clients; c++) {
      int size = 0;
      for (int s = 0; s < shardsPerClient; s++) size += shardIndices[shardOrder[c * shardsPerClient + s]].length;
      int[] idx = new int[size];
      int at = 0;
      for (int s = 0; s < shardsPerClient; s++) {
        int[] shard = shardIndices[shardOrder[c * shardsPerClient + s]];
        System.arraycopy(shard, 0, idx, at, shard.length);
        at += shard.length;
      }
      out[c] = idx;
    }
    return Partition.adopt(out, n);
  }

  @Override
  public String toString() {
    return "shards(clients=" + clients + ", shardsPerClient=" + shardsPerClient + ")";
  }
}
