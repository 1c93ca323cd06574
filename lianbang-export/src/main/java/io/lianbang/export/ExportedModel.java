package io.lianbang.export;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.core.text.Abbreviation;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.Model;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A trained engine model as it leaves Lianbang: its spec, its parameters, the feature scaler its
 * inputs went through during training (null for none) and a description of the run that produced
 * it (e.g. {@code name}, {@code seed}, {@code round}).
 *
 * <p>As safetensors ({@link #writeSafeTensors}, {@link #readSafeTensors}) the tensors carry the
 * model's parameter names ({@code 0.weight}, {@code 0.bias}, ..., the keys of the equivalent
 * PyTorch state dict), and the metadata hold {@value #MODEL} (the spec), {@value #SCALER_MEAN} and
 * {@value #SCALER_STD} (JSON arrays of numbers, if there is a scaler) and {@value #RUN_PREFIX}
 * followed by each key of the run description.
 *
 * @param spec the model
 * @param parameters its parameters, in {@link Model#parameters()} layout
 * @param scaler the standardisation {@code (x - mean) / std} applied to inputs, or null
 * @param run a description of the run, by key (may be empty)
 */
public record ExportedModel(ModelSpec spec, Parameters parameters, Standardizer scaler, Map<String, String> run) {
  /** Metadata key of the model spec, e.g. {@code logistic:30}. */
  public static final String MODEL = "model";
  /** Metadata key of the scaler's means, a JSON array. */
  public static final String SCALER_MEAN = "scaler.mean";
  /** Metadata key of the scaler's divisors, a JSON array. */
  public static final String SCALER_STD = "scaler.std";
  /** Prefix of the metadata keys of the run description, e.g. {@code run.seed}. */
  public static final String RUN_PREFIX = "run.";

  /**
   * @throws IllegalArgumentException if the parameters do not fit the spec (naming the first
   *     tensor that differs) or the scaler has another number of features than the model's input
   */
  public ExportedModel {
    if (spec == null || parameters == null) throw new IllegalArgumentException("an exported model needs a spec and parameters");
    Models.create(spec, Init.PYTORCH_DEFAULT, 0).load(parameters); // checks count and shapes
    if (scaler != null && scaler.mean().length != spec.inputFeatures()) {
      throw new IllegalArgumentException("scaler has " + scaler.mean().length + " features but model " + spec + " takes "
          + spec.inputFeatures());
    }
    run = Collections.unmodifiableMap(new TreeMap<>(run == null ? Map.of() : run));
  }

  /** A fresh engine model holding these parameters. */
  public Model model() {
    Model m = Models.create(spec, Init.PYTORCH_DEFAULT, 0);
    m.load(parameters);
    return m;
  }

  /** The model's parameter names, in {@link #parameters()} order. */
  public List<String> parameterNames() {
    return Models.create(spec, Init.PYTORCH_DEFAULT, 0).parameterNames();
  }

  /** {@code data} as the model saw it in training: scaled by the scaler, if there is one. */
  public Dataset prepare(Dataset data) {
    return scaler == null ? data : scaler.transform(data);
  }

  /** The safetensors contents: named parameters and the metadata described in the class documentation. */
  public SafeTensors.Contents toSafeTensors() {
    LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
    List<String> names = parameterNames();
    for (int i = 0; i < names.size(); i++) tensors.put(names.get(i), parameters.tensor(i));
    Map<String, String> meta = new TreeMap<>();
    meta.put(MODEL, spec.toString());
    if (scaler != null) {
      meta.put(SCALER_MEAN, jsonArray(scaler.mean()));
      meta.put(SCALER_STD, jsonArray(scaler.std()));
    }
    run.forEach((k, v) -> meta.put(RUN_PREFIX + k, v));
    return new SafeTensors.Contents(tensors, meta);
  }

  /** Writes the model as a safetensors file, atomically. */
  public void writeSafeTensors(Path file) throws IOException {
    SafeTensors.write(file, toSafeTensors());
  }

  /**
   * Reads a model written by {@link #writeSafeTensors}.
   *
   * @throws IOException naming the file and the tensor or metadata key if it cannot be read or
   *     does not hold a valid model
   */
  public static ExportedModel readSafeTensors(Path file) throws IOException {
    return fromSafeTensors(file.toString(), SafeTensors.read(file));
  }

  /**
   * The model in {@code contents}; {@code source} names them in messages.
   *
   * @throws IOException naming {@code source} and the tensor or metadata key if they do not hold a valid model
   */
  public static ExportedModel fromSafeTensors(String source, SafeTensors.Contents contents) throws IOException {
    Map<String, String> meta = contents.metadata();
    String where = "model " + source;
    String specText = meta.get(MODEL);
    if (specText == null) throw new IOException(where + ": metadata '" + MODEL + "' is missing (not a model exported by Lianbang?)");
    ModelSpec spec;
    try {
      spec = ModelSpec.parse(specText);
    } catch (IllegalArgumentException e) {
      throw new IOException(where + ": metadata '" + MODEL + "': " + e.getMessage(), e);
    }
    List<String> names = Models.create(spec, Init.PYTORCH_DEFAULT, 0).parameterNames();
    if (!contents.tensors().keySet().equals(new java.util.HashSet<>(names))) {
      throw new IOException(where + ": tensors " + Abbreviation.abbreviate(contents.tensors().keySet().toString()) + " are not those of "
          + spec + ", " + names);
    }
    List<Tensor> tensors = new ArrayList<>();
    for (String n : names) tensors.add(contents.tensors().get(n));
    Standardizer scaler = null;
    if (meta.containsKey(SCALER_MEAN) || meta.containsKey(SCALER_STD)) {
      float[] mean = floats(where, meta, SCALER_MEAN, spec.inputFeatures());
      float[] std = floats(where, meta, SCALER_STD, spec.inputFeatures());
      try {
        scaler = Standardizer.of(mean, std);
      } catch (IllegalArgumentException e) {
        throw new IOException(where + ": metadata scaler: " + e.getMessage(), e);
      }
    }
    Map<String, String> run = new TreeMap<>();
    meta.forEach((k, v) -> {
      if (k.startsWith(RUN_PREFIX)) run.put(k.substring(RUN_PREFIX.length()), v);
    });
    try {
      return new ExportedModel(spec, Parameters.of(tensors), scaler, run);
    } catch (IllegalArgumentException e) {
      throw new IOException(where + ": " + e.getMessage(), e);
    }
  }

  /** {@code [v0,v1,...]}, each value as {@link Float#toString}, which reads back exactly. */
  static String jsonArray(float[] values) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) sb.append(i == 0 ? "" : ",").append(values[i]);
    return sb.append(']').toString();
  }

  private static float[] floats(String where, Map<String, String> meta, String key, int features) throws IOException {
    String text = meta.get(key);
    String quoted = "metadata '" + key + "'";
    if (text == null) throw new IOException(where + ": " + quoted + " is missing");
    String t = text.strip();
    if (!t.startsWith("[") || !t.endsWith("]")) {
      throw new IOException(where + ": " + quoted + " must be a JSON array of numbers, got '" + Abbreviation.abbreviate(text) + "'");
    }
    // at most features + 1 parts, so a hostile value costs no more than the expected one
    String[] parts = t.substring(1, t.length() - 1).split(",", features + 1);
    if (parts.length != features) {
      throw new IOException(where + ": " + quoted + " must hold " + features + " numbers, got "
          + (parts.length > features ? "more" : String.valueOf(parts.length)));
    }
    float[] out = new float[features];
    for (int i = 0; i < features; i++) {
      String p = parts[i].strip();
      try {
        if (p.isEmpty() || !Character.isDigit(p.charAt(p.length() - 1))) throw new NumberFormatException();
        out[i] = Float.parseFloat(p);
      } catch (NumberFormatException e) {
        throw new IOException(where + ": " + quoted + " value " + i + " is not a number: '" + Abbreviation.abbreviate(p) + "'");
      }
    }
    return out;
  }
}
