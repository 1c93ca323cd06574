package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianbang.cli.run.Simulator;
import io.lianbang.store.RoundRow;
import io.lianbang.store.RunStatus;
import io.lianbang.store.RunStore;
import io.lianbang.store.StoredRun;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs recorded by {@code simulate} and read back by {@code lianbang runs}, in real SQLite files. */
class RunsCommandTest {
  @TempDir
  Path tmp;

  private String url() {
    return "jdbc:sqlite:" + tmp.resolve("store").resolve("lianbang.db");
  }

  private Path config(String name, int rounds, double lr) throws Exception {
    return Files.writeString(tmp.resolve(name + ".yaml"), String.join("\n",
        "name: " + name,
        "seed: 42",
        "rounds: " + rounds,
        "threads: 1",
        "model: logistic:30",
        "dataset: {name: breast-cancer, test_fraction: 0.2, normalize: standard}",
        "partition: {kind: iid, num_clients: 10}",
        "strategy: {name: fedavg, clients_per_round: 5}",
        "training: {local_epochs: 1, batch_size: 16, learning_rate: " + lr + "}",
        ""));
  }

  private Cli simulate(String name, int rounds, double lr) throws Exception {
    Cli r = Cli.run(Simulator.standard(), "simulate", "-c", config(name, rounds, lr).toString(), "--output",
        tmp.resolve(name).toString(), "--store", url(), "--no-chart");
    assertEquals(0, r.exit, r.toString());
    return r;
  }

  /** The test accuracy column of a {@code history.csv}, as written (6 decimals). */
  private static List<String> accuracies(Path csv) throws Exception {
    return Files.readAllLines(csv).stream().skip(1).map(l -> l.split(",", -1)[6]).toList();
  }

