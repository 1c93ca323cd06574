package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.run.ScalerFile;
import io.lianbang.cli.run.Simulator;
import io.lianbang.core.federation.Checkpoint;
import io.lianbang.core.federation.CheckpointFile;
import io.lianbang.core.federation.History;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.data.BreastCancer;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.FashionMnist;
import io.lianbang.engine.data.Splits;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.data.TrainTest;
import io.lianbang.engine.nn.Evaluation;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.LocalTraining;
import io.lianbang.engine.nn.Model;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.engine.nn.OptimizerConfig;
import io.lianbang.engine.nn.TrainConfig;
import io.lianbang.export.ExportedModel;
import io.lianbang.export.onnx.ModelProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run exports its model; {@code predict} on the run's test data reproduces the run's test accuracy; {@code export} reads checkpoints. */
class ModelExportTest {
  @TempDir
  Path tmp;

  private static final Pattern ACCURACY = Pattern.compile("accuracy (\\S+) \\((\\d+) of (\\d+)\\)  loss (\\S+)");

  @Test
  void predictOnTheTestSplitReproducesTheRunsTestAccuracy() throws Exception {
    long seed = 7;
    Path config = Files.writeString(tmp.resolve("bc.yaml"), "name: bc\nseed: " + seed + "\nrounds: 4\nmodel: logistic:30\n"
        + "dataset: {name: breast-cancer, test_fraction: 0.25, normalize: standard}\n"
        + "partition: {kind: iid, num_clients: 4}\nstrategy: {name: fedavg, clients_per_round: 4}\n"
        + "training: {local_epochs: 1, batch_size: 16, optimizer: sgd, learning_rate: 0.05}\n");
    Path out = tmp.resolve("run");
    Cli r = Cli.run(Simulator.standard(), "simulate", "--config", config.toString(), "--output", out.toString(), "--no-chart");
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.out.contains("model out  model.safetensors, model.onnx"), r.out);
    JsonNode fin = ConfigLoader.jsonMapper().readTree(out.resolve("history.json").toFile()).get("final");
    assertEquals(4, fin.get("test_round").asInt());
    double runAccuracy = fin.get("test_accuracy").asDouble();
    double runLoss = fin.get("test_loss").asDouble();

    // the run's test split, raw (predict scales with the scaler in the model's metadata)
    TrainTest split = Splits.stratified(BreastCancer.load(), 0.25, Seeds.derive(seed, "split"));
    Dataset test = split.test();
    Path csv = tmp.resolve("test.csv");
    writeCsv(csv, test);
    Path predictions = tmp.resolve("predictions.csv");
    Cli p = Cli.run(Simulator.standard(), "predict", "--model", out.resolve("model.safetensors").toString(), "--data", csv.toString(),
        "--output", predictions.toString());
    assertEquals(0, p.exit, p.toString());
    Matcher m = ACCURACY.matcher(p.out);
    assertTrue(m.find(), p.out);
    assertEquals(runAccuracy, Double.parseDouble(m.group(1)), "the run's final test accuracy, exactly");
    assertEquals(runLoss, Double.parseDouble(m.group(4)), "the run's final test loss, exactly");
    assertEquals(test.size(), Integer.parseInt(m.group(3)));

    List<String> lines = Files.readAllLines(predictions);
    assertEquals("class,p_0,p_1", lines.get(0));
    assertEquals(test.size() + 1, lines.size());
    int correct = 0;
    for (int i = 0; i < test.size(); i++) {
      String[] f = lines.get(i + 1).split(",");
      int predicted = Integer.parseInt(f[0]);
      double p1 = Double.parseDouble(f[2]);
      assertEquals(1.0, Double.parseDouble(f[1]) + p1, 1e-6);
      assertEquals(predicted == 1, p1 > 0.5, lines.get(i + 1));
      if (predicted == test.label(i)) correct++;
    }
    assertEquals(Integer.parseInt(m.group(2)), correct);

    // the model file holds the spec, the run's scaler (fitted on the raw training split) and the run
    ExportedModel model = ExportedModel.readSafeTensors(out.resolve("model.safetensors"));
    assertEquals("logistic:30", model.spec().toString());
    assertArrayEquals(Standardizer.fit(split.train()).mean(), model.scaler().mean());
    assertArrayEquals(Standardizer.fit(split.train()).std(), model.scaler().std());
    assertEquals("7", model.run().get("seed"));
    assertEquals("4", model.run().get("round"));
    ModelProto onnx = ModelProto.parseFrom(Files.readAllBytes(out.resolve("model.onnx")));
    assertEquals(13, onnx.getOpsetImport(0).getVersion());
    assertEquals("Sub", onnx.getGraph().getNode(0).getOpType());

