package io.lianbang.privacy.paillier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.ClientResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.privacy.TargetClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PaillierAggregationTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int DIM = 20;

  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static List<TargetClient> targets(int n) {
    SplittableRandom rng = new SplittableRandom(3);
    List<TargetClient> out = new ArrayList<>();
    for (int c = 0; c < n; c++) {
      float[] target = new float[DIM];
      for (int i = 0; i < DIM; i++) target[i] = (float) (3 * rng.nextGaussian());
      out.add(new TargetClient(target, 1 + rng.nextInt(500)));
    }
    return out;
  }

  private RunResult run(LocalKeyHolder holder, int n, List<PaillierRound> rounds) throws InterruptedException {
    List<ClientProxy> proxies = new ArrayList<>();
    Map<String, PaillierClient> encrypting = new TreeMap<>();
    List<TargetClient> clients = targets(n);
    for (int c = 0; c < n; c++) {
      Client client = clients.get(c);
      String id = "c" + (100 + c);
      if (holder != null) {
        PaillierClient p = new PaillierClient(client, holder.publicKey(), RANDOM);
        encrypting.put(id, p);
        client = p;
      }
      proxies.add(new LocalClientProxy(id, client, pool));
    }
    Strategy strategy = FedAvg.builder().minFitClients(4).minAvailableClients(n).fractionFit(0).build();
    if (holder != null) {
      strategy = new PaillierAggregation(strategy, holder, new InProcessPaillierTransport(encrypting, pool),
          Duration.ofSeconds(30), rounds::add);
    }
    return new Federation(strategy, new StaticClientPool(proxies), FederationConfig.of(4, 42), List.of())
        .run(Parameters.of(Tensor.zeros(DIM)));
  }

  @Test
  void fedAvgOverPaillierCiphertextsMatchesPlainFedAvg() throws InterruptedException {
    List<PaillierRound> rounds = new ArrayList<>();
    LocalKeyHolder holder = LocalKeyHolder.generate(512, 2, RANDOM);
    RunResult plain = run(null, 8, rounds);
    RunResult encrypted = run(holder, 8, rounds);
    float[] a = plain.parameters().flatten();
    float[] b = encrypted.parameters().flatten();
    for (int i = 0; i < a.length; i++) {
      // Both compute the same real number (global + Σ w·Δ / Σ w) and round it to float32; the
      // fixed-point error (4·2^-41 / Σ w) is far below one ulp, so at most the rounding differs.
      assertTrue(Math.abs(a[i] - b[i]) <= Math.ulp(a[i]), "parameter " + i + ": " + a[i] + " vs " + b[i]);
    }
    assertEquals(4.0, encrypted.history().last().fitMetrics().get("paillier_clients").orElseThrow());
    assertEquals(4, rounds.size());
    for (PaillierRound r : rounds) {
      assertTrue(r.released());
      // 22 ciphertexts of 2·512 bits each.
      r.bytesUp().values().forEach(bytes -> assertEquals(22L * 128, bytes));
    }
  }

  @Test
  void aClientWhoseCiphertextNeverArrivesIsLeftOutOfTheMean() throws InterruptedException {
    LocalKeyHolder holder = LocalKeyHolder.generate(512, 2, RANDOM);
    List<TargetClient> clients = targets(5);
    Map<String, PaillierClient> encrypting = new TreeMap<>();
    List<ClientProxy> proxies = new ArrayList<>();
    for (int c = 0; c < 5; c++) {
      PaillierClient p = new PaillierClient(clients.get(c), holder.publicKey(), RANDOM);
      encrypting.put("c" + c, p);
      proxies.add(new LocalClientProxy("c" + c, p, pool));
    }
    InProcessPaillierTransport inner = new InProcessPaillierTransport(encrypting, pool);
    PaillierTransport silentC3 = (id, round, length, deadline) -> id.equals("c3") ? new CompletableFuture<>() : inner.collect(id, round, length, deadline);
    List<PaillierRound> rounds = new ArrayList<>();
    Strategy strategy = new PaillierAggregation(FedAvg.builder().minFitClients(5).minAvailableClients(5).build(),
        holder, silentC3, Duration.ofMillis(300), rounds::add);
    RunResult r = new Federation(strategy, new StaticClientPool(proxies), FederationConfig.of(1, 7), List.of())
        .run(Parameters.of(Tensor.zeros(DIM)));
    double[] expected = new double[DIM];
    long total = 0;
    for (int c = 0; c < 5; c++) {
      if (c == 3) continue;
      TargetClient t = clients.get(c);
      for (int i = 0; i < DIM; i++) expected[i] += t.examples() * 0.5 * t.target()[i];
      total += t.examples();
    }
    float[] got = r.parameters().flatten();
    for (int i = 0; i < DIM; i++) assertEquals(expected[i] / total, got[i], 1e-5, "parameter " + i);
    assertEquals(List.of("c0", "c1", "c2", "c4"), rounds.get(0).contributors());
    assertTrue(rounds.get(0).dropped().get("c3").contains("deadline"), rounds.get(0).dropped().toString());
    assertEquals(1.0, r.history().last().fitMetrics().get("paillier_dropped").orElseThrow());
  }

  @Test
  void keyHolderReleasesOneAggregatePerRoundAndNeverASingleUpdate() {
    LocalKeyHolder holder = LocalKeyHolder.generate(512, 2, RANDOM);
    FixedPointEncoding enc = new FixedPointEncoding(holder.publicKey(), PaillierClient.FRACTION_BITS);
    float[] global = {1, 2, 3};
    EncryptedVector one = EncryptedVector.encrypt(holder.publicKey(), enc,
        PaillierClient.contribution(global, new float[] {2, 2, 2}, 10), RANDOM);
    EncryptedVector two = EncryptedVector.encrypt(holder.publicKey(), enc,
        PaillierClient.contribution(global, new float[] {0, 2, -1}, 30), RANDOM);
    IllegalStateException single = assertThrows(IllegalStateException.class, () -> holder.decryptMean(1, one));
    assertTrue(single.getMessage().contains("1.0 contributions") && single.getMessage().contains("at least 2"), single.getMessage());

    PaillierKeyHolder.WeightedMean m = holder.decryptMean(1, one.plus(two));
    assertEquals(40.0, m.totalWeight(), 1e-9);
    assertEquals(2, m.contributions());
    assertEquals((10 * 1.0 + 30 * -1.0) / 40, m.meanUpdate()[0], 1e-12);
    assertEquals(0.0, m.meanUpdate()[1], 1e-12);
    assertEquals((10 * -1.0 + 30 * -4.0) / 40, m.meanUpdate()[2], 1e-12);

    IllegalStateException again = assertThrows(IllegalStateException.class, () -> holder.decryptMean(1, two.plus(one)));
    assertTrue(again.getMessage().contains("already released the aggregate of round 1"), again.getMessage());
    LocalKeyHolder other = LocalKeyHolder.generate(512, 2, RANDOM);
    assertThrows(IllegalArgumentException.class, () -> other.decryptMean(2, one.plus(two)));
  }

  @Test
  void ciphertextsRevealNothingToTheServerWithoutTheKey() throws InterruptedException {
    // The only things a PaillierClient returns to the federation are receipts echoing the model it
    // was sent; its contribution decrypts only under the key holder's private key.
    LocalKeyHolder holder = LocalKeyHolder.generate(512, 2, RANDOM);
    TargetClient t = targets(1).get(0);
    PaillierClient p = new PaillierClient(t, holder.publicKey(), RANDOM);
    Parameters global = Parameters.of(Tensor.zeros(DIM));
    FitResult receipt = p.fit(new FitTask(3, global, Config.empty().with(PaillierAggregation.CONFIG_KEY, true), 1));
    assertEquals(global, receipt.parameters());
    assertEquals(1, receipt.numExamples());
    assertTrue(receipt.metrics().isEmpty());
    EncryptedVector c = p.take(3);
    assertThrows(IllegalStateException.class, () -> p.take(3));
    assertEquals(DIM + 2, c.size());
    // The same contribution encrypted twice gives different ciphertexts (randomised encryption).
    EncryptedVector again = EncryptedVector.encrypt(holder.publicKey(), new FixedPointEncoding(holder.publicKey(), PaillierClient.FRACTION_BITS),
        PaillierClient.contribution(global.flatten(), t.fit(new FitTask(3, global, Config.empty(), 1)).parameters().flatten(), t.examples()), RANDOM);
    for (int i = 0; i < c.size(); i++) assertFalse(c.ciphertexts().get(i).equals(again.ciphertexts().get(i)));
  }

  @Test
  void refusesStrategiesThatNeedIndividualUpdates() {
    Strategy median = new Strategy() {
      @Override public int minAvailableClients() { return 1; }
      @Override public List<ClientInstruction> configureFit(int r, Parameters g, List<String> a, SplittableRandom rng) { return List.of(); }
      @Override public FitAggregation beginFit(RoundContext c) { return null; }
      @Override public List<ClientInstruction> configureEvaluate(int r, Parameters g, List<String> a, SplittableRandom rng) { return List.of(); }
      @Override public Optional<EvalResult> aggregateEvaluate(int r, List<ClientResult<EvalResult>> res, List<ClientFailure> f) { return Optional.empty(); }
      @Override public Optional<EvalResult> evaluate(int r, Parameters g) { return Optional.empty(); }
      @Override public String toString() { return "TrimmedMean"; }
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PaillierAggregation(
        median, LocalKeyHolder.generate(512, 2, RANDOM), (id, r, l, d) -> null, Duration.ofSeconds(1), null));
    assertTrue(e.getMessage().startsWith("Paillier aggregation cannot wrap strategy TrimmedMean"), e.getMessage());
  }
}
