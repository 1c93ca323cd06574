package io.lianbang.privacy.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.privacy.secagg.SecAggMessage.MaskedInput;
import io.lianbang.privacy.secagg.SecAggMessage.UnmaskShares;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The binary encoding of every SecAgg+ message, exercised by a whole protocol run through it. */
class SecAggCodecTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void aProtocolRunThroughTheEncodingGivesTheSameSumAndEveryMessageRoundTrips() throws InterruptedException {
    int n = 7;
    int d = 300;
    SplittableRandom rng = new SplittableRandom(5);
    Map<String, SecAggParticipant> participants = new HashMap<>();
    List<String> ids = new ArrayList<>();
    double[] expected = new double[d];
    double weight = 0;
    for (int i = 0; i < n; i++) {
      float[] u = new float[d];
      for (int j = 0; j < d; j++) u[j] = (float) (rng.nextDouble() - 0.5);
      long ex = 100 + rng.nextInt(900);
      SecAggParticipant p = new SecAggParticipant();
      p.setInput(1, u, ex, i);
      participants.put("client-é" + i, p); // a non-ASCII name: lengths are UTF-8 bytes
      ids.add("client-é" + i);
      for (int j = 0; j < d; j++) expected[j] += ex / 10_000.0 * u[j];
      weight += ex / 10_000.0;
    }
    InProcessSecAggTransport inner = new InProcessSecAggTransport(participants, pool);
    Set<Integer> types = ConcurrentHashMap.newKeySet();
    SecAggTransport viaBytes = (id, request, deadline) -> {
      SecAggMessage req = roundTrip(request, types);
      return inner.send(id, req, deadline).thenApply(r -> roundTrip(r, types));
    };
    SecAggResult r = new SecAggServer(SecAggParams.defaults(), viaBytes, Duration.ofSeconds(30)).aggregate(1, ids, d, 9);
    assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7, 8), types);
    assertEquals(weight, r.totalWeight(), n * 1e-8);
    for (int j = 0; j < d; j++) assertEquals(expected[j], r.weightedSum()[j], n * r.step(), "coordinate " + j);
  }

  private static SecAggMessage roundTrip(SecAggMessage m, Set<Integer> types) {
    byte[] bytes = SecAggCodec.encode(m);
    assertEquals(m.wireBytes(), bytes.length, m.getClass().getSimpleName());
    SecAggMessage back = SecAggCodec.decode(bytes);
    assertEquals(m.getClass(), back.getClass());
    assertArrayEquals(bytes, SecAggCodec.encode(back));
    types.add(bytes[0] & 0xFF);
    return back;
  }

  @Test
  void packsMaskedEntriesAtTheModulusWidth() {
    long[] v = {0, 1, (1L << 33) - 1, 123456789L, 1L << 32};
    MaskedInput m = new MaskedInput(3, 2, v, 33);
    byte[] bytes = SecAggCodec.encode(m);
    assertEquals(9 + 4 + 1 + (5 * 33 + 7) / 8, bytes.length);
    assertArrayEquals(v, ((MaskedInput) SecAggCodec.decode(bytes)).masked());
  }

  private static String refused(byte[] bytes) {
    return assertThrows(IllegalArgumentException.class, () -> SecAggCodec.decode(bytes)).getMessage();
  }

  @Test
  void refusesMalformedMessagesNamingTheProblem() {
    assertEquals("3 bytes, shorter than the 9-byte header", refused(new byte[3]));
    assertEquals("unknown message type 99", refused(ByteBuffer.allocate(9).put((byte) 99).putInt(1).putInt(-1).array()));
    byte[] masked = SecAggCodec.encode(new MaskedInput(1, 0, new long[] {5, 6, 7}, 20));
    byte[] longer = java.util.Arrays.copyOf(masked, masked.length + 1);
    assertTrue(refused(longer).contains("do not fill"), refused(longer));
    byte[] padded = masked.clone();
    padded[padded.length - 1] |= (byte) 0x80; // 60 bits used of 64: the top bit is padding
    assertEquals("padding bits of the masked vector are not zero", refused(padded));
    assertEquals("truncated message: 20 bytes", refused(java.util.Arrays.copyOf(SecAggCodec.encode(
        new SecAggMessage.PublicKeys(1, 0, new byte[32], new byte[32])), 20)));
    byte[] huge = ByteBuffer.allocate(13).put((byte) 3).putInt(1).putInt(-1).putInt(Integer.MAX_VALUE).array();
    assertEquals("count of directory entries 2147483647 exceeds the message", refused(huge));
    byte[] share = SecAggCodec.encode(new UnmaskShares(1, 0, Map.of(1, BigInteger.ONE), Map.of()));
    System.arraycopy(Shamir.toBytes(Shamir.P, Shamir.ELEMENT_BYTES), 0, share, share.length - Shamir.ELEMENT_BYTES, Shamir.ELEMENT_BYTES);
    assertEquals("seed share of client 1 is outside the field", refused(share));
    byte[] dup = ByteBuffer.allocate(9 + 8 + 8).put((byte) 7).putInt(1).putInt(-1).putInt(2).putInt(0).putInt(4).putInt(4).array();
    assertEquals("duplicate survivor 4", refused(dup));
    byte[] indexed = ByteBuffer.allocate(9 + 8).put((byte) 7).putInt(1).putInt(5).putInt(0).putInt(0).array();
    assertEquals("a UnmaskRequest carries index 5, expected -1", refused(indexed));
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < 2000; i++) {
      byte[] junk = new byte[rng.nextInt(200)];
      for (int j = 0; j < junk.length; j++) junk[j] = (byte) rng.nextInt(256);
      if (junk.length > 0) junk[0] = (byte) (1 + rng.nextInt(8));
      try {
        SecAggCodec.decode(junk);
      } catch (IllegalArgumentException expectedRefusal) {
        // refused with a message: fine; anything else (an overflow, an out-of-memory) fails the test
      }
    }
  }
}
