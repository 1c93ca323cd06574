package io.lianbang.cli;

import static io.lianbang.cli.ServerConfigs.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.federation.CheckpointFile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paillier aggregation in deployment: {@code lianbang keyholder} in a JVM of its own, a
 * {@code lianbang server} with {@code privacy.paillier} that dials it and three
 * {@code lianbang client --paillier} over loopback (512-bit key, logistic:30 on breast-cancer)
 * end with the model of the same run without privacy, within the fixed-point bound
 * m·2^−41/Σw per coordinate and round plus float32 rounding.
 */
class PaillierDeploymentTest {
  private static final int ROUNDS = 2;
  private static final Pattern PORT = Pattern.compile("key holder listening on .* \\(port (\\d+)\\)");

  @TempDir Path dir;

  private static Cli run(String... args) {
    return Cli.run(io.lianbang.cli.run.Simulator.standard(), args);
  }

  /** Runs the server (with {@code privacy} lines) and three clients with {@code clientFlags}; returns the final model. */
  private float[] deploy(String name, List<String> privacy, String... clientFlags) throws Exception {
    int port = freePort();
    List<String> lines = new ArrayList<>(List.of("allow_anonymous: true", "strategy: {clients_per_round: 3, evaluate_clients_per_round: 3}", "seed: 42", "normalize: local",
        "checkpoint: " + dir.resolve(name + ".ckpt")));
    lines.addAll(privacy);
    Path config = ServerConfigs.write(dir, name, port, ROUNDS, dir.resolve(name), lines.toArray(String[]::new));
    List<Cli> runs = ThreeSites.deploy(config, port, 180, clientFlags);
    Cli s = runs.get(0);
    assertEquals(0, s.exit, s.toString());
    assertTrue(s.out.contains("round  2/2  clients 3/3"), s.toString());
    ThreeSites.assertClientsDone(runs, "done after 2 training");
    return new CheckpointFile(dir.resolve(name + ".ckpt")).read().orElseThrow().parameters().flatten();
  }

  @Test
  void aKeyHolderProcessGivesPlainFedAvgWithinTheFixedPointBound() throws Exception {
    float[] plain = deploy("plain", List.of());

    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "keyholder", "--listen", "127.0.0.1:0", "--key-bits", "512", "--max-length", "33");
    Process holder = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread pump = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) lines.add(line);
        } catch (java.io.IOException e) {
          // the process ended
        }
      });
      pump.setDaemon(true);
      pump.start();
      int holderPort = -1;
      List<String> seen = new ArrayList<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (holderPort < 0) {
        String line = lines.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) throw new AssertionError("the key holder did not start within 60 s: " + seen);
        seen.add(line);
        Matcher m = PORT.matcher(line);
        if (m.find()) holderPort = Integer.parseInt(m.group(1));
      }

      float[] encrypted = deploy("paillier", List.of("privacy: {paillier: {enabled: true, key_bits: 512}}",
          "key_holder: {address: 127.0.0.1:" + holderPort + "}"), "--paillier");

      // Σw: the training examples of the three clients (breast-cancer, 569 rows, split in 3, 20 % held out each).
      double sumWeights = 3 * 100; // a lower bound on Σw, which makes the bound looser, never tighter
      double bound = ROUNDS * 3 * Math.scalb(1.0, -41) / sumWeights;
      assertEquals(plain.length, encrypted.length);
      for (int i = 0; i < plain.length; i++) {
        double tolerance = bound + 4 * Math.ulp(plain[i]);
        assertTrue(Math.abs(plain[i] - encrypted[i]) <= tolerance,
            "coordinate " + i + ": " + encrypted[i] + " vs plain FedAvg " + plain[i] + ", tolerance " + tolerance);
      }
    } finally {
      holder.destroy();
      if (!holder.waitFor(10, TimeUnit.SECONDS)) holder.destroyForcibly();
    }
  }

  /** The server refuses what simulate refuses, with the same messages, and a key holder it cannot use. */
  @Test
  void theServerRefusesInvalidPaillierSettingsNamingTheKey() throws Exception {
    String holder = "\nkey_holder: {address: 127.0.0.1:1}";
    String on = "privacy: {paillier: {enabled: true, key_bits: 512";
    String[][] cases = {
        {on + "}, secagg: {enabled: true}}" + holder, "privacy.secagg.enabled and privacy.paillier.enabled cannot both be true"},
        {on + "}, dp: {mode: server, noise_multiplier: 1.0, clip: 1.0}}" + holder,
            "privacy.dp.mode server cannot be combined with privacy.paillier.enabled true"},
        {on + "}}\nstrategy: {name: median}" + holder, "privacy.paillier cannot wrap strategy"},
        {"privacy: {paillier: {enabled: true}}", "key_holder.address must be set"},
        {"privacy: {paillier: {enabled: true}}\nkey_holder: {address: 192.0.2.1:7070}", "key_holder.ca must be set for key holder 192.0.2.1:7070"},
        {on + "}}\nnormalize: federated" + holder, "cannot be combined with privacy.paillier.enabled true: the statistics round"},
        {on + "}}" + holder, "cannot reach the key holder at key_holder.address 127.0.0.1:1"},
    };
    for (String[] c : cases) {
      String privacy = c[0].contains("normalize") ? c[0] : c[0] + "\nnormalize: local";
      Path config = ServerConfigs.write(dir, "bad", freePort(), 1, dir.resolve("bad"), "allow_anonymous: true", privacy);
      Cli r = run("server", "--config", config.toString());
      assertEquals(2, r.exit, c[0] + ": " + r);
      assertTrue(r.err.contains(c[1]), c[0] + ": " + r.err);
    }
  }
}
