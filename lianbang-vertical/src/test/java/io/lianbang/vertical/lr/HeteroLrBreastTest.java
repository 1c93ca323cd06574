package io.lianbang.vertical.lr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.vertical.data.TestData;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.InMemoryLinks;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The acceptance run: FATE's breast data, guest + one host + arbiter, 1024-bit key, 5 iterations. */
class HeteroLrBreastTest {
  @Test
  void federatedEqualsPlaintextReferenceInEveryWeightAndScoresJointly() throws Exception {
    VerticalTable guest = TestData.breastGuest();
    VerticalTable host = TestData.breastHost().select(guest.ids());
    HeteroLrParams params = HeteroLrParams.DEFAULTS;
    PaillierKeyPair keys = PaillierKeyPair.generate(1024, new SecureRandom());

    long start = System.nanoTime();
    LrRun.Outcome run = LrRun.train(guest, List.of(host), params, keys);
    double seconds = (System.nanoTime() - start) / 1e9;
    HeteroLrReference.Model ref = HeteroLrReference.fit(guest, List.of(host), params);

    assertEquals(5, ref.iterations());
    assertEquals(ref.iterations(), run.guest().iterations());
    assertEquals(ref.iterations(), run.hosts().get(0).iterations());
    assertEquals(ref.iterations(), run.arbiter().iterations());
    assertArrayEquals(ref.guestWeights(), run.guest().weights(), 1e-6);
    assertEquals(ref.intercept(), run.guest().intercept(), 1e-6);
    assertArrayEquals(ref.hostWeights().get(0), run.hosts().get(0).weights(), 1e-6);
    double maxDiff = Math.abs(ref.intercept() - run.guest().intercept());
    for (int j = 0; j < guest.columns(); j++) maxDiff = Math.max(maxDiff, Math.abs(ref.guestWeights()[j] - run.guest().weights()[j]));
    for (int j = 0; j < host.columns(); j++) maxDiff = Math.max(maxDiff, Math.abs(ref.hostWeights().get(0)[j] - run.hosts().get(0).weights()[j]));
    double[] refLoss = ref.lossHistory().stream().mapToDouble(Double::doubleValue).toArray();
    double[] fedLoss = run.arbiter().lossHistory().stream().mapToDouble(Double::doubleValue).toArray();
    assertEquals(refLoss.length, fedLoss.length);
    for (int t = 0; t < refLoss.length; t++) assertEquals(refLoss[t], fedLoss[t], 1e-9 * Math.max(1, Math.abs(refLoss[t])), "loss " + t);
    assertEquals(Math.log(2), fedLoss[0], 1e-9, "the loss at w = 0 is log 2");

    // joint scoring of the training rows
    InMemoryLinks net = InMemoryLinks.connect("guest", "host-1");
    CompletableFuture<Void> h = CompletableFuture.runAsync(
        () -> new HeteroLrPredictHost(run.hosts().get(0), "guest", "train").run(net.link("host-1"), host));
    double[] p = new HeteroLrPredictGuest(run.guest(), List.of("host-1"), "train", Duration.ofSeconds(30)).run(net.link("guest"), guest);
    h.get(30, TimeUnit.SECONDS);
    assertArrayEquals(ref.probabilities(guest, List.of(host)), p, 1e-6);
    double auc = Auc.of(p, guest.labels());
    System.out.printf("hetero LR breast: 5 iterations in %.1f s, max |federated - reference| weight %.2e, loss %s, train AUC %.6f%n",
        seconds, maxDiff, run.arbiter().lossHistory(), auc);
    assertTrue(auc > 0.95, "train AUC " + auc);
  }
}
