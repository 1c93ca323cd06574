package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.random.Seeds;
import io.lianbang.privacy.secagg.SecAggCodec;
import io.lianbang.privacy.secagg.SecAggException;
import io.lianbang.privacy.secagg.SecAggMessage;
import io.lianbang.privacy.secagg.SecAggParams;
import io.lianbang.privacy.secagg.SecAggParticipant;
import io.lianbang.privacy.secagg.SecAggResult;
import io.lianbang.privacy.secagg.SecAggServer;
import io.lianbang.privacy.secagg.SecAggTransport;
import io.lianbang.privacy.secagg.Shamir;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Python SecAgg+ participant ({@code lianbang.secagg}) against the Java implementation: the
 * primitives give identical outputs for fixed inputs, and a round whose Java server aggregates
 * Java and Python participants (one Python participant dropping after sharing its keys) unmasks to
 * the same sum, bit for bit, as the same round among Java participants only.
 */
class SecAggInteropTest {
  private static final HexFormat HEX = HexFormat.of();
  @RegisterExtension static final PythonPeer peer = new PythonPeer();

  /** A package-private static or instance method of {@code io.lianbang.privacy.secagg}, made callable. */
  private static Method method(String cls, String name, Class<?>... types) throws Exception {
    Method m = Class.forName("io.lianbang.privacy.secagg." + cls).getDeclaredMethod(name, types);
    m.setAccessible(true);
    return m;
  }

  @Test
  void maskPrgOutputsAreIdentical() throws Exception {
    Method addMask = method("MaskPrg", "addMask", long[].class, byte[].class, int.class, int.class);
    byte[] seed = new byte[32];
    new SplittableRandom(7).nextBytes(seed);
    for (int bits : new int[] {16, 33, 62}) {
      long[] java = new long[1500]; // more than one 8 KiB chunk of keystream
      addMask.invoke(null, java, seed, +1, bits);
      ByteBuffer b = ByteBuffer.wrap(peer.call("mask " + HEX.formatHex(seed) + " 1500 " + bits).body()).order(ByteOrder.LITTLE_ENDIAN);
      long[] python = new long[1500];
      b.asLongBuffer().get(python);
      assertArrayEquals(java, python, "mask of " + bits + " bits");
    }
  }

  @Test
  void quantizerEncodingsAreIdentical() throws Exception {
    Class<?> q = Class.forName("io.lianbang.privacy.secagg.Quantizer");
    Constructor<?> c = q.getDeclaredConstructor(double.class, double.class, int.class, int.class);
    c.setAccessible(true);
    Method encode = q.getDeclaredMethod("encode", double.class, SplittableRandom.class);
    encode.setAccessible(true);
    SplittableRandom values = new SplittableRandom(3);
    double[] v = new double[400];
    for (int i = 0; i < v.length; i++) v[i] = values.nextDouble() * 3 - 1.5; // some beyond the clip range
    v[0] = 1.25;
    v[1] = -1.25;
    v[2] = 0;
    for (int[] bitsTerms : new int[][] {{16, 1}, {32, 7}, {62, 3}}) {
      Object quantizer = c.newInstance(-1.25, 1.25, bitsTerms[0], bitsTerms[1]);
      SplittableRandom rng = new SplittableRandom(-99);
      long[] java = new long[v.length];
      for (int i = 0; i < v.length; i++) java[i] = (long) encode.invoke(quantizer, v[i], rng);
      ByteBuffer body = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
      body.asDoubleBuffer().put(v);
      byte[] reply = peer.call("quantize -1.25 1.25 " + bitsTerms[0] + " " + bitsTerms[1] + " -99", body.array()).body();
      long[] python = new long[v.length];
      ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(python);
      assertArrayEquals(java, python, bitsTerms[0] + " bits, " + bitsTerms[1] + " terms");
    }
  }

