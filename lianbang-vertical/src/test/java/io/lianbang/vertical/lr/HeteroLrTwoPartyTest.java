package io.lianbang.vertical.lr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.vertical.data.TestData;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.InMemoryLinks;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.PayloadWriter;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The variant without an arbiter, the guest holding the key. */
class HeteroLrTwoPartyTest {
  @Test
  void twoPartiesEqualTheReference() throws Exception {
    VerticalTable guestAll = TestData.breastGuest();
    VerticalTable g = LrRun.slice(guestAll, 80, 0, 10);
    VerticalTable h = LrRun.slice(TestData.breastHost().select(guestAll.ids()), 80, 0, 20);
    HeteroLrParams p = HeteroLrParams.builder().maxIter(3).batchSize(40).seed(3).build();
    InMemoryLinks net = InMemoryLinks.connect("guest", "host");
    CompletableFuture<HeteroLrHostModel> hf = CompletableFuture.supplyAsync(() -> new HeteroLrTwoPartyHost(p, h, "guest").run(net.link("host")));
    HeteroLrTwoPartyGuest.Result gr = new HeteroLrTwoPartyGuest(p, g, "host").run(net.link("guest"));
    HeteroLrHostModel hm = hf.get(60, TimeUnit.SECONDS);
    HeteroLrReference.Model ref = HeteroLrReference.fit(g, List.of(h), p);
    assertEquals(ref.iterations(), gr.model().iterations());
    assertEquals(ref.iterations(), hm.iterations());
    assertArrayEquals(ref.guestWeights(), gr.model().weights(), 1e-6);
    assertEquals(ref.intercept(), gr.model().intercept(), 1e-6);
    assertArrayEquals(ref.hostWeights().get(0), hm.weights(), 1e-6);
    for (int t = 0; t < ref.iterations(); t++) assertEquals(ref.lossHistory().get(t), gr.lossHistory().get(t), 1e-9);
  }

  @Test
  void theHostRefusesAMaskedSumOutOfRange() throws Exception {
    VerticalTable h = LrRun.slice(TestData.breastHost(), 4, 0, 2);
    HeteroLrParams p = HeteroLrParams.builder().keyBits(512).timeout(Duration.ofSeconds(20)).build();
    InMemoryLinks net = InMemoryLinks.connect("guest", "host");
    CompletableFuture<HeteroLrHostModel> hf = CompletableFuture.supplyAsync(() -> new HeteroLrTwoPartyHost(p, h, "guest").run(net.link("host")));
    var keys = io.lianbang.privacy.paillier.PaillierKeyPair.generate(512, new java.security.SecureRandom());
    var guest = net.link("guest");
    guest.send("host", "lr2.key/0", new PayloadWriter().putBigInteger(keys.publicKey().n()).toByteArray());
    guest.send("host", "lr2.plan/0", new PayloadWriter().putInt(1).toByteArray());
    guest.send("host", "lr2.batch/0.0", new PayloadWriter().putInts(new int[] {0, 1}).toByteArray());
    var rnd = new java.security.SecureRandom();
    BigInteger[] residual = {keys.publicKey().encrypt(BigInteger.ONE, rnd), keys.publicKey().encrypt(BigInteger.TWO, rnd)};
    guest.send("host", "lr2.residual/0.0", new PayloadWriter().putBigIntegers(residual).toByteArray());
    guest.send("host", "lr2.masked_plain/0.0", new PayloadWriter().putBigIntegers(new BigInteger[] {BigInteger.ONE, keys.publicKey().n()}).toByteArray());
    ExecutionException e = assertThrows(ExecutionException.class, () -> hf.get(60, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof LinkException, String.valueOf(e.getCause()));
    assertEquals("lr2.masked_plain/0.0 from guest: maskedSum[1] is not in [0, n)", e.getCause().getMessage());
  }
}
