package io.lianbang.cli;

import io.lianbang.cli.run.ModelFiles;
import io.lianbang.cli.run.ScalerFile;
import io.lianbang.core.federation.Checkpoint;
import io.lianbang.core.federation.CheckpointFile;
import io.lianbang.engine.client.FederatedStandardization;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.export.ExportedModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lianbang export}: the model of a server checkpoint (the global model after its last
 * completed round) as {@code model.safetensors} and {@code model.onnx}, with the federated scaler
 * saved beside the checkpoint when the run used one.
 */
@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {
      "Export the global model of a server checkpoint (after its last completed round; a checkpoint holds only that "
          + "round) as model.safetensors and model.onnx, with the model spec and, under normalize: federated, "
          + "the federated scaler (FILE.scaler.json beside the checkpoint) in the metadata. A run that ends exports "
          + "its final model into its output directory by itself.",
      ""
    })
final class ExportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The server's checkpoint file (the 'checkpoint' key).")
  Path checkpoint;

  @Option(names = "--output", paramLabel = "DIR", description = "Directory to write the two files into (default: the checkpoint's directory).")
  Path output;

  @Override
  public Integer call() {
    Optional<Checkpoint> read;
    try {
      read = new CheckpointFile(checkpoint).read();
    } catch (UncheckedIOException e) {
      throw new CliException("--checkpoint: " + e.getMessage());
    }
    if (read.isEmpty()) throw new CliException("--checkpoint: no such file: " + checkpoint);
    Checkpoint c = read.get();
    String modelText = c.run().get("model");
    if (modelText == null) throw new CliException("--checkpoint " + checkpoint + " names no model (it was not written by lianbang server)");
    ModelSpec model;
    try {
      model = ModelSpec.parse(modelText);
    } catch (IllegalArgumentException e) {
      throw new CliException("--checkpoint " + checkpoint + ": " + e.getMessage());
    }
    String normalize = c.run().getOrDefault("normalize", FederatedStandardization.Mode.NONE.text());
    Standardizer scaler = null;
    if (normalize.equals(FederatedStandardization.Mode.FEDERATED.text())) {
      Path file = ScalerFile.besideCheckpoint(checkpoint);
      if (!Files.isRegularFile(file)) {
        throw new CliException("--checkpoint " + checkpoint + " is of a run with normalize: federated, but its scaler " + file + " is missing");
      }
      try {
        scaler = ScalerFile.read(file);
      } catch (IOException e) {
        throw new CliException(e.getMessage());
      }
    }
    Map<String, String> run = new TreeMap<>(Map.of("seed", String.valueOf(c.seed()), "round", String.valueOf(c.round()), "normalize", normalize));
    Path dir = output != null ? output : checkpoint.toAbsolutePath().getParent();
    if (Files.exists(dir) && !Files.isDirectory(dir)) throw new CliException("--output is not a directory: " + dir);
    try {
      ModelFiles.write(dir, new ExportedModel(model, c.parameters(), scaler, run));
    } catch (IllegalArgumentException e) {
      throw new CliException("--checkpoint " + checkpoint + ": its parameters do not fit model " + model + ": " + e.getMessage());
    } catch (IOException e) {
      throw new CliException("--output: cannot write to " + dir + ": " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("model of round " + c.round() + " of " + c.rounds() + " in " + dir + "/ (" + ModelFiles.SAFETENSORS + ", " + ModelFiles.ONNX + ")");
    out.flush();
    return 0;
  }
}
