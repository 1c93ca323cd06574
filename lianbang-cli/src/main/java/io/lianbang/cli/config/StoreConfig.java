package io.lianbang.cli.config;

import io.lianbang.core.text.Abbreviation;
import io.lianbang.store.RunStore;
import java.util.Objects;

/**
 * The {@code store} section: whether and where a run is recorded in the run store.
 *
 * @param enabled whether the run is recorded
 * @param url the store's JDBC URL, e.g. {@code jdbc:sqlite:runs/lianbang.db} (relative to the
 *     current directory) or {@code jdbc:postgresql://host/db} with its driver on the class path
 */
public record StoreConfig(boolean enabled, String url) {
  public StoreConfig {
    Objects.requireNonNull(url, "store.url");
    if (!url.startsWith("jdbc:")) {
      throw new IllegalArgumentException("store.url must be a JDBC URL such as " + RunStore.DEFAULT_URL + ", got '"
          + Abbreviation.abbreviate(url) + "'");
    }
  }

  /** Recorded, in {@link RunStore#DEFAULT_URL}. */
  public static StoreConfig defaults() {
    return new StoreConfig(true, RunStore.DEFAULT_URL);
  }
}
