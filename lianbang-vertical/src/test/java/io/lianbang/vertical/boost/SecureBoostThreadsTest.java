package io.lianbang.vertical.boost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.vertical.data.TestData;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.InMemoryLinks;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SecureBoost trains the same model and lookup table on one thread and on several. */
class SecureBoostThreadsTest {
  private static PaillierKeyPair keys;
  private static ExecutorService pool;

  @BeforeAll
  static void keys() {
    keys = PaillierKeyPair.generate(1024, new SecureRandom());
    pool = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  private record Trained(BoostModel model, HostLookupTable lookup) {}

  private static Trained train(VerticalTable guest, VerticalTable host, BoostParams p, int threads) throws Exception {
    InMemoryLinks links = InMemoryLinks.connect("guest", "host-1");
    Future<HostLookupTable> h = pool.submit(new SecureBoostHost(links.link("host-1"), "guest", host, p).threads(threads)::run);
    BoostModel model = new SecureBoostGuest(links.link("guest"), List.of("host-1"), guest, p, keys).threads(threads).run();
    return new Trained(model, h.get(60, TimeUnit.SECONDS));
  }

  @Test
  void oneAndThreeThreadsGiveTheSameModelAsTheReference() throws Exception {
    int[] rows = IntStream.range(0, 150).toArray();
    VerticalTable guest = BoostFixtures.rows(TestData.breastGuest(), rows);
    VerticalTable host = BoostFixtures.rows(TestData.breastHost().select(TestData.breastGuest().ids()), rows);
    BoostParams p = BoostParams.builder().trees(2).maxDepth(3).maxBins(16).receiveTimeout(Duration.ofSeconds(60)).build();
    Trained one = train(guest, host, p, 1);
    Trained three = train(guest, host, p, 3);
    assertEquals(one.model(), three.model(), "model with 1 and 3 threads");
    assertEquals(one.lookup(), three.lookup(), "host lookup table with 1 and 3 threads");
    assertTrue(one.model().trees().get(0).nodes().size() > 3, "the trees split");
    BoostModel ref = GbdtReference.train(BoostFixtures.join(guest, host), guest.labels(), p);
    SecureBoostTest.assertSameModel(ref, three.model(), guest, List.of("host-1"), List.of(three.lookup()), List.of(host));
  }
}
