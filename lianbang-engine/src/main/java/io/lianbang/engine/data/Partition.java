package io.lianbang.engine.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The result of a {@link Partitioner}: for each client, the indices of its examples in the
 * partitioned dataset. Every index is below {@link #datasetSize()}; clients are disjoint except in
 * a {@link SampledPartitioner sampled} partition, where clients may share examples.
 * Immutable: index arrays are copied on the way in and out.
 */
public final class Partition {
  private final int[][] clients;
  private final int datasetSize;

  private Partition(int[][] clients, int datasetSize) {
    this(clients, datasetSize, true);
  }

  private Partition(int[][] clients, int datasetSize, boolean disjoint) {
    if (clients.length == 0) throw new IllegalArgumentException("partition must have at least one client");
    boolean[] used = disjoint ? new boolean[datasetSize] : null;
    for (int c = 0; c < clients.length; c++) {
      for (int i : clients[c]) {
        if (i < 0 || i >= datasetSize) {
          throw new IllegalArgumentException("partition client " + c + " has index " + i + " outside [0, " + datasetSize + ")");
        }
        if (used == null) continue;
        if (used[i]) throw new IllegalArgumentException("partition index " + i + " is given to more than one client (again to client " + c + ")");
        used[i] = true;
      }
    }
    this.clients = clients;
    this.datasetSize = datasetSize;
  }

  /**
   * A partition of a dataset of {@code datasetSize} examples (copies the arrays).
   *
   * @throws IllegalArgumentException if there is no client, an index is out of range or an index
   *     appears twice
   */
  public static Partition of(List<int[]> clients, int datasetSize) {
    int[][] copy = new int[clients.size()][];
    for (int c = 0; c < copy.length; c++) copy[c] = clients.get(c).clone();
    return new Partition(copy, datasetSize);
  }

  /** Takes ownership of {@code clients}; still validated. */
  static Partition adopt(int[][] clients, int datasetSize) {
    return new Partition(clients, datasetSize);
  }

  /** Takes ownership of {@code clients}, which may share examples; indices still validated. */
  static Partition adoptOverlapping(int[][] clients, int datasetSize) {
    return new Partition(clients, datasetSize, false);
  }

  /** Number of clients. */
  public int numClients() {
    return clients.length;
  }

  /** Number of examples in the dataset that was partitioned. */
  public int datasetSize() {
    return datasetSize;
  }

  /** Number of examples assigned to some client (equal to {@link #datasetSize()} for the built-in partitioners except {@link SampledPartitioner}, which counts shared examples once per client). */
  public int assignedCount() {
    int n = 0;
    for (int[] c : clients) n += c.length;
    return n;
  }

  /** Number of examples of {@code client}. */
  public int size(int client) {
    return clients[client].length;
  }

  /** Client sizes, indexed by client. */
  public int[] sizes() {
    int[] s = new int[clients.length];
    for (int c = 0; c < s.length; c++) s[c] = clients[c].length;
    return s;
  }

  /** The indices of {@code client}'s examples (a copy). */
  public int[] indices(int client) {
    return clients[client].clone();
  }

  /** The indices of every client (copies). */
  public List<int[]> indices() {
    List<int[]> out = new ArrayList<>(clients.length);
    for (int[] c : clients) out.add(c.clone());
    return out;
  }

  /**
   * {@code client}'s examples of {@code data}, in partition order.
   *
   * @throws IllegalArgumentException if {@code data} is not the size of the partitioned dataset
   */
  public Dataset subset(Dataset data, int client) {
    requireSameSize(data);
    return data.subset(clients[client]);
  }

  /** Every client's examples of {@code data}, indexed by client. */
  public List<Dataset> subsets(Dataset data) {
    requireSameSize(data);
    List<Dataset> out = new ArrayList<>(clients.length);
    for (int[] c : clients) out.add(data.subset(c));
    return out;
  }

  /** Per-client class counts {@code [client][class]} of a classification dataset. */
  public int[][] labelHistogram(Dataset data) {
    requireSameSize(data);
    int[] labels = data.labels();
    int[][] h = new int[clients.length][data.numClasses()];
    for (int c = 0; c < clients.length; c++) for (int i : clients[c]) h[c][labels[i]]++;
    return h;
  }

  /** Sizes and, for classification data, label histograms, ready to print. */
  public PartitionSummary summary(Dataset data) {
    requireSameSize(data);
    return new PartitionSummary(sizes(), data.isClassification() ? labelHistogram(data) : null, datasetSize);
  }

  private void requireSameSize(Dataset data) {
    if (data.size() != datasetSize) {
      throw new IllegalArgumentException("partition was made for " + datasetSize + " examples but the dataset has " + data.size());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Partition p && p.datasetSize == datasetSize && Arrays.deepEquals(p.clients, clients);
  }

  @Override
  public int hashCode() {
    return 31 * datasetSize + Arrays.deepHashCode(clients);
  }

  @Override
  public String toString() {
    return "Partition[" + clients.length + " clients, " + assignedCount() + " of " + datasetSize + " examples]";
  }
}
