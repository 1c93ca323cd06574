package io.lianbang.core.strategy.registry;

import java.util.Objects;

/**
 * One hyper-parameter of a strategy as {@code strategy.params} sets it.
 *
 * @param name the key under {@code strategy.params}, e.g. {@code server_lr}
 * @param defaultText the default as documentation shows it, e.g. {@code 1e-9} or {@code τ²}
 * @param defaultValue the default, or null if it is derived from another parameter ({@code defaultText} says how)
 * @param range the values accepted
 * @param description what the parameter does, for help
 */
public record StrategyParameter(String name, String defaultText, Double defaultValue, ParameterRange range, String description) {
  public StrategyParameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(defaultText, "defaultText");
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(description, "description");
  }

  /**
   * {@code v} if it is in the range, for a builder's setter.
   *
   * @param property the property as the setter names it, e.g. {@code serverLr}
   * @throws IllegalArgumentException naming the property, the range and the value otherwise
   */
  public double check(String property, double v) {
    return range.check(property, v);
  }

  /** A parameter whose default is the number {@code defaultText} spells. */
  public static StrategyParameter of(String name, String defaultText, ParameterRange range, String description) {
    return new StrategyParameter(name, defaultText, Double.parseDouble(defaultText), range, description);
  }

  /** A parameter whose default depends on another's value, as {@code defaultText} describes. */
  public static StrategyParameter derived(String name, String defaultText, ParameterRange range, String description) {
    return new StrategyParameter(name, defaultText, null, range, description);
  }
}
