package io.lianbang.core.strategy.registry;

import io.lianbang.core.strategy.Strategy;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A strategy of the library, declared once: its name, the algorithm and paper, its
 * hyper-parameters and how to build it.
 *
 * @param name the value of {@code strategy.name}, e.g. {@code fedadam}
 * @param algorithm the algorithm in a few words, e.g. {@code FedAvg}
 * @param paper the paper that defines it, e.g. {@code McMahan et al. 2017}
 * @param parameters its own hyper-parameters, in the order they are read
 * @param normBound whether it also takes {@code norm_bound} ({@link StrategyRegistry#NORM_BOUND})
 * @param notes what else it reads or requires (e.g. from the training settings), for help; may be empty
 * @param factory builds it from checked parameter values
 */
public record StrategyType(String name, String algorithm, String paper, List<StrategyParameter> parameters, boolean normBound,
    String notes, Factory factory) {
  /** Builds a strategy from its parameter values and the context. */
  @FunctionalInterface
  public interface Factory {
    /**
     * The strategy.
     *
     * @throws IllegalArgumentException naming the parameter and value if a value is out of range
     */
    Strategy create(StrategyParameters parameters, StrategyContext context);
  }

  public StrategyType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(paper, "paper");
    parameters = List.copyOf(parameters);
    Objects.requireNonNull(notes, "notes");
    Objects.requireNonNull(factory, "factory");
  }

  /** The declared parameter {@code name}, excluding {@code norm_bound}. */
  public Optional<StrategyParameter> parameter(String name) {
    return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** Every key {@code strategy.params} accepts for this strategy, {@code norm_bound} included, sorted. */
  public List<String> parameterNames() {
    TreeSet<String> names = new TreeSet<>();
    parameters.forEach(p -> names.add(p.name()));
    if (normBound) names.add(StrategyRegistry.NORM_BOUND.name());
    return List.copyOf(names);
  }
}
