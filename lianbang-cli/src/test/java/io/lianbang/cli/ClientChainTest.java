package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.client.Client;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.client.EngineClient;
import io.lianbang.engine.client.StandardizingClient;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.privacy.paillier.EncryptedVector;
import io.lianbang.privacy.paillier.PaillierClient;
import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.privacy.secagg.InProcessSecAggTransport;
import io.lianbang.privacy.secagg.SecAggClient;
import io.lianbang.privacy.secagg.SecAggParams;
import io.lianbang.privacy.secagg.SecAggParticipant;
import io.lianbang.privacy.secagg.SecAggResult;
import io.lianbang.privacy.secagg.SecAggServer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The order in which {@code lianbang client} applies a task's keys ({@link ClientCommand#chain}):
 * secure or Paillier aggregation around DP around scaling around training, observed by values. What
 * is encrypted or masked is the update of training on the federation-scaled features, clipped to
 * {@code dp_clip}, with the weight 1 that DP clipping reports; the reference trains an engine client
 * on features scaled by hand and clips by hand.
 */
class ClientChainTest {
  private static final ModelSpec SPEC = ModelSpec.parse("linear:2");
  private static final double CLIP = 0.01;
  /** Powers of two as divisors, so scaling by hand is exact whichever way it is computed. */
  private static final float[] MEAN = {100f, -50f};
  private static final float[] STD = {4f, 2f};
  private static final int EXAMPLES = 40;

  /** Raw features far from zero; the target is linear in the scaled features. */
  private static Dataset data(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[EXAMPLES * 2];
    float[] y = new float[EXAMPLES];
    for (int i = 0; i < EXAMPLES; i++) {
      float z1 = (float) r.nextGaussian();
      float z2 = (float) r.nextGaussian();
      x[2 * i] = MEAN[0] + STD[0] * z1;
      x[2 * i + 1] = MEAN[1] + STD[1] * z2;
      y[i] = 3 * z1 - 2 * z2 + 1;
    }
    return Dataset.regression(x, new int[] {2}, y, 1);
  }

  private static Dataset scaledByHand(Dataset d) {
    float[] x = d.features().clone();
    for (int i = 0; i < x.length; i++) x[i] = (x[i] - MEAN[i % 2]) / STD[i % 2];
    return d.withFeatures(x);
  }

  private static Config training() {
    return Config.of(Map.of("lr", 0.05, "local_epochs", 2L, "batch_size", 8L));
  }

  /** The task the chain gets: training, federated scaling, client-side DP and {@code aggregation}. */
  private static FitTask task(Parameters global, long seed, String aggregation) {
    Config c = training().with("normalize", "federated").with("normalize_mean", "100,-50").with("normalize_std", "4,2")
        .with("dp_clip", CLIP).with(aggregation, true);
    return new FitTask(1, global, c, seed);
  }

  /** The update of an engine client trained on {@code d} as they are, clipped to {@link #CLIP} by hand. */
  private static float[] clippedUpdate(Dataset d, Parameters global, long seed, boolean mustClip) {
    FitResult trained = new EngineClient(SPEC, d, d, 1).fit(new FitTask(1, global, training(), seed));
    float[] u = ParameterMath.subtractFlat(trained.parameters(), global);
    double norm = 0;
    for (float v : u) norm += (double) v * v;
    norm = Math.sqrt(norm);
    if (mustClip) assertTrue(norm > 10 * CLIP, "the update must be clipped for the test to see it, norm " + norm);
    for (int i = 0; i < u.length; i++) u[i] = (float) (u[i] * (CLIP / norm));
    return u;
  }

  private static StandardizingClient engine(Dataset d) {
    return new StandardizingClient(SPEC, d, null, 1, null);
  }

  @Test
  void paillierEncryptsTheClippedUpdateOfTrainingOnScaledFeaturesWithWeightOne() {
    Parameters global = Models.create(SPEC, Init.PYTORCH_DEFAULT, 3).parameters();
    Dataset d = data(1);
    Client outer = ClientCommand.chain(engine(d), "site-a", false, false, true).outer();
    PaillierClient paillier = (PaillierClient) outer;

    FitResult receipt = outer.fit(task(global, 77, "paillier"));
    assertEquals(global, receipt.parameters());
    assertEquals(1, receipt.numExamples());

    PaillierKeyPair keys = PaillierKeyPair.generate(256, new SecureRandom());
    EncryptedVector encrypted = paillier.take(1, keys.publicKey(), -1);
    // protocol.md: multiples of 2^-40 taken mod n, negative values in the upper half
    BigInteger n = keys.publicKey().n();
    double[] plain = new double[encrypted.size()];
    for (int i = 0; i < plain.length; i++) {
      BigInteger m = keys.privateKey().decrypt(encrypted.ciphertexts().get(i));
      if (m.compareTo(n.shiftRight(1)) > 0) m = m.subtract(n);
      plain[i] = new BigDecimal(m).divide(new BigDecimal(BigInteger.ONE.shiftLeft(40))).doubleValue();
    }

    float[] expected = clippedUpdate(scaledByHand(d), global, 77, true);
    assertEquals(expected.length + 2, plain.length);
    for (int i = 0; i < expected.length; i++) assertEquals(expected[i], plain[i], 1e-6, "encrypted update[" + i + "]");
    assertEquals(1.0, plain[expected.length], 1e-9, "the weight DP clipping reports");
    assertEquals(1.0, plain[expected.length + 1], 1e-9, "the count");

    float[] unscaled = clippedUpdate(d, global, 77, false);
    double apart = 0;
    for (int i = 0; i < unscaled.length; i++) apart = Math.max(apart, Math.abs(unscaled[i] - plain[i]));
    assertTrue(apart > 1e-4, "training on unscaled features would give another update, max difference " + apart);
  }

  @Test
  void secureAggregationMasksTheClippedUpdatesOfTrainingOnScaledFeaturesWithWeightOne() throws Exception {
    Parameters global = Models.create(SPEC, Init.PYTORCH_DEFAULT, 5).parameters();
    Map<String, SecAggParticipant> participants = new LinkedHashMap<>();
    List<float[]> expected = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      Dataset d = data(10 + k);
      Client outer = ClientCommand.chain(engine(d), "site-" + k, false, true, false).outer();
      FitResult receipt = outer.fit(task(global, 100 + k, "secagg"));
      assertEquals(global, receipt.parameters());
      assertEquals(1, receipt.numExamples());
      participants.put("site-" + k, ((SecAggClient) outer).participant());
      expected.add(clippedUpdate(scaledByHand(d), global, 100 + k, true));
    }
    int dimension = expected.get(0).length;
    double[] mean = new double[dimension];
    for (float[] u : expected) for (int i = 0; i < dimension; i++) mean[i] += u[i] / 3.0;

    // max_weight 10: weight 1 (DP) enters as 0.1, the 40 examples of an unclipped answer as 1
    SecAggParams params = new SecAggParams(0, 0, 1.0, 32, 10.0);
    ExecutorService executor = Executors.newFixedThreadPool(3);
    SecAggResult r;
    try {
      r = new SecAggServer(params, new InProcessSecAggTransport(participants, executor), Duration.ofSeconds(60))
          .aggregate(1, List.copyOf(participants.keySet()), dimension, 9);
    } finally {
      executor.shutdownNow();
    }
    assertEquals(3, r.survivors().size());
    assertEquals(0.3, r.totalWeight(), 1e-6, "three clients of weight 1 under max_weight 10");
    double[] got = r.mean();
    for (int i = 0; i < dimension; i++) assertEquals(mean[i], got[i], 1e-6, "unmasked mean update[" + i + "]");
  }
}
