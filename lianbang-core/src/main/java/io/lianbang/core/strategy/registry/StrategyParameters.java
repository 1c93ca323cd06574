package io.lianbang.core.strategy.registry;

import java.util.Map;
import java.util.TreeMap;

/**
 * The values of {@code strategy.params} for one strategy, read by its factory: each read checks
 * the value against the parameter's declared range and falls back to its declared default, and
 * {@link #requireAllUsed()} refuses names the strategy does not take.
 */
public final class StrategyParameters {
  private final StrategyType type;
  private final Map<String, Double> unused;

  StrategyParameters(StrategyType type, Map<String, Double> given) {
    this.type = type;
    this.unused = new TreeMap<>(given);
    unused.remove(StrategyRegistry.NORM_BOUND.name());
  }

  /**
   * The value of the declared parameter {@code name}, or its default.
   *
   * @throws IllegalArgumentException naming the parameter, its range and the value if out of range
   */
  public double value(String name) {
    StrategyParameter p = declared(name);
    if (p.defaultValue() == null) throw new IllegalStateException(name + " of " + type.name() + " has a derived default");
    return value(name, p.defaultValue());
  }

  /** The value of the declared parameter {@code name}, or {@code derivedDefault} (for parameters declared with {@link StrategyParameter#derived}). */
  public double value(String name, double derivedDefault) {
    StrategyParameter p = declared(name);
    Double v = unused.remove(name);
    return p.range().check("strategy.params." + name, v == null ? derivedDefault : v);
  }

  /** A {@link ParameterRange#WHOLE} parameter as an int. */
  public int integer(String name) {
    return (int) value(name);
  }

  /** A {@link ParameterRange#FLAG} parameter as a boolean. */
  public boolean flag(String name) {
    return value(name) == 1;
  }

  /** Fails naming the first given parameter the strategy does not take, listing the valid ones. */
  void requireAllUsed() {
    if (!unused.isEmpty()) {
      String k = unused.keySet().iterator().next();
      throw new IllegalArgumentException("strategy.params." + k + " is not a parameter of " + type.name()
          + " (valid: " + String.join(", ", type.parameterNames()) + ")");
    }
  }

  private StrategyParameter declared(String name) {
    return type.parameter(name).orElseThrow(() -> new IllegalStateException(name + " is not declared by " + type.name()));
  }
}
