package io.lianbang.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.data.BreastCancer;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.FashionMnist;
import io.lianbang.engine.data.Splits;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.data.TrainTest;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.LocalTraining;
import io.lianbang.engine.nn.Model;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.engine.nn.OptimizerConfig;
import io.lianbang.engine.nn.TrainConfig;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The exported ONNX models run in ONNX Runtime, an implementation of the operators independent of
 * Lianbang's, and give Lianbang's own outputs (logits and probabilities) within 1e-5 on real test
 * data. Every model is trained a little first, so that its weights are not the initial ones, and
 * is exported with the scaler it was trained with, which the graph applies to the raw features.
 */
class OnnxRuntimeTest {
  private static final double TOLERANCE = 1e-5;

  @Test
  void logisticOnBreastCancer() throws Exception {
    TrainTest data = Splits.stratified(BreastCancer.load(), 0.25, 3);
    check("logistic:30", data, 20);
  }

  @Test
  void mlpOnBreastCancer() throws Exception {
    TrainTest data = Splits.stratified(BreastCancer.load(), 0.25, 4);
    check("mlp:30-16-8-2", data, 20);
  }

  @Test
  void lenetOnFashionMnist() throws Exception {
    TrainTest all = FashionMnist.load();
    TrainTest data = new TrainTest(all.train().subset(IntStream.range(0, 1000).toArray()), all.test().subset(IntStream.range(0, 1000).toArray()));
    check("lenet", data, 1);
  }

  private static void check(String specText, TrainTest raw, int epochs) throws IOException, OrtException {
    ModelSpec spec = ModelSpec.parse(specText);
    Standardizer scaler = Standardizer.fit(raw.train());
    TrainTest scaled = scaler.transform(raw);
    Model model = Models.create(spec, Init.PYTORCH_DEFAULT, 11);
    LocalTraining.train(model, scaled.train(), new TrainConfig(epochs, 32, OptimizerConfig.sgd(0.05), 5));
    Parameters trained = model.parameters();
    ExportedModel exported = new ExportedModel(spec, trained, scaler, Map.of("name", "onnx-test"));

    Dataset test = scaled.test();
    int n = test.size();
    float[] expected = model.predict(test.features(), n);
    int width = expected.length / n;
    float[] expectedProbabilities = Predictions.probabilities(spec.kind(), expected, width);

    byte[] onnx = OnnxExport.build(exported).toByteArray();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(onnx, options)) {
        long[] shape = spec.kind() == ModelSpec.Kind.LENET ? new long[] {n, 1, 28, 28} : new long[] {n, spec.inputFeatures()};
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(raw.test().features()), shape);
            OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
          float[][] logits = (float[][]) result.get(OnnxExport.LOGITS).orElseThrow().getValue();
          float[][] probabilities = (float[][]) result.get(OnnxExport.PROBABILITIES).orElseThrow().getValue();
          assertEquals(n, logits.length);
          assertEquals(width, logits[0].length);
          double worst = 0;
          double worstP = 0;
          int agree = 0;
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < width; j++) {
              worst = Math.max(worst, Math.abs(logits[i][j] - expected[i * width + j]));
              worstP = Math.max(worstP, Math.abs(probabilities[i][j] - expectedProbabilities[i * width + j]));
            }
            if (Predictions.predictedClass(spec.kind(), logits[i], width, 0) == Predictions.predictedClass(spec.kind(), expected, width, i)) agree++;
          }
          System.out.printf("%s: largest difference %.3g (logits, largest |logit| %.3g), %.3g (probabilities)%n", specText, worst,
              maxAbs(expected), worstP);
          assertTrue(worst <= TOLERANCE, specText + ": logits differ by up to " + worst);
          assertTrue(worstP <= TOLERANCE, specText + ": probabilities differ by up to " + worstP);
          assertEquals(n, agree, specText + ": predicted classes");
          // the weights moved in training: the check is not of the initial model
          assertTrue(!Arrays.equals(Models.create(spec, Init.PYTORCH_DEFAULT, 11).parameters().tensor(0).toArray(), trained.tensor(0).toArray()));
        }
      }
    }
  }

  private static double maxAbs(float[] v) {
    double m = 0;
    for (float f : v) m = Math.max(m, Math.abs(f));
    return m;
  }
}