  @Test
  void aSimulationIsListedAndShownWithTheRoundsOfItsHistory() throws Exception {
    Cli run = simulate("bc", 3, 0.1);
    assertTrue(run.out.contains("store      run 1 in " + url()), run.out);

    Cli list = Cli.run(Simulator.standard(), "runs", "list", "--store", url());
    assertEquals(0, list.exit, list.toString());
    List<String> accs = accuracies(tmp.resolve("bc").resolve("history.csv"));
    String last = String.format(Locale.ROOT, "%.2f%%", 100 * Double.parseDouble(accs.get(accs.size() - 1)));
    String row = list.out.lines().filter(l -> l.startsWith("1 ")).findFirst().orElseThrow();
    for (String cell : List.of("bc", "simulate", "finished", "3/3", last)) assertTrue(row.contains(cell), cell + " in " + row);

    Cli show = Cli.run(Simulator.standard(), "runs", "show", "1", "--store", url());
    assertEquals(0, show.exit, show.toString());
    assertTrue(show.out.contains("model: logistic:30"), show.out);
    for (int round = 0; round <= 3; round++) {
      String acc = String.format(Locale.ROOT, "%.2f%%", 100 * Double.parseDouble(accs.get(round)));
      int r = round;
      assertTrue(show.out.lines().anyMatch(l -> l.startsWith(r + " ") && l.contains(acc)), "round " + round + " " + acc + "\n" + show.out);
    }

    JsonNode json = new ObjectMapper().readTree(Cli.run(Simulator.standard(), "runs", "show", "1", "--json", "--store", url()).out);
    JsonNode rounds = json.get("rounds");
    assertEquals(4, rounds.size());
    for (int round = 0; round <= 3; round++) {
      assertEquals(accs.get(round), String.format(Locale.ROOT, "%.6f", rounds.get(round).get("test_accuracy").asDouble()));
    }
    // the configuration is the run's config.yaml (after its comment lines), fingerprinted with SHA-256
    String yaml = json.get("config_yaml").asText();
    String written = Files.readAllLines(tmp.resolve("bc").resolve("config.yaml")).stream().filter(l -> !l.startsWith("#"))
        .reduce("", (a, b) -> a + b + "\n");
    assertEquals(written, yaml);
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(StandardCharsets.UTF_8))),
        json.get("config_sha256").asText());
    assertTrue(json.get("files").toString().contains("history.csv"), json.get("files").toString());
    assertEquals(System.getProperty("java.version"), json.get("java_version").asText());
    // every sampled client of every round took part
    assertEquals(3 * 5, json.get("participants").size());
  }

  @Test
  void twoRunsAreComparedInOneTableAndOneChart() throws Exception {
    simulate("slow", 3, 0.01);
    simulate("fast", 3, 0.5);
    Path png = tmp.resolve("charts").resolve("c.png");
    Cli cmp = Cli.run(Simulator.standard(), "runs", "compare", "1", "2", "--store", url(), "--chart", png.toString());
    assertEquals(0, cmp.exit, cmp.toString());
    List<String> accs1 = accuracies(tmp.resolve("slow").resolve("history.csv"));
    List<String> accs2 = accuracies(tmp.resolve("fast").resolve("history.csv"));
    String round3 = cmp.out.lines().filter(l -> l.startsWith("round 3 acc")).findFirst().orElseThrow();
    assertTrue(round3.contains(String.format(Locale.ROOT, "%.2f%%", 100 * Double.parseDouble(accs1.get(3))))
        && round3.contains(String.format(Locale.ROOT, "%.2f%%", 100 * Double.parseDouble(accs2.get(3)))), cmp.out);
    assertTrue(cmp.out.lines().anyMatch(l -> l.startsWith("name") && l.contains("slow") && l.contains("fast")), cmp.out);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(1000, img.getWidth());
    // one line per run, in the chart's first two colours
    assertTrue(hasColour(img, 0x1f77b4) && hasColour(img, 0xff7f0e), "both series are drawn");

    Cli export = Cli.run(Simulator.standard(), "runs", "export", "2", "--store", url());
    assertEquals("fast", new ObjectMapper().readTree(export.out).get("name").asText());
  }

  private static boolean hasColour(BufferedImage img, int rgb) {
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xffffff) == rgb) return true;
      }
    }
    return false;
  }

  @Test
  void twoSimulationsAtOnceIntoOneStore() throws Exception {
    Path a = config("left", 6, 0.1);
    Path b = config("right", 6, 0.2);
    CompletableFuture<Cli> left = CompletableFuture.supplyAsync(() -> Cli.run(Simulator.standard(), "simulate", "-c", a.toString(),
        "--output", tmp.resolve("left").toString(), "--store", url(), "--no-chart"));
    CompletableFuture<Cli> right = CompletableFuture.supplyAsync(() -> Cli.run(Simulator.standard(), "simulate", "-c", b.toString(),
        "--output", tmp.resolve("right").toString(), "--store", url(), "--no-chart"));
    assertEquals(0, left.get(300, TimeUnit.SECONDS).exit, left.get().toString());
    assertEquals(0, right.get(300, TimeUnit.SECONDS).exit, right.get().toString());
    try (RunStore store = RunStore.open(url())) {
      List<StoredRun> runs = store.runs();
      assertEquals(2, runs.size());
      for (StoredRun r : runs) {
        assertEquals(RunStatus.FINISHED, r.status());
        assertEquals(6, r.roundsDone());
        List<String> accs = accuracies(tmp.resolve(r.name()).resolve("history.csv"));
        List<RoundRow> rows = store.rounds(r.id());
        for (int i = 0; i <= 6; i++) assertEquals(accs.get(i), String.format(Locale.ROOT, "%.6f", rows.get(i).testAccuracy()));
      }
    }
  }

  @Test
  void aKilledRunKeepsItsCompletedRounds() throws Exception {
    Path f = config("killed", 100_000, 0.1);
    Process p = new ProcessBuilder(Cli.command("simulate", "-c", f.toString(), "--output", tmp.resolve("killed").toString(),
        "--store", url(), "--no-chart")).redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
    int seen = 0;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (seen < 2 && System.nanoTime() < deadline && p.isAlive()) {
        Thread.sleep(200);
        if (Files.exists(tmp.resolve("store").resolve("lianbang.db"))) {
          try (RunStore store = RunStore.open(url())) {
            seen = store.run(1).map(StoredRun::roundsDone).orElse(0);
          }
        }
      }
    } finally {
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    assertTrue(seen >= 2, "the run recorded two rounds in time: " + Files.readString(tmp.resolve("killed.log")));
    try (RunStore store = RunStore.open(url())) {
      StoredRun run = store.run(1).orElseThrow();
      assertEquals(RunStatus.RUNNING, run.status(), "nobody marked the killed run as ended");
      assertTrue(run.roundsDone() >= seen);
      List<RoundRow> rows = store.rounds(1);
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(i, rows.get(i).round());
        assertFalse(Double.isNaN(rows.get(i).testAccuracy()), "round " + i);
      }
    }
    Cli show = Cli.run(Simulator.standard(), "runs", "show", "1", "--store", url());
    assertTrue(show.out.contains("'killed' (simulate), running"), show.out);
  }

  @Test
  void twoExperimentsAreRecordedAndComparedInOneCommand() throws Exception {
    Path base = config("grid", 3, 0.1);
    for (String strategy : List.of("fedavg", "median")) {
      Path grid = Files.writeString(tmp.resolve(strategy + "-grid.yaml"), "base: " + base + "\nseeds: [1]\n"
          + "strategies:\n  - {name: " + strategy + "}\npartitions:\n  - {kind: iid}\n");
      Cli r = Cli.run(Simulator.standard(), "experiment", "-c", grid.toString(), "-o", tmp.resolve(strategy).toString(),
          "--store", url());
      assertEquals(0, r.exit, r.toString());
    }
    Cli list = Cli.run(Simulator.standard(), "runs", "list", "--store", url());
    assertTrue(list.out.lines().anyMatch(l -> l.startsWith("1 ") && l.contains("grid fedavg/iid/seed-1") && l.contains("experiment")
        && l.contains("finished") && l.contains("3/3")), list.out);
    assertTrue(list.out.lines().anyMatch(l -> l.startsWith("2 ") && l.contains("grid median/iid/seed-1")), list.out);
    Path png = tmp.resolve("cmp.png");
    Cli cmp = Cli.run(Simulator.standard(), "runs", "compare", "1", "2", "--store", url(), "--chart", png.toString());
    assertEquals(0, cmp.exit, cmp.toString());
    for (String strategy : List.of("fedavg", "median")) {
      List<String> accs = accuracies(tmp.resolve(strategy).resolve(strategy).resolve("iid").resolve("seed-1").resolve("history.csv"));
      String acc = String.format(Locale.ROOT, "%.2f%%", 100 * Double.parseDouble(accs.get(3)));
      assertTrue(cmp.out.lines().anyMatch(l -> l.startsWith("round 3 acc") && l.contains(acc)), acc + "\n" + cmp.out);
    }
    assertTrue(Files.size(png) > 0);
  }

  @Test
  void aServerRunIsRecordedWithItsParticipantsAndFiles() throws Exception {
    int port = ServerConfigs.freePort();
    Path config = ServerConfigs.write(tmp, "served", port, 2, tmp.resolve("history"), "allow_anonymous: true",
        "strategy: {clients_per_round: 3, evaluate_clients_per_round: 3}", "store: {url: '" + url() + "'}");
    List<Cli> runs = ThreeSites.deploy(config, port, 90);
    assertEquals(0, runs.get(0).exit, runs.get(0).toString());
    assertTrue(runs.get(0).out.contains("store: run 1 in " + url()), runs.get(0).out);
    JsonNode json = new ObjectMapper().readTree(Cli.run(Simulator.standard(), "runs", "export", "1", "--store", url()).out);
    assertEquals("served", json.get("name").asText());
    assertEquals("server", json.get("kind").asText());
    assertEquals("finished", json.get("status").asText());
    assertEquals(2, json.get("rounds_done").asInt());
    assertFalse(json.get("config_yaml").asText().contains("store"), "the store's URL is not part of the run's configuration");
    List<String> csv = Files.readAllLines(tmp.resolve("history").resolve("history.csv"));
    JsonNode rounds = json.get("rounds");
    assertEquals(csv.size() - 1, rounds.size(), "a row per line of history.csv");
    for (int i = 0; i < rounds.size(); i++) {
      JsonNode row = rounds.get(i);
      String[] cells = csv.get(i + 1).split(",", -1);
      int round = Integer.parseInt(cells[0]);
      assertEquals(round, row.get("round").asInt());
      assertEquals(cells[8], String.format(Locale.ROOT, "%.6f", row.get("fed_accuracy").asDouble()), "fed_accuracy of round " + round);
      assertEquals(Long.parseLong(cells[12]), row.get("total_uplink_bytes").asLong());
    }
    List<String> clients = new java.util.ArrayList<>();
    json.get("participants").forEach(p -> clients.add(p.get("round").asInt() + ":" + p.get("client_id").asText()));
    assertTrue(clients.containsAll(List.of("1:site-0", "1:site-1", "1:site-2", "2:site-0", "2:site-1", "2:site-2")), clients.toString());
    assertTrue(json.get("files").toString().contains("history.json"), json.get("files").toString());
  }

  @Test
  void aServerThatCannotStartIsRecordedAsFailed() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Path config = ServerConfigs.write(tmp, "busy", port, 2, tmp.resolve("history"), "allow_anonymous: true",
          "store: {url: '" + url() + "'}");
      Cli r = Cli.run(Simulator.standard(), "server", "--config", config.toString());
      assertEquals(2, r.exit, r.toString());
      try (RunStore store = RunStore.open(url())) {
        StoredRun run = store.run(1).orElseThrow();
        assertEquals(RunStatus.FAILED, run.status());
        assertEquals("server", run.kind());
        assertTrue(r.err.contains(run.error()), run.error() + " / " + r.err);
        assertEquals(0, run.roundsDone());
      }
    }
  }

  @Test
  void aBadStoreUrlIsRefusedBeforeTheRunAndLeavesNothing() throws Exception {
    Cli r = Cli.run(Simulator.standard(), "simulate", "-c", config("bad", 2, 0.1).toString(), "--output", tmp.resolve("bad").toString(),
        "--store", "runs.db");
    r.assertBadInput("store.url must be a JDBC URL such as jdbc:sqlite:runs/lianbang.db, got 'runs.db'");
    assertFalse(Files.exists(tmp.resolve("bad")));
  }

  @Test
  void theStoreCanBeTurnedOff() throws Exception {
    Cli r = Cli.run(Simulator.standard(), "simulate", "-c", config("off", 2, 0.1).toString(), "--output", tmp.resolve("off").toString(),
        "--store", url(), "--no-store", "--no-chart");
    assertEquals(0, r.exit, r.toString());
    assertFalse(Files.exists(tmp.resolve("store")));
    Cli list = Cli.run(Simulator.standard(), "runs", "list", "--store", url());
    assertEquals(0, list.exit);
    assertTrue(list.out.startsWith("no runs in " + url()), list.out);
    assertFalse(Files.exists(tmp.resolve("store")), "reading creates no store");
    Cli.run(Simulator.standard(), "runs", "show", "7", "--store", url()).assertBadInput("--store: no run store at");
  }

  @Test
  void aRunNotInTheStoreIsNamed() throws Exception {
    simulate("one", 1, 0.1);
    Cli.run(Simulator.standard(), "runs", "show", "7", "--store", url()).assertBadInput("run 7 is not in the run store");
    Cli.run(Simulator.standard(), "runs", "compare", "1", "--store", url()).assertBadInput("ID");
  }
}
