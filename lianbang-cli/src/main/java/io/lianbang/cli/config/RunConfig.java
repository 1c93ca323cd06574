package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.lianbang.sim.spec.SimulationSpec;

/**
 * The YAML configuration of a run, mutable so that a file and then command-line flags can be
 * applied to it in turn. Keys are the snake_case forms of the field names. A fresh instance holds
 * the values of {@link SimulationSpec#demo()}, so any key a file leaves out takes the demo's value.
 *
 * <p>{@link #toSpec()} builds the validated {@link SimulationSpec}; its exceptions name the field
 * by its YAML path and the offending value.
 */
@JsonPropertyOrder({"name", "seed", "rounds", "threads", "model", "evaluate_every",
    "dataset", "partition", "strategy", "training", "privacy", "attack", "output"})
public final class RunConfig {
  public String name;
  public long seed;
  public int rounds;
  public int threads;
  public String model;
  public int evaluateEvery;

  @JsonSetter(nulls = Nulls.SKIP)
  public DatasetConfig dataset;

  @JsonSetter(nulls = Nulls.SKIP)
  public PartitionConfig partition;

  @JsonSetter(nulls = Nulls.SKIP)
  public StrategyConfig strategy;

  @JsonSetter(nulls = Nulls.SKIP)
  public TrainingConfig training;

  @JsonSetter(nulls = Nulls.SKIP)
  public PrivacyConfig privacy;

  @JsonSetter(nulls = Nulls.SKIP)
  public AttackConfig attack;

  /** Where outputs go; not part of the simulation itself, so {@link #from} leaves it null. */
  @JsonSetter(nulls = Nulls.SKIP)
  public OutputConfig output;

  /** The demo's configuration. */
  public RunConfig() {
    this(SimulationSpec.demo());
    output = new OutputConfig();
  }

  private RunConfig(SimulationSpec spec) {
    name = spec.name();
    seed = spec.seed();
    rounds = spec.rounds();
    threads = spec.threads();
    model = spec.model();
    evaluateEvery = spec.evaluateEvery();
    dataset = new DatasetConfig(spec.dataset());
    partition = new PartitionConfig(spec.partition());
    strategy = new StrategyConfig(spec.strategy());
    training = new TrainingConfig(spec.training());
    privacy = new PrivacyConfig(spec.privacy());
    attack = new AttackConfig(spec.attack());
  }

  /** The configuration that describes {@code spec}, with no output section. */
  public static RunConfig from(SimulationSpec spec) {
    return new RunConfig(spec);
  }

  /**
   * The validated simulation this configuration describes.
   *
   * @throws IllegalArgumentException naming the field (by its YAML path) and the value
   */
  public SimulationSpec toSpec() {
    if (name == null) throw new IllegalArgumentException("name must be set, got nothing (null)");
    if (model == null) throw new IllegalArgumentException("model must be set, got nothing (null)");
    return new SimulationSpec(name, seed, rounds, threads, model,
        dataset.toSpec(), partition.toSpec(), strategy.toSpec(), training.toSpec(), evaluateEvery, privacy.toSpec(),
        attack.toSpec());
  }
}
