package io.lianbang.cli;

import static io.lianbang.cli.ServerConfigs.freePort;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianbang.cli.run.ScalerFile;
import io.lianbang.cli.run.Simulator;
import io.lianbang.core.federation.CheckpointFile;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.data.BreastCancer;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.IidPartitioner;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.export.ExportedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lianbang server}'s {@code normalize} and {@code lianbang client}'s validation share, over
 * a real server and clients on loopback: two sites whose features are scaled and shifted
 * differently get one scaler, that of their pooled data.
 */
class FederatedScalingTest {
  @TempDir Path dir;

  private static Cli run(String... args) {
    return Cli.run(Simulator.standard(), args);
  }

  /** The two halves of the bundled data, the second with every feature multiplied by 4 and shifted by 100. */
  private static List<Dataset> shiftedSites() {
    Dataset raw = BreastCancer.load();
    List<Dataset> halves = new IidPartitioner(2).partition(raw, 42).subsets(raw);
    float[] x = halves.get(1).features();
    for (int i = 0; i < x.length; i++) x[i] = x[i] * 4 + 100;
    return List.of(halves.get(0), halves.get(1).withFeatures(x));
  }

  private static Path csv(Path file, Dataset d) throws IOException {
    int f = d.featureCount();
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < f; j++) sb.append('f').append(j).append(',');
    sb.append("label\n");
    float[] x = d.features();
    for (int i = 0; i < d.size(); i++) {
      for (int j = 0; j < f; j++) sb.append(x[i * f + j]).append(',');
      sb.append(d.label(i)).append('\n');
    }
    Files.writeString(file, sb);
    return file;
  }

  private Path serverConfig(String name, int port, int rounds, String... lines) throws IOException {
    List<String> all = new ArrayList<>(List.of("allow_anonymous: true", "strategy: {clients_per_round: 2, evaluate_clients_per_round: 2}", "checkpoint: " + dir.resolve(name + ".ckpt")));
    all.addAll(List.of(lines));
    return ServerConfigs.write(dir, name, port, rounds, dir.resolve(name), all.toArray(String[]::new));
  }

  /** Runs the server with two clients, one per CSV, each with {@code clientArgs}; returns server and client outputs. */
  private static List<Cli> federate(Path config, int port, List<Path> data, String... clientArgs) throws Exception {
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      Future<Cli> server = threads.submit(() -> run("server", "--config", config.toString()));
      List<Future<Cli>> clients = new ArrayList<>();
      for (int i = 0; i < data.size(); i++) {
        List<String> args = new ArrayList<>(List.of("client", "--server", "127.0.0.1:" + port, "--insecure", "--data",
            data.get(i).toString(), "--model", "logistic:30", "--name", "site-" + i, "--give-up-after", "30"));
        args.addAll(List.of(clientArgs));
        clients.add(threads.submit(() -> run(args.toArray(String[]::new))));
      }
      List<Cli> out = new ArrayList<>();
      out.add(server.get(120, TimeUnit.SECONDS));
      for (Future<Cli> f : clients) out.add(f.get(30, TimeUnit.SECONDS));
      for (Cli c : out) assertEquals(0, c.exit, c.toString());
      return out;
    } finally {
      threads.shutdownNow();
    }
  }

  private static void assertScaler(Standardizer expected, Path file) throws IOException {
    JsonNode doc = new ObjectMapper().readTree(file.toFile());
    float[] mean = expected.mean();
    float[] std = expected.std();
    assertEquals(30, doc.get("features").asInt());
    for (int j = 0; j < mean.length; j++) {
      double m = doc.get("mean").get(j).asDouble();
      double s = doc.get("std").get(j).asDouble();
      assertEquals(mean[j], m, 1e-5 * std[j] + 1e-6 * Math.abs(mean[j]), "mean[" + j + "] in " + doc);
      assertEquals(std[j], s, 1e-5 * std[j], "std[" + j + "] in " + doc);
    }
  }

  @Test
  void shiftedSitesStandardiseWithThePooledStatisticsAndAResumedRunKeepsThem() throws Exception {
    List<Dataset> sites = shiftedSites();
    List<Path> data = List.of(csv(dir.resolve("a.csv"), sites.get(0)), csv(dir.resolve("b.csv"), sites.get(1)));
    float[] pooledX = new float[(sites.get(0).size() + sites.get(1).size()) * 30];
    System.arraycopy(sites.get(0).features(), 0, pooledX, 0, sites.get(0).size() * 30);
    System.arraycopy(sites.get(1).features(), 0, pooledX, sites.get(0).size() * 30, sites.get(1).size() * 30);
    int[] labels = new int[pooledX.length / 30];
    Standardizer pooled = Standardizer.fit(Dataset.classification(pooledX, new int[] {30}, labels, 2));

    int port = freePort();
    // all local data train and evaluate, so the pooled statistics are those of all rows
    List<Cli> r = federate(serverConfig("shifted", port, 2), port, data, "--validation-fraction", "0");
    Cli server = r.get(0);
    assertTrue(server.out.contains("normalize: federated; statistics round") && server.out.contains("statistics of 2 clients"), server.toString());
    assertTrue(server.out.contains("fed_train_acc"), "evaluated on training data, and the round line says so: " + server);
    for (Cli c : r.subList(1, 3)) {
      assertTrue(c.out.contains("features standardised with the federation's statistics (federated)"), c.toString());
      assertTrue(c.out.contains("done after 2 training and 2 evaluation tasks, 2 statistics tasks"), c.toString());
    }
    Path beside = dir.resolve("shifted.ckpt.scaler.json");
    assertScaler(pooled, dir.resolve("shifted").resolve("scaler.json"));
    assertEquals(Files.readString(beside), Files.readString(dir.resolve("shifted").resolve("scaler.json")));
    String scaler = Files.readString(beside);

    // a third round resumes from the checkpoint: the saved scaler, no new statistics
    port = freePort();
    r = federate(serverConfig("shifted", port, 3), port, data, "--validation-fraction", "0");
    server = r.get(0);
    assertTrue(server.out.contains("with the scaler of the checkpointed run") && !server.out.contains("statistics round"), server.toString());
    assertTrue(server.out.contains("round  3/3"), server.toString());
    for (Cli c : r.subList(1, 3)) {
      assertTrue(c.out.contains("(federated)") && c.out.contains("done after 1 training and 1 evaluation tasks (")
          && !c.out.contains("statistics task"), c.toString());
    }
    assertEquals(scaler, Files.readString(beside));
  }

  @Test
  void theServersFinalModelCarriesTheFederatedScalerAndExportFromTheCheckpointGivesTheSameModel() throws Exception {
    List<Dataset> sites = shiftedSites();
    List<Path> data = List.of(csv(dir.resolve("a.csv"), sites.get(0)), csv(dir.resolve("b.csv"), sites.get(1)));
    int port = freePort();
    Cli server = federate(serverConfig("model", port, 2), port, data).get(0);
    assertTrue(server.out.contains("model in " + dir.resolve("model") + "/ (model.safetensors, model.onnx)"), server.toString());
    ExportedModel model = ExportedModel.readSafeTensors(dir.resolve("model").resolve("model.safetensors"));
    Standardizer saved = ScalerFile.read(dir.resolve("model").resolve("scaler.json"));
    assertArrayEquals(saved.mean(), model.scaler().mean());
    assertArrayEquals(saved.std(), model.scaler().std());
    assertEquals("2", model.run().get("round"));
    assertEquals("federated", model.run().get("normalize"));
    Parameters final_ = new CheckpointFile(dir.resolve("model.ckpt")).read().orElseThrow().parameters();
    assertEquals(final_, model.parameters());

    Cli export = run("export", "--checkpoint", dir.resolve("model.ckpt").toString(), "--output", dir.resolve("exported").toString());
    assertEquals(0, export.exit, export.toString());
    ExportedModel exported = ExportedModel.readSafeTensors(dir.resolve("exported").resolve("model.safetensors"));
    assertEquals(model.parameters(), exported.parameters());
    assertArrayEquals(model.scaler().mean(), exported.scaler().mean());
    assertTrue(Files.size(dir.resolve("exported").resolve("model.onnx")) > 0);

    // the model takes a site's raw rows: predict scales them with the federated scaler
    Cli predict = run("predict", "--model", dir.resolve("model").resolve("model.safetensors").toString(), "--data", data.get(1).toString(),
        "--label-column", "label", "--output", dir.resolve("predictions.csv").toString());
    assertEquals(0, predict.exit, predict.toString());
    double accuracy = model.model().evaluate(model.prepare(sites.get(1))).accuracy();
    assertTrue(predict.out.contains("accuracy " + accuracy + " ("), accuracy + " expected: " + predict);
  }

  @Test
  void localScalingIsAnExplicitOptionAndEvaluationUsesTheHeldOutShare() throws Exception {
    List<Dataset> sites = shiftedSites();
    List<Path> data = List.of(csv(dir.resolve("a.csv"), sites.get(0)), csv(dir.resolve("b.csv"), sites.get(1)));
    int port = freePort();
    List<Cli> r = federate(serverConfig("local", port, 1, "normalize: local"), port, data);
    Cli server = r.get(0);
    assertFalse(server.out.contains("statistics"), server.toString());
    assertTrue(server.out.contains("fed_val_acc"), "the round line names the validation share: " + server);
    for (Cli c : r.subList(1, 3)) {
      assertTrue(c.out.contains("held out for evaluation"), c.toString());
      assertTrue(c.out.contains("features standardised with this client's own statistics (local)"), c.toString());
      assertFalse(c.out.contains("statistics task"), c.toString());
    }
    assertFalse(Files.exists(dir.resolve("local").resolve("scaler.json")));
    String json = Files.readString(dir.resolve("local").resolve("history.json"));
    assertTrue(json.contains("\"held_out\" : 1.0") && json.contains("\"normalize\" : \"local\""), json);
  }

  @Test
  void badSplitSettingsAreNamed() throws Exception {
    Cli c = run("client", "--server", "127.0.0.1:1", "--insecure", "--data", "breast-cancer", "--model", "logistic:30", "--name", "a",
        "--validation-fraction", "1");
    c.assertBadInput("validation_fraction must be in [0, 1), got 1.0");

    c = run("client", "--server", "127.0.0.1:1", "--insecure", "--data", "breast-cancer:0/99999999999", "--model", "logistic:30",
        "--name", "a");
    c.assertBadInput("data breast-cancer:0/99999999999: the number of parts must be in [1, 569], got 99999999999");

    c = run("client", "--server", "127.0.0.1:1", "--insecure", "--data", "breast-cancer:99999999999/2", "--model", "logistic:30",
        "--name", "a");
    c.assertBadInput("part must be in [0, 2), got 99999999999");
  }

  @Test
  void fashionMnistPartsAreTheIidSplitOfTheTrainingImages() throws Exception {
    Cli c = run("client", "--server", "127.0.0.1:1", "--insecure", "--data", "fashion-mnist:0/99999999999", "--model", "mlp:784-8-10",
        "--name", "a");
    c.assertBadInput("data fashion-mnist:0/99999999999: the number of parts must be in [1, 60000], got 99999999999");
    c = run("client", "--server", "127.0.0.1:1", "--insecure", "--data", "fashion-mnist:5/5", "--model", "mlp:784-8-10", "--name", "a");
    c.assertBadInput("part must be in [0, 5), got 5");
    c = run("client", "--server", "127.0.0.1:1", "--insecure", "--data", "fashion-mnist", "--model", "mlp:784-8-10", "--name", "a",
        "--give-up-after", "0.5");
    assertTrue(c.out.contains("a: 60000 local examples, 48000 for training and 12000 held out for evaluation"), c.toString());
    c = run("client", "--server", "127.0.0.1:1", "--insecure", "--data", "fashion-mnist:3/7", "--model", "mlp:784-8-10", "--name", "a",
        "--give-up-after", "0.5");
    // 60000 = 7 * 8571 + 3: parts 0 to 2 hold 8572 examples, the others 8571
    assertTrue(c.out.contains("a: 8571 local examples, 6857 for training and 1714 held out for evaluation"), c.toString());
  }
}
