package io.lianbang.cli;

import io.lianbang.engine.data.CsvReader;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.IdxReader;
import io.lianbang.engine.data.TabularData;
import io.lianbang.engine.nn.Evaluation;
import io.lianbang.engine.nn.Model;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.export.AtomicFile;
import io.lianbang.export.ExportedModel;
import io.lianbang.export.Predictions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lianbang predict}: runs an exported model ({@code model.safetensors}) on a CSV table or
 * IDX images, applying the feature scaler from the model's metadata, writes a line per example
 * and, when the data have labels, prints accuracy and loss as the run's evaluation computes them.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {
      "Run a model exported by a run (model.safetensors) on data: a CSV table (a file ending in .csv; the label column, "
          + "if present, is --label-column) or IDX images (e.g. Fashion-MNIST's t10k-images-idx3-ubyte.gz; labels with --labels). "
          + "The features are scaled with the scaler in the model's metadata, as in training. Writes one line per example: "
          + "the predicted class and the class probabilities (for linear models, the predictions). With labels, prints "
          + "accuracy and loss.",
      ""
    })
final class PredictCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model: a model.safetensors a run wrote.")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "FILE",
      description = "The examples: a CSV file (name ending in .csv) or an IDX image file (plain or gzipped).")
  Path data;

  @Option(names = "--label-column", defaultValue = "target", paramLabel = "NAME",
      description = "CSV: the label column (default: ${DEFAULT-VALUE}); a table without it has no labels.")
  String labelColumn;

  @Option(names = "--labels", paramLabel = "FILE", description = "IDX: the label file (IDX1, plain or gzipped) of the images.")
  Path labels;

  @Option(names = "--output", paramLabel = "FILE",
      description = "Write the predictions to FILE (atomically) instead of standard output; the metrics then go to standard output.")
  Path output;

  @Override
  public Integer call() {
    ExportedModel exported;
    try {
      exported = ExportedModel.readSafeTensors(model);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CliException("--model: no such file: " + model);
    } catch (IOException e) {
      throw new CliException("--model: " + e.getMessage());
    }
    if (!Files.isRegularFile(data)) throw new CliException("--data: no such file: " + data);
    if (labels != null && isCsv()) throw new CliException("--labels is for IDX images; a CSV file's labels are its --label-column");
    if (output != null && Files.isDirectory(output)) throw new CliException("--output is a directory: " + output);
    ModelSpec ms = exported.spec();
    Labelled examples = isCsv() ? readCsv(ms) : readIdx(ms);
    if (examples.data.featureCount() != ms.inputFeatures()) {
      throw new CliException("--data " + data + " has " + examples.data.featureCount() + " features per example but model " + ms
          + " takes " + ms.inputFeatures());
    }
    Dataset prepared = exported.prepare(examples.data);
    Model m = exported.model();
    int n = prepared.size();
    float[] out = m.predict(prepared.features(), n);
    int width = out.length / n;

    StringBuilder lines = new StringBuilder();
    if (ms.kind() == ModelSpec.Kind.LINEAR) {
      header(lines, "prediction", width);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < width; j++) lines.append(j == 0 ? "" : ",").append(out[i * width + j]);
        lines.append('\n');
      }
    } else {
      float[] p = Predictions.probabilities(ms.kind(), out, width);
      int classes = ms.kind() == ModelSpec.Kind.LOGISTIC ? 2 : width;
      lines.append("class,");
      header(lines, "p", classes);
      for (int i = 0; i < n; i++) {
        lines.append(Predictions.predictedClass(ms.kind(), out, width, i));
        if (ms.kind() == ModelSpec.Kind.LOGISTIC) {
          lines.append(',').append(1 - p[i]).append(',').append(p[i]);
        } else {
          for (int j = 0; j < width; j++) lines.append(',').append(p[i * width + j]);
        }
        lines.append('\n');
      }
    }
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter metrics = output == null ? spec.commandLine().getErr() : stdout;
    if (output == null) {
      stdout.print(lines);
      stdout.flush();
    } else {
      try {
        AtomicFile.write(output, lines.toString().getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new CliException("--output: cannot write " + output + ": " + e.getMessage());
      }
      metrics.println("predictions for " + n + " examples in " + output);
    }
    if (examples.labelled) {
      Evaluation e;
      try {
        e = m.evaluate(prepared);
      } catch (IllegalArgumentException ex) {
        throw new CliException("--data " + data + ": the labels do not fit model " + ms + ": " + ex.getMessage());
      }
      if (ms.kind() == ModelSpec.Kind.LINEAR) {
        metrics.printf(Locale.ROOT, "loss %s (mean squared error) over %d examples%n", e.meanLoss(), e.count());
      } else {
        metrics.printf(Locale.ROOT, "accuracy %s (%d of %d)  loss %s%n", e.accuracy(), e.correct(), e.count(), e.meanLoss());
      }
    }
    metrics.flush();
    return 0;
  }

  private boolean isCsv() {
    return data.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
  }

  /** The number of classes of a classifier: 2 for {@code logistic}, else its outputs. */
  private static int classes(ModelSpec ms) {
    return switch (ms.kind()) {
      case LOGISTIC -> 2;
      case LENET -> 10;
      default -> ms.sizes().get(ms.sizes().size() - 1);
    };
  }

  private static void header(StringBuilder sb, String prefix, int n) {
    for (int j = 0; j < n; j++) sb.append(j == 0 ? "" : ",").append(prefix).append('_').append(j);
    sb.append('\n');
  }

  /** Examples; without labels, every label is 0 and only predictions are written. */
  private record Labelled(Dataset data, boolean labelled) {}

  private Labelled readCsv(ModelSpec ms) {
    boolean regression = ms.kind() == ModelSpec.Kind.LINEAR;
    CsvReader reader = CsvReader.builder().labelColumn(labelColumn)
        .task(regression ? CsvReader.Task.REGRESSION : CsvReader.Task.CLASSIFICATION).build();
    try {
      String text = Files.readString(data, StandardCharsets.UTF_8);
      boolean labelled = headerHas(text, labelColumn);
      // a table without labels gets a label column of zeros, so the one CSV reader reads both
      TabularData t = reader.read(data.toString(), new StringReader(labelled ? text : withZeroColumn(text, labelColumn)));
      Dataset d = t.dataset();
      if (regression) return new Labelled(d, labelled);
      int classes = classes(ms);
      int[] mapped = classIndices(t.classNames(), d.labels(), classes);
      return new Labelled(Dataset.classification(d.features(), d.exampleShape(), mapped, classes), labelled);
    } catch (IOException e) {
      throw new CliException("--data: " + e.getMessage());
    }
  }

  /**
   * The labels as class indices: a label that is an integer is that class (so a table holding only
   * some classes keeps their numbers), other labels are numbered in sorted order.
   */
  private int[] classIndices(List<String> names, int[] labels, int classes) {
    int[] index = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      try {
        index[i] = Integer.parseInt(names.get(i));
      } catch (NumberFormatException e) {
        index[i] = i;
      }
      if (index[i] < 0 || index[i] >= classes) {
        throw new CliException("--data " + data + ": label '" + names.get(i) + "' in column " + labelColumn + " is not a class of the model (0.."
            + (classes - 1) + ")");
      }
    }
    int[] out = new int[labels.length];
    for (int i = 0; i < labels.length; i++) out[i] = index[labels[i]];
    return out;
  }

  private static boolean headerHas(String text, String column) throws IOException {
    BufferedReader r = new BufferedReader(new StringReader(text));
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      if (line.isBlank()) continue;
      if (line.charAt(0) == '\uFEFF') line = line.substring(1);
      for (String f : line.split(",", -1)) if (f.strip().replace("\"", "").equals(column)) return true;
      return false;
    }
    return false;
  }

  private static String withZeroColumn(String text, String column) throws IOException {
    StringBuilder sb = new StringBuilder(text.length() + text.length() / 8);
    BufferedReader r = new BufferedReader(new StringReader(text));
    boolean header = true;
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      if (line.isBlank()) continue;
      sb.append(line).append(',').append(header ? column : "0").append('\n');
      header = false;
    }
    return sb.toString();
  }

  private Labelled readIdx(ModelSpec ms) {
    try {
      IdxReader.Images images = IdxReader.readImages(data);
      int classes = classes(ms);
      if (labels == null) {
        return new Labelled(Dataset.classification(images.pixels(), images.exampleShape(), new int[images.count()], classes), false);
      }
      if (!Files.isRegularFile(labels)) throw new CliException("--labels: no such file: " + labels);
      int[] l = IdxReader.readLabels(labels);
      if (l.length != images.count()) {
        throw new CliException("--labels " + labels + " holds " + l.length + " labels but --data " + data + " holds " + images.count() + " images");
      }
      for (int i = 0; i < l.length; i++) {
        if (l[i] < 0 || l[i] >= classes) throw new CliException("--labels " + labels + ": label " + i + " is " + l[i] + ", not a class of the model (0.." + (classes - 1) + ")");
      }
      return new Labelled(Dataset.classification(images.pixels(), images.exampleShape(), l, classes), true);
    } catch (IOException e) {
      throw new CliException("--data: " + e.getMessage());
    }
  }
}