  @Test
  void shamirSharesReconstructAcrossLanguages() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    BigInteger s = new BigInteger(1, secret);
    List<Shamir.Share> java = Shamir.split(secret, 3, new int[] {1, 2, 3, 4, 5}, new SecureRandom());
    String points = java.get(1).x() + ":" + java.get(1).y() + "," + java.get(3).x() + ":" + java.get(3).y() + ","
        + java.get(4).x() + ":" + java.get(4).y();
    assertEquals(s, new BigInteger(peer.call("reconstruct " + points).header()));
    String[] ys = peer.call("split " + HEX.formatHex(secret) + " 3 2,5,6,9").header().split(",");
    List<Shamir.Share> python = List.of(new Shamir.Share(9, new BigInteger(ys[3])), new Shamir.Share(2, new BigInteger(ys[0])),
        new Shamir.Share(6, new BigInteger(ys[2])));
    assertEquals(s, Shamir.reconstruct(python, 3));
  }

  @Test
  void shareCiphertextsDecryptAcrossLanguages() throws Exception {
    Class<?> cls = Class.forName("io.lianbang.privacy.secagg.ShareCipher");
    Constructor<?> c = cls.getDeclaredConstructor(byte[].class);
    c.setAccessible(true);
    Method encrypt = cls.getDeclaredMethod("encrypt", byte[].class, int.class, int.class, int.class, SecureRandom.class);
    Method decrypt = cls.getDeclaredMethod("decrypt", byte[].class, int.class, int.class, int.class);
    encrypt.setAccessible(true);
    decrypt.setAccessible(true);
    byte[] shared = new byte[32];
    new SecureRandom().nextBytes(shared);
    Object cipher = c.newInstance(shared);
    byte[] plain = "eight + two shares of 33 bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] fromJava = (byte[]) encrypt.invoke(cipher, plain, 4, 1, 2, new SecureRandom());
    assertArrayEquals(plain, peer.call("decrypt " + HEX.formatHex(shared) + " 4 1 2", fromJava).body());
    PythonPeer.PeerError wrong = assertThrows(PythonPeer.PeerError.class, () -> peer.call("decrypt " + HEX.formatHex(shared) + " 4 2 1", fromJava));
    assertEquals("AUTHENTICATION", wrong.kind);
    byte[] fromPython = peer.call("encrypt " + HEX.formatHex(shared) + " 4 1 2 000102030405060708090a0b", plain).body();
    assertArrayEquals(plain, (byte[]) decrypt.invoke(cipher, fromPython, 4, 1, 2));
  }

  @Test
  void roundingSeedsAreIdentical() throws Exception {
    for (long seed : new long[] {0, 1, -1, Long.MIN_VALUE, 0x1234_5678_9ABC_DEF0L}) {
      assertEquals(Seeds.derive(seed, "secagg-rounding"), Long.parseLong(peer.call("rounding " + seed).header()));
    }
  }

  private static final int D = 40;
  private static final List<String> IDS = List.of("c0", "c1", "c2", "c3", "c4");

  /** One round over IDS; the clients in {@code python} run in the Python peer, {@code dropAfterKeys} fails at ShareDelivery. */
  private static SecAggResult round(Set<String> python, String dropAfterKeys, String prefix) throws Exception {
    SplittableRandom rng = new SplittableRandom(11);
    Map<String, SecAggParticipant> java = new HashMap<>();
    for (String id : IDS) {
      float[] u = new float[D];
      for (int j = 0; j < D; j++) u[j] = (float) (rng.nextDouble() * 0.8 - 0.4);
      u[0] = 1.5f; // clipped
      long examples = 30 + rng.nextInt(200); // some above max_weight 100: capped at 1
      long roundingSeed = Seeds.derive(rng.nextLong(), "secagg-rounding");
      if (python.contains(id)) {
        ByteBuffer b = ByteBuffer.allocate(4 * D).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(u);
        peer.call("new " + prefix + id);
        peer.call("input " + prefix + id + " 3 " + examples + " " + roundingSeed, b.array());
      } else {
        SecAggParticipant p = new SecAggParticipant();
        p.setInput(3, u, examples, roundingSeed);
        java.put(id, p);
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      SecAggTransport transport = (id, request, deadline) -> CompletableFuture.supplyAsync(() -> {
        if (id.equals(dropAfterKeys) && request instanceof SecAggMessage.ShareDelivery) {
          throw new SecAggException(SecAggException.Kind.UNREACHABLE, id + " dropped");
        }
        if (!python.contains(id)) return java.get(id).respond(request);
        try {
          return SecAggCodec.decode(peer.call("stage " + prefix + id, SecAggCodec.encode(request)).body());
        } catch (PythonPeer.PeerError e) {
          throw new SecAggException(SecAggException.Kind.valueOf(e.kind), e.getMessage());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, pool);
      SecAggServer server = new SecAggServer(new SecAggParams(0, 0, 1.0, 32, 100), transport, Duration.ofSeconds(120));
      return server.aggregate(3, IDS, D, 77);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRoundWithPythonParticipantsUnmasksToTheAllJavaSum() throws Exception {
    SecAggResult mixed = round(Set.of("c1", "c3"), "c3", "mixed-");
    SecAggResult allJava = round(Set.of(), "c3", "java-");
    assertEquals(List.of("c0", "c1", "c2", "c4"), mixed.survivors());
    assertEquals(allJava.survivors(), mixed.survivors());
    assertEquals(Double.doubleToRawLongBits(allJava.totalWeight()), Double.doubleToRawLongBits(mixed.totalWeight()));
    for (int i = 0; i < D; i++) {
      assertEquals(Double.doubleToRawLongBits(allJava.weightedSum()[i]), Double.doubleToRawLongBits(mixed.weightedSum()[i]),
          "coordinate " + i + ": " + allJava.weightedSum()[i] + " vs " + mixed.weightedSum()[i]);
    }
    assertTrue(mixed.totalWeight() > 1, "total weight " + mixed.totalWeight());
    assertTrue(mixed.events().isEmpty(), mixed.events().toString());
  }

  @Test
  void aPythonParticipantRefusesAnUnsafeSetupWithItsKind() throws Exception {
    peer.call("new unsafe");
    byte[] setup = SecAggCodec.encode(new SecAggMessage.Setup(1, IDS, 0, List.of(1, 2, 3, 4), 2, 1.0, 32, 100, 5));
    PythonPeer.PeerError e = assertThrows(PythonPeer.PeerError.class, () -> peer.call("stage unsafe", setup));
    assertEquals("UNSAFE", e.kind);
    assertTrue(e.getMessage().startsWith("unsafe setup refused: threshold must be >= 3"), e.getMessage());
  }
}
