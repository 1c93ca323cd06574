package io.lianbang.cli.run;

import io.lianbang.export.ExportedModel;
import io.lianbang.export.OnnxExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The trained model in a run's output directory: {@value #SAFETENSORS} (parameters, with the spec,
 * the feature scaler and the run in the metadata; what {@code lianbang predict} reads) and
 * {@value #ONNX} (the same model as an ONNX graph, the scaler its first nodes).
 */
public final class ModelFiles {
  /** The safetensors file's name. */
  public static final String SAFETENSORS = "model.safetensors";
  /** The ONNX file's name. */
  public static final String ONNX = "model.onnx";

  private ModelFiles() {}

  /**
   * Writes both files into {@code dir}, each atomically; if the second cannot be written, the
   * first is removed again.
   *
   * @return the files written
   */
  public static List<Path> write(Path dir, ExportedModel model) throws IOException {
    Path safetensors = dir.resolve(SAFETENSORS);
    Path onnx = dir.resolve(ONNX);
    model.writeSafeTensors(safetensors);
    try {
      OnnxExport.write(model, onnx);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(safetensors);
      throw e;
    }
    return List.of(safetensors, onnx);
  }
}
