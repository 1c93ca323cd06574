package io.lianbang.sim.spec;

import java.util.Locale;

/**
 * Where differential privacy is applied ({@code privacy.dp.mode}); written in the configuration
 * as the lowercase word ({@link #toString}).
 */
public enum DpMode {
  /** No differential privacy. */
  NONE,
  /** DP-FedAvg: the server clips each update and adds noise to the mean. */
  SERVER,
  /** DP-FedAvg: clients clip their updates, the server adds noise; works with secure aggregation. */
  CLIENT,
  /** Local DP: clients clip and add noise themselves. */
  LOCAL;

  /** The configuration word, e.g. {@code client}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
