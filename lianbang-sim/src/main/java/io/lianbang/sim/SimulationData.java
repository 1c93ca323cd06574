package io.lianbang.sim;

import io.lianbang.core.random.Seeds;
import io.lianbang.engine.data.BreastCancer;
import io.lianbang.engine.data.CsvReader;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.DirichletPartitioner;
import io.lianbang.engine.data.FashionMnist;
import io.lianbang.engine.data.IidPartitioner;
import io.lianbang.engine.data.MinMaxScaler;
import io.lianbang.engine.data.Partitioner;
import io.lianbang.engine.data.QuantitySkewPartitioner;
import io.lianbang.engine.data.SampledPartitioner;
import io.lianbang.engine.data.ShardPartitioner;
import io.lianbang.engine.data.Splits;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.data.TrainTest;
import io.lianbang.sim.spec.DatasetSpec;
import io.lianbang.sim.spec.PartitionSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Turns the data and partition parts of a spec into datasets and a partitioner. */
final class SimulationData {
  private SimulationData() {}

  /**
   * Loads the train and test sets named by {@code spec}, before normalisation.
   *
   * @throws IllegalArgumentException naming {@code dataset.dir} or {@code dataset.path} if the
   *     data cannot be found or read
   */
  static TrainTest load(DatasetSpec spec, long runSeed) {
    TrainTest data;
    try {
      data = switch (spec.name()) {
        case "fashion-mnist" -> {
          if (spec.dir() != null && !Files.isDirectory(spec.dir())) {
            throw new IllegalArgumentException("dataset.dir is not a directory: " + spec.dir());
          }
          yield FashionMnist.load(spec.dir());
        }
        case "breast-cancer" -> Splits.stratified(BreastCancer.load(), spec.testFraction(), Seeds.derive(runSeed, "split"));
        case "csv" -> {
          if (!Files.isRegularFile(spec.path())) {
            throw new IllegalArgumentException("dataset.path does not name a readable file: " + spec.path());
          }
          Dataset all = CsvReader.builder().labelColumn(spec.labelColumn()).build().read(spec.path()).dataset();
          yield Splits.stratified(all, spec.testFraction(), Seeds.derive(runSeed, "split"));
        }
        default -> throw new IllegalArgumentException("dataset.name is not supported: " + spec.name());
      };
    } catch (IOException e) {
      String field = spec.name().equals("csv") ? "dataset.path" : "dataset.dir";
      Object value = spec.name().equals("csv") ? spec.path() : spec.dir();
      throw new IllegalArgumentException(field + " (" + value + "): " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException("dataset " + spec.name() + ": " + e.getCause().getMessage(), e);
    }
    return data;
  }

  /**
   * The scaler {@code spec.normalize()} asks for, fitted on {@code raw}'s training set, as
   * {@code (x - mean) / std}: {@code standard} the mean and standard deviation, {@code minmax}
   * the minimum and the range (the same arithmetic as {@link MinMaxScaler}); null for {@code none}.
   */
  static Standardizer scaler(DatasetSpec spec, TrainTest raw) {
    return switch (spec.normalize()) {
      case "standard" -> Standardizer.fit(raw.train());
      case "minmax" -> {
        MinMaxScaler m = MinMaxScaler.fit(raw.train());
        yield Standardizer.of(m.min(), m.range());
      }
      default -> null;
    };
  }

  /** The partitioner a spec names. */
  static Partitioner partitioner(PartitionSpec p) {
    return switch (p.kind()) {
      case IID -> new IidPartitioner(p.numClients());
      case DIRICHLET -> new DirichletPartitioner(p.numClients(), p.alpha(), p.minSize(), 1000);
      case SHARDS -> new ShardPartitioner(p.numClients(), p.shardsPerClient());
      case QUANTITY -> new QuantitySkewPartitioner(p.numClients(), p.alpha(), p.minSize(), 1000);
      case SAMPLED -> new SampledPartitioner(p.numClients(), p.examplesPerClient());
    };
  }
}