    // without labels: the same predictions, no metrics
    Path unlabelled = tmp.resolve("unlabelled.csv");
    Files.writeString(unlabelled, String.join("\n", Files.readAllLines(csv).stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList()));
    Cli u = Cli.run(Simulator.standard(), "predict", "--model", out.resolve("model.safetensors").toString(), "--data", unlabelled.toString());
    assertEquals(0, u.exit, u.toString());
    assertEquals(String.join("\n", lines) + "\n", u.out);
    assertFalse(u.err.contains("accuracy"), u.err);
  }

  private static void writeCsv(Path file, Dataset d) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < d.featureCount(); j++) sb.append("f").append(j).append(',');
    sb.append("target\n");
    float[] x = d.features();
    for (int i = 0; i < d.size(); i++) {
      for (int j = 0; j < d.featureCount(); j++) sb.append(x[i * d.featureCount() + j]).append(',');
      sb.append(d.label(i)).append('\n');
    }
    Files.writeString(file, sb);
  }

  @Test
  void exportWritesTheModelOfACheckpointWithItsScaler() throws Exception {
    Parameters params = Models.create("mlp:30-8-2", 3).parameters();
    TreeMap<String, String> run = new TreeMap<>();
    run.put("model", "mlp:30-8-2");
    run.put("normalize", "federated");
    Path file = tmp.resolve("ckpt").resolve("server.ckpt");
    Files.createDirectories(file.getParent());
    new CheckpointFile(file).write(new Checkpoint(9, 10, 6, params, new History(List.of()), new byte[0], run, 0, null));
    Standardizer scaler = Standardizer.fit(BreastCancer.load());
    ScalerFile.write(ScalerFile.besideCheckpoint(file), scaler);

    Path out = tmp.resolve("exported");
    Cli r = Cli.run(Simulator.standard(), "export", "--checkpoint", file.toString(), "--output", out.toString());
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.out.contains("model of round 6 of 10"), r.out);
    ExportedModel m = ExportedModel.readSafeTensors(out.resolve("model.safetensors"));
    assertEquals("mlp:30-8-2", m.spec().toString());
    for (int i = 0; i < params.count(); i++) assertArrayEquals(params.tensor(i).toArray(), m.parameters().tensor(i).toArray());
    assertArrayEquals(scaler.mean(), m.scaler().mean());
    assertEquals("6", m.run().get("round"));
    assertTrue(Files.size(out.resolve("model.onnx")) > 0);

    // the scaler is part of the model: without it there is nothing half-written
    Files.delete(ScalerFile.besideCheckpoint(file));
    Path none = tmp.resolve("none");
    r = Cli.run(Simulator.standard(), "export", "--checkpoint", file.toString(), "--output", none.toString());
    assertEquals(2, r.exit, r.toString());
    assertTrue(r.err.contains("scaler") && r.err.contains("missing"), r.err);
    assertFalse(Files.exists(none));
  }

  @Test
  void predictReadsIdxImagesAndLabels() throws Exception {
    Path dir = FashionMnist.locate();
    Dataset test = FashionMnist.loadTest(dir);
    ModelSpec spec = ModelSpec.parse("softmax:784-10");
    Model trained = Models.create(spec, Init.PYTORCH_DEFAULT, 5);
    LocalTraining.train(trained, test.subset(java.util.stream.IntStream.range(0, 2000).toArray()),
        new TrainConfig(1, 32, OptimizerConfig.sgd(0.1), 1));
    Path file = tmp.resolve("softmax.safetensors");
    new ExportedModel(spec, trained.parameters(), null, java.util.Map.of()).writeSafeTensors(file);
    Cli r = Cli.run(Simulator.standard(), "predict", "--model", file.toString(), "--data", dir.resolve(FashionMnist.TEST_IMAGES).toString(),
        "--labels", dir.resolve(FashionMnist.TEST_LABELS).toString(), "--output", tmp.resolve("p.csv").toString());
    assertEquals(0, r.exit, r.toString());
    Evaluation e = trained.evaluate(test);
    assertTrue(r.out.contains("accuracy " + e.accuracy() + " (" + e.correct() + " of 10000)  loss " + e.meanLoss()), e + " expected: " + r.out);
    assertEquals(10001, Files.readAllLines(tmp.resolve("p.csv")).size());
  }

  @Test
  void badInputNamesTheFlagAndValue() throws Exception {
    Path missing = tmp.resolve("nope.safetensors");
    Cli r = Cli.run(Simulator.standard(), "predict", "--model", missing.toString(), "--data", missing.toString());
    assertEquals(2, r.exit);
    assertTrue(r.err.contains("--model: no such file: " + missing), r.err);
    Path junk = Files.writeString(tmp.resolve("junk.safetensors"), "not a model at all");
    r = Cli.run(Simulator.standard(), "predict", "--model", junk.toString(), "--data", junk.toString());
    assertEquals(2, r.exit);
    assertTrue(r.err.contains("--model: safetensors " + junk + ": header length"), r.err);
    r = Cli.run(Simulator.standard(), "export", "--checkpoint", missing.toString());
    assertEquals(2, r.exit);
    assertTrue(r.err.contains("--checkpoint: no such file: " + missing), r.err);
  }
}
