package io.lianbang.core.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FedAvgM;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.strategy.robust.NormBounded;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import io.lianbang.core.compress.Codecs;
import io.lianbang.core.compress.CompressingClientProxy;
import io.lianbang.core.compress.Compression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(3);
  @TempDir Path dir;

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
  }

  /** Moves every value towards a client-specific target with seed-dependent noise. */
  private static Client noisy(int index) {
    return new Client() {
      @Override
      public FitResult fit(FitTask task) {
        SplittableRandom rng = new SplittableRandom(task.seed());
        float[] w = task.parameters().flatten();
        for (int i = 0; i < w.length; i++) w[i] += 0.3f * (index - w[i]) + (float) rng.nextGaussian() * 0.01f;
        return new FitResult(Parameters.of(Tensor.vector(w)), 10 + index, Metrics.of("train_loss", w[0]));
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        return new EvalResult(task.parameters().tensor(0).get(0), 5, Metrics.empty());
      }
    };
  }

  private static FedAvg.Builder settings() {
    return FedAvg.builder().minFitClients(2).minAvailableClients(3).fractionFit(0.67).fractionEvaluate(1);
  }

  private Federation federation(int rounds, CheckpointFile file) {
    return federation(settings().build(), rounds, file);
  }

  private Federation federation(Strategy strategy, int rounds, CheckpointFile file) {
    return federation(strategy, rounds, file, Map.of());
  }

  private Federation federation(Strategy strategy, int rounds, CheckpointFile file, Map<String, String> run) {
    List<ClientProxy> proxies = new ArrayList<>();
    for (int i = 0; i < 3; i++) proxies.add(new LocalClientProxy("c" + i, noisy(i), pool));
    return new Federation(strategy, new StaticClientPool(proxies), FederationConfig.of(rounds, 99), List.of(), file, run);
  }

  @Test
  void aDecoratedStatefulStrategyResumesWithItsState() throws Exception {
    Parameters initial = Parameters.of(Tensor.vector(0.5f, -1f, 2f), Tensor.zeros(2, 2));
    RunResult reference = federation(new NormBounded(FedAvgM.builder().settings(settings()).serverLr(1.0).momentum(0.9).build(),
        100), 4, null).run(initial);

    CheckpointFile file = new CheckpointFile(dir.resolve("momentum.ckpt"));
    federation(new NormBounded(FedAvgM.builder().settings(settings()).serverLr(1.0).momentum(0.9).build(), 100), 2, file)
        .run(initial);
    assertTrue(file.read().orElseThrow().strategyState().length > 0, "the server momentum is in the checkpoint");
    RunResult resumed = federation(new NormBounded(FedAvgM.builder().settings(settings()).serverLr(1.0).momentum(0.9).build(),
        100), 4, file).run(initial);

    assertArrayEquals(reference.parameters().flatten(), resumed.parameters().flatten());
  }

  @Test
  void resumedRunEqualsUninterruptedRunBitForBit() throws Exception {
    Parameters initial = Parameters.of(Tensor.vector(0.5f, -1f, 2f), Tensor.zeros(2, 2));
    RunResult reference = federation(4, null).run(initial);

    CheckpointFile file = new CheckpointFile(dir.resolve("run.ckpt"));
    federation(2, file).run(initial);
    assertEquals(2, file.read().orElseThrow().round());
    RunResult resumed = federation(4, file).run(Parameters.of(Tensor.vector(9, 9, 9), Tensor.zeros(2, 2)));

    assertArrayEquals(reference.parameters().flatten(), resumed.parameters().flatten());
    assertEquals(reference.history().withoutTiming(), resumed.history().withoutTiming());
    assertEquals(4, file.read().orElseThrow().round());
  }

  @Test
  void aDeltaBroadcastResumesItsChainOfDifferences() throws Exception {
    Compression compression = new Compression(Codecs.create("int8", Map.of()), false, Codecs.create("int4", Map.of()), true);
    Parameters initial = Parameters.of(Tensor.vector(0.5f, -1f, 2f, 0.25f, 3f, -0.75f, 1f));
    RunResult reference = compressed(4, null, compression).run(initial);

    CheckpointFile file = new CheckpointFile(dir.resolve("delta.ckpt"));
    compressed(2, file, compression).run(initial);
    Checkpoint saved = file.read().orElseThrow();
    assertEquals(2, saved.broadcastRound(), "the start the next difference is to");
    RunResult resumed = compressed(4, file, compression).run(initial);

    assertArrayEquals(reference.parameters().flatten(), resumed.parameters().flatten());
    assertTrue(reference.history().rounds().stream().allMatch(r -> r.failures().isEmpty()), "every client trained every round");
    // without the saved start, the first round after the restart would send the model itself
    CheckpointFile bare = new CheckpointFile(dir.resolve("bare.ckpt"));
    bare.write(new Checkpoint(saved.seed(), saved.rounds(), saved.round(), saved.parameters(), saved.history(), saved.strategyState(),
        saved.run()));
    RunResult restarted = compressed(4, bare, compression).run(initial);
    assertFalse(Arrays.equals(reference.parameters().flatten(), restarted.parameters().flatten()), "the saved start matters");
  }

  private Federation compressed(int rounds, CheckpointFile file, Compression compression) {
    List<ClientProxy> proxies = new ArrayList<>();
    for (int i = 0; i < 3; i++) proxies.add(new CompressingClientProxy(new LocalClientProxy("c" + i, noisy(i), pool)));
    return new Federation(settings().build(), new StaticClientPool(proxies), FederationConfig.of(rounds, 99).withCompression(compression),
        List.of(), file);
  }

  @Test
  void roundTripsEveryField() throws Exception {
    RoundRecord r = new RoundRecord(3, 4, 3, List.of(new ClientFailure("x", ClientFailure.Kind.TIMEOUT, "late ü")), true,
        Metrics.of("train_loss", 0.25), Optional.of(new EvalResult(0.5, 7, Metrics.of("accuracy", 0.9))), Optional.empty(), 1.5);
    Checkpoint c = new Checkpoint(-7, 5, 3, Parameters.of(Tensor.of(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, Float.MIN_VALUE}), Tensor.zeros(0)),
        new History(List.of(r)), new byte[] {1, 2, 3});
    CheckpointFile file = new CheckpointFile(dir.resolve("sub/c.ckpt"));
    assertTrue(file.read().isEmpty());
    file.write(c);
    Checkpoint back = file.read().orElseThrow();
    assertEquals(c.seed(), back.seed());
    assertEquals(c.rounds(), back.rounds());
    assertEquals(c.round(), back.round());
    assertEquals(c.parameters(), back.parameters());
    assertEquals(c.history(), back.history());
    assertArrayEquals(c.strategyState(), back.strategyState());
    try (var files = Files.list(dir.resolve("sub"))) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void rejectsDamagedTruncatedAndForeignFiles() throws Exception {
    CheckpointFile file = new CheckpointFile(dir.resolve("c.ckpt"));
    file.write(new Checkpoint(1, 2, 1, Parameters.of(Tensor.vector(1, 2, 3)), new History(List.of()), new byte[0]));
    byte[] good = Files.readAllBytes(file.path());

    byte[] flipped = good.clone();
    flipped[40] ^= 1; // inside the tensor values
    Files.write(file.path(), flipped);
    assertTrue(assertThrows(UncheckedIOException.class, file::read).getMessage().contains("checksum"));

    Files.write(file.path(), java.util.Arrays.copyOf(good, good.length - 5));
    assertTrue(assertThrows(UncheckedIOException.class, file::read).getMessage().contains("truncated"));

    byte[] future = good.clone();
    future[7] = 9;
    Files.write(file.path(), future);
    assertTrue(assertThrows(UncheckedIOException.class, file::read).getMessage().contains("version 9"));

    Files.writeString(file.path(), "hello world, not a checkpoint");
    assertTrue(assertThrows(UncheckedIOException.class, file::read).getMessage().contains("not a Lianbang checkpoint"));
  }

  @Test
  void refusesACheckpointOfAnotherSeed() throws Exception {
    CheckpointFile file = new CheckpointFile(dir.resolve("c.ckpt"));
    file.write(new Checkpoint(12345, 4, 1, Parameters.of(Tensor.vector(1, 2, 3)), new History(List.of()), new byte[0]));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> federation(4, file).run(Parameters.of(Tensor.vector(1, 2, 3))));
    assertTrue(e.getMessage().contains("seed: 12345 in the checkpoint, 99 now"), e.getMessage());
  }

  @Test
  void refusesACheckpointOfAnotherConfigurationNamingEachDifference() throws Exception {
    Parameters initial = Parameters.of(Tensor.vector(0.5f, -1f, 2f));
    CheckpointFile file = new CheckpointFile(dir.resolve("c.ckpt"));
    Map<String, String> run = Map.of("model", "logistic:3", "training.learning_rate", "0.1", "strategy.name", "fedavg");
    federation(settings().build(), 1, file, run).run(initial);
    assertEquals(new TreeMap<>(run), file.read().orElseThrow().run(), "the description is stored");
    byte[] before = Files.readAllBytes(file.path());

    Map<String, String> other = Map.of("model", "logistic:3", "training.learning_rate", "0.05", "strategy.params.mu", "0.01",
        "strategy.name", "fedavg");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> federation(settings().build(), 3, file, other).run(initial));
    assertTrue(e.getMessage().contains("is of another run (strategy.params.mu: unset in the checkpoint, 0.01 now; "
        + "training.learning_rate: 0.1 in the checkpoint, 0.05 now)"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(file.path()), "the checkpoint is untouched");

    assertEquals(3, federation(settings().build(), 3, file, run).run(initial).history().last().round(), "the same run resumes");
  }

  @Test
  void aCompleteRunSaysSoAndCanBeExtended() throws Exception {
    Parameters initial = Parameters.of(Tensor.vector(0.5f, -1f, 2f));
    CheckpointFile file = new CheckpointFile(dir.resolve("c.ckpt"));
    federation(2, file).run(initial);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> federation(2, file).run(initial));
    assertTrue(e.getMessage().contains("this run is already complete (2 of 2 rounds)"), e.getMessage());
    assertEquals(3, federation(3, file).run(initial).history().last().round());
  }

  @Test
  void takesStringsOfAnyLengthAndUnicode() throws Exception {
    String longMessage = "é".repeat(70_000); // 140,000 UTF-8 bytes: more than writeUTF takes
    String id = "клиент-" + "x".repeat(70_000);
    RoundRecord r = new RoundRecord(1, 1, 0, List.of(new ClientFailure(id, ClientFailure.Kind.ERROR, longMessage)), false,
        Metrics.of("m".repeat(70_000), 1), Optional.empty(), Optional.empty(), 0.5);
    Checkpoint c = new Checkpoint(1, 2, 1, Parameters.of(Tensor.vector(1)), new History(List.of(r)), new byte[0],
        new TreeMap<>(Map.of("model", "ü".repeat(40_000))));
    CheckpointFile file = new CheckpointFile(dir.resolve("c.ckpt"));
    file.write(c);
    Checkpoint back = file.read().orElseThrow();
    assertEquals(c.history(), back.history());
    assertEquals(c.run(), back.run());
  }

  /** Offsets in a checkpoint of {@link #small}: magic, version, seed, rounds, round, then the description count. */
  private static final int RUN_COUNT = 4 + 4 + 8 + 4 + 4;

  private static Checkpoint small() {
    return new Checkpoint(1, 2, 1, Parameters.of(Tensor.vector(1, 2, 3)), new History(List.of()), new byte[] {7},
        new TreeMap<>(Map.of("model", "linear:3")));
  }

  @Test
  void craftedLengthFieldsAreRefusedBeforeAllocating() throws Exception {
    CheckpointFile file = new CheckpointFile(dir.resolve("c.ckpt"));
    file.write(small());
    byte[] good = Files.readAllBytes(file.path());
    int keyLength = RUN_COUNT + 4;
    int valueLength = keyLength + 4 + "model".length();
    int parameterCount = valueLength + 4 + "linear:3".length();
    int rank = parameterCount + 4;
    int dimension = rank + 4;
    for (int[] craft : new int[][] {{RUN_COUNT, Integer.MAX_VALUE}, {keyLength, Integer.MAX_VALUE - 8}, {valueLength, -5},
        {parameterCount, 1 << 30}, {rank, 1 << 29}, {dimension, Integer.MAX_VALUE - 9}}) {
      byte[] bad = good.clone();
      java.nio.ByteBuffer.wrap(bad).putInt(craft[0], craft[1]);
      Files.write(file.path(), bad);
      UncheckedIOException e = assertThrows(UncheckedIOException.class, file::read, "length " + craft[1] + " at " + craft[0]);
      assertTrue(e.getMessage().contains("is unusable") && (e.getMessage().contains("left: the file is damaged")
          || e.getMessage().contains("negative length -5")), e.getMessage());
    }
  }
}
