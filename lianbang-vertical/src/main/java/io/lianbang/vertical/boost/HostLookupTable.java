package io.lianbang.vertical.boost;

import java.util.List;

/**
 * A host's part of a SecureBoost model: for each record id the guest's model refers to, the host's
 * feature and split point (FATE's lookup table). It never leaves the host.
 *
 * @param host the host's party name
 * @param records the records, indexed by record id
 */
public record HostLookupTable(String host, List<Entry> records) {
  /**
   * One split of a host feature: rows with x ≤ threshold go left.
   *
   * @param feature the host's feature column
   * @param featureName its name
   * @param bin the bin of the split (rows with bin ≤ bin go left)
   * @param threshold the split point
   */
  public record Entry(int feature, String featureName, int bin, double threshold) {}

  /** Copies the records. */
  public HostLookupTable {
    records = List.copyOf(records);
  }

  /**
   * Record {@code id}.
   *
   * @throws IllegalArgumentException naming the record if it does not exist
   */
  public Entry record(int id) {
    if (id < 0 || id >= records.size()) throw new IllegalArgumentException("record " + id + " is not in " + host + "'s lookup table of " + records.size() + " records");
    return records.get(id);
  }
}
