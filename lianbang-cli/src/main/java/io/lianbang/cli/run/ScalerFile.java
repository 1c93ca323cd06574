package io.lianbang.cli.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.export.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A feature scaler saved as JSON, {@code {"features": 30, "mean": [...], "std": [...]}}, the
 * model's preprocessing: inputs are fed to the model as {@code (x - mean) / std}. Written
 * atomically (a crash leaves the previous file or none, never half a file).
 */
public final class ScalerFile {
  /** The name of the scaler in a run's output directory. */
  public static final String NAME = "scaler.json";

  private ScalerFile() {}

  /** The scaler file that belongs to {@code checkpoint}: the same name with {@code .scaler.json} appended. */
  public static Path besideCheckpoint(Path checkpoint) {
    return checkpoint.resolveSibling(checkpoint.getFileName() + ".scaler.json");
  }

  /** Writes {@code scaler} to {@code file} atomically, creating its directory. */
  public static void write(Path file, Standardizer scaler) throws IOException {
    ObjectMapper mapper = ConfigLoader.jsonMapper();
    ObjectNode doc = mapper.createObjectNode();
    float[] mean = scaler.mean();
    float[] std = scaler.std();
    doc.put("features", mean.length);
    ArrayNode m = doc.putArray("mean");
    for (float v : mean) m.add(v);
    ArrayNode s = doc.putArray("std");
    for (float v : std) s.add(v);
    AtomicFile.write(file, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
  }

  /**
   * Reads a scaler written by {@link #write}.
   *
   * @throws IOException if the file cannot be read or does not hold a valid scaler (the message
   *     names the file and the field)
   */
  public static Standardizer read(Path file) throws IOException {
    JsonNode doc;
    // decimals as written, so each float reads back exactly (no rounding through double)
    try (var in = Files.newInputStream(file)) {
      doc = ConfigLoader.jsonMapper().reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(in);
    } catch (IOException e) {
      throw new IOException("cannot read the scaler " + file + ": " + e.getMessage(), e);
    }
    try {
      return Standardizer.of(floats(doc, "mean", file), floats(doc, "std", file));
    } catch (IllegalArgumentException e) {
      throw new IOException("scaler " + file + ": " + e.getMessage(), e);
    }
  }

  private static float[] floats(JsonNode doc, String field, Path file) throws IOException {
    JsonNode a = doc == null ? null : doc.get(field);
    if (a == null || !a.isArray()) throw new IOException("scaler " + file + " has no array '" + field + "'");
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      if (!a.get(i).isNumber()) throw new IOException("scaler " + file + ": " + field + "[" + i + "] is not a number");
      out[i] = a.get(i).decimalValue().floatValue();
    }
    return out;
  }
}
