package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.engine.nn.Model;
import io.lianbang.engine.nn.Models;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch module {@code lianbang.torch.build_module} gives for a spec computes what the Java
 * engine's model computes: this test writes the engine's parameters, an input and the engine's
 * outputs for several specs to {@code target/torch-forward.json}, and runs the Python test
 * {@code tests/test_torch.py} on it, which loads the parameters into the torch module and compares
 * its forward pass. Skipped only when the interpreter has no torch.
 */
class TorchForwardTest {
  static final List<String> SPECS = List.of("linear:4-2", "logistic:5", "softmax:6-3", "mlp:5-7-3", "mlp:4-4-4-3", "lenet");

  @Test
  void torchModulesComputeWhatTheEngineComputes() throws Exception {
    Python.Result torch = Python.run(List.of("-c", "import torch"), Map.of(), 120);
    Assumptions.assumeTrue(torch.exitCode() == 0, "no torch for " + Python.interpreter() + ": " + torch.output());
    Path fixture = Python.HOME.resolve("target/torch-forward.json");
    Files.createDirectories(fixture.getParent());
    Files.writeString(fixture, fixture(), StandardCharsets.UTF_8);
    Python.Result r = Python.run(List.of("-m", "unittest", "-v", "tests.test_torch"),
        Map.of("LIANBANG_FORWARD_FIXTURE", fixture.toString()), 600);
    System.out.println(r.output());
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().matches("(?s).*test_forward_matches_java_engine[^\\n]*\\.\\.\\. ok\\n.*"), "the forward test ran:\n" + r.output());
  }

  /** The engine's parameters, inputs and outputs of {@link #SPECS} as JSON. */
  static String fixture() {
    StringBuilder json = new StringBuilder("{\"cases\": [");
    SplittableRandom random = new SplittableRandom(11);
    for (int c = 0; c < SPECS.size(); c++) {
      String spec = SPECS.get(c);
      Model model = Models.create(spec, 100 + c).threads(1);
      Parameters p = model.parameters();
      int examples = 3;
      int features = model.network().inputShape().length == 1 ? model.network().inputShape()[0] : 28 * 28;
      float[] input = new float[examples * features];
      for (int i = 0; i < input.length; i++) input[i] = (float) (random.nextDouble() * 2 - 1);
      float[] outputs = model.predict(input, examples);
      json.append(c == 0 ? "" : ",").append("\n{\"spec\": \"").append(spec).append("\", \"examples\": ").append(examples)
          .append(", \"parameters\": [");
      for (int t = 0; t < p.count(); t++) {
        Tensor tensor = p.tensor(t);
        json.append(t == 0 ? "" : ", ").append("{\"shape\": ").append(Arrays.toString(tensor.shape())).append(", \"values\": ");
        numbers(json, tensor.toArray()).append('}');
      }
      json.append("], \"input\": ");
      numbers(json, input).append(", \"outputs\": ");
      numbers(json, outputs).append('}');
    }
    return json.append("\n]}\n").toString();
  }

  private static StringBuilder numbers(StringBuilder json, float[] values) {
    json.append('[');
    for (int i = 0; i < values.length; i++) json.append(i == 0 ? "" : ", ").append(Float.toString(values[i]));
    return json.append(']');
  }
}
