package io.lianbang.core.task;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Immutable named numeric metrics (loss, accuracy, ...), iterated in key order.
 *
 * @param values the metrics, sorted by name (an unmodifiable copy)
 */
public record Metrics(Map<String, Double> values) {
  private static final Metrics EMPTY = new Metrics(Map.of());

  /**
   * Metrics holding a copy of {@code values}.
   *
   * @throws IllegalArgumentException if a name or value is null
   */
  public Metrics {
    values.forEach((k, v) -> {
      if (k == null || v == null) throw new IllegalArgumentException("metrics: null name or value for " + k);
    });
    values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** No metrics. */
  public static Metrics empty() {
    return EMPTY;
  }

  /** Metrics holding a copy of {@code values}. */
  public static Metrics of(Map<String, Double> values) {
    return new Metrics(values);
  }

  /** A single metric. */
  public static Metrics of(String name, double value) {
    TreeMap<String, Double> m = new TreeMap<>();
    m.put(name, value);
    return new Metrics(m);
  }

  /** A copy with {@code name} set to {@code value}. */
  public Metrics with(String name, double value) {
    TreeMap<String, Double> m = new TreeMap<>(values);
    m.put(name, value);
    return new Metrics(m);
  }

  /** The metric called {@code name}, if present. */
  public Optional<Double> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** All metrics, sorted by name. */
  public Map<String, Double> asMap() {
    return values;
  }

  /** True if there are no metrics. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
