package io.lianbang.sim.spec;

import java.util.Locale;

/**
 * How the training data is split among the simulated clients ({@code partition.kind}); written in
 * the configuration as the lowercase word ({@link #toString}).
 */
public enum PartitionKind {
  /** Independent and identically distributed: a random equal split. */
  IID,
  /** Label skew: each class split in Dirichlet(alpha) proportions. */
  DIRICHLET,
  /** McMahan et al.: examples sorted by label, cut into shards, shards dealt to clients. */
  SHARDS,
  /** Size skew: client sizes in Dirichlet(alpha) proportions, labels IID. */
  QUANTITY,
  /**
   * Cross-device: each client draws {@code partition.examples_per_client} examples at random;
   * clients may share examples, so there may be more clients than examples.
   */
  SAMPLED;

  /** The configuration word, e.g. {@code dirichlet}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
