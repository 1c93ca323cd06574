package io.lianbang.cli.run;

import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.ForwardingStrategy;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.Config;
import io.lianbang.core.tensor.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Adds fixed entries to the configuration of every fit and evaluate instruction of the wrapped
 * strategy (an entry of the strategy's own with the same key is replaced). It changes nothing
 * else, so it aggregates the weighted mean exactly when the wrapped strategy does.
 */
public final class WithTaskConfig extends ForwardingStrategy {
  private final Strategy inner;
  private final Map<String, Object> entries;

  /** @param entries the entries every task's configuration gets */
  public WithTaskConfig(Strategy inner, Config entries) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.entries = entries.asMap();
  }

  @Override
  protected Strategy delegate() {
    return inner;
  }

  @Override
  public List<ClientInstruction> configureFit(int round, Parameters global, List<String> available, SplittableRandom rng) {
    return withEntries(inner.configureFit(round, global, available, rng));
  }

  @Override
  public List<ClientInstruction> configureEvaluate(int round, Parameters global, List<String> available, SplittableRandom rng) {
    return withEntries(inner.configureEvaluate(round, global, available, rng));
  }

  @Override
  public boolean aggregatesWeightedMean() {
    return inner.aggregatesWeightedMean();
  }

  /** Forwarded: this decorator adds config entries and leaves aggregation to {@code inner}. */
  @Override
  public boolean foldsPartialSums() {
    return inner.foldsPartialSums();
  }

  private List<ClientInstruction> withEntries(List<ClientInstruction> instructions) {
    List<ClientInstruction> out = new ArrayList<>(instructions.size());
    for (ClientInstruction i : instructions) {
      for (Map.Entry<String, Object> e : entries.entrySet()) i = i.withConfig(e.getKey(), e.getValue());
      out.add(i);
    }
    return out;
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
