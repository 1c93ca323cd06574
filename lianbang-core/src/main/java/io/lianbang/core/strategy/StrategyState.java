package io.lianbang.core.strategy;

import io.lianbang.core.tensor.Parameters;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The server-side state a strategy carries from round to round (momentum, moment estimates,
 * control variates), as tensors plus named numbers, so that it can be checkpointed and restored.
 * Each stateful strategy documents the layout of its tensors.
 *
 * @param tensors the state tensors (empty before the first update)
 * @param numbers named scalar state, sorted by name
 */
public record StrategyState(Parameters tensors, Map<String, Double> numbers) {
  public StrategyState {
    Objects.requireNonNull(tensors, "tensors");
    numbers = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(numbers, "numbers")));
  }

  /** No state yet. */
  public static StrategyState empty() {
    return new StrategyState(Parameters.empty(), Map.of());
  }
}
