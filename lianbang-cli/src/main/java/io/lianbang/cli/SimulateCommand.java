package io.lianbang.cli;

import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.RunConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lianbang simulate --config x.yaml}: a simulation described by a YAML file, with overrides. */
@Command(name = "simulate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    customSynopsis = "lianbang simulate -c=FILE [OPTIONS]",
    description = {
      "Run a simulation described by a YAML file.",
      "",
      "Keys the file leaves out take the demo's values; --set assignments apply next and the flags "
          + "below last, so flags win.",
      "Keys: name, seed, rounds, threads, model, evaluate_every; "
          + "dataset {name, dir, path, label_column, test_fraction, normalize}; "
          + "partition {kind, num_clients, alpha, shards_per_client, min_size}; "
          + "strategy {name, clients_per_round, evaluate_clients_per_round, quorum, round_timeout_seconds, params}; "
          + "training {local_epochs, batch_size, optimizer, learning_rate, momentum, weight_decay, local_epochs_max}; "
          + "privacy {secagg {enabled, k, threshold, clip_range, modulus_bits, max_weight, stage_timeout_seconds, min_survivors}, paillier {enabled, key_bits}, "
          + "dp {mode, noise_multiplier, clip, adaptive, target_quantile, delta, epsilon_budget, deterministic_noise}}; "
          + "attack {kind, fraction, scale, noise_std}; "
          + "output {dir}. Relative paths are relative to the current directory.",
      ""
    })
final class SimulateCommand extends SimulationCommand {
  @Option(names = {"-c", "--config"}, order = 1, paramLabel = "FILE", required = true, description = "The YAML configuration.")
  Path config;

  @Mixin
  SpecOverrides overrides;

  @Override
  RunConfig config() {
    return ConfigLoader.load(config, overrides.assignments());
  }
}
