package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ErrorFeedbackTest {
  /** Runs 5 rounds on two tensors; returns the largest |sent + residual - input| over them (as doubles). */
  private static double rounds(Codec codec, boolean exact) {
    ErrorFeedback ef = new ErrorFeedback(codec);
    double worst = 0;
    for (int round = 0; round < 5; round++) {
      for (int t = 0; t < 2; t++) {
        float[] update = CodecTesting.gaussian(777 + t, 100 * round + t);
        float[] old = ef.residual(t, update.length);
        float[] oldLow = ef.residualLow(t, update.length);
        float[] input = new float[update.length];
        for (int i = 0; i < input.length; i++) input[i] = update[i] + old[i] + oldLow[i];
        ByteBuffer out = ByteBuffer.allocate((int) codec.encodedBytes(update.length) + 5);
        out.position(5);
        ef.compress(t, update, out, round * 2L + t);
        assertEquals(out.capacity(), out.position());
        out.position(5);
        float[] sent = new float[update.length];
        codec.decode(out, sent, 0, sent.length);
        float[] residual = ef.residual(t, update.length);
        for (int i = 0; i < input.length; i++) {
          if (exact) {
            assertEquals(Float.floatToRawIntBits(input[i]), Float.floatToRawIntBits(sent[i] + residual[i]),
                codec + " round " + round + " tensor " + t + " coordinate " + i);
          }
          assertEquals(Float.floatToRawIntBits(input[i] - sent[i]), Float.floatToRawIntBits(residual[i]));
          worst = Math.max(worst, Math.abs((double) sent[i] + residual[i] - input[i]) / Math.ulp(residual[i]));
        }
      }
    }
    return worst;
  }

  @Test
  void massIsConservedBitForBitForSparseAndRoundToNearestCodecs() {
    for (String name : new String[] {"topk", "topk+fp16", "topk+bf16", "fp16", "bf16", "float32"}) {
      rounds(Codecs.create(name, name.startsWith("topk") ? Map.of("fraction", 0.05) : Map.of()), true);
    }
    rounds(Codecs.create("randomk", Map.of("fraction", 0.1, "scaled", 0.0)), true);
  }

  @Test
  void stochasticQuantisersLoseAtMostHalfAnUlpOfTheResidual() {
    for (String name : new String[] {"int8", "int4", "qsgd", "topk+int8"}) {
      double worst = rounds(Codecs.create(name, Map.of()), false);
      assertTrue(worst <= 0.5, name + ": " + worst + " ulps");
    }
  }

  /** Every codec, with parameters that give several blocks and sparse selections on 3000 values. */
  private static final List<Codec> ALL = List.of(
      Codecs.create("float32", Map.of()), Codecs.create("fp16", Map.of()), Codecs.create("bf16", Map.of()),
      Codecs.create("int8", Map.of()), Codecs.create("int8", Map.of("block", 64.0)), Codecs.create("int4", Map.of()),
      Codecs.create("int4", Map.of("block", 64.0)), Codecs.create("qsgd", Map.of()), Codecs.create("qsgd", Map.of("levels", 1.0, "block", 64.0)),
      Codecs.create("topk", Map.of("fraction", 0.05)), Codecs.create("randomk", Map.of("fraction", 0.05)),
      Codecs.create("randomk", Map.of("fraction", 0.05, "scaled", 0.0)), Codecs.create("topk+fp16", Map.of("fraction", 0.05)),
      Codecs.create("topk+bf16", Map.of("fraction", 0.05)), Codecs.create("topk+int8", Map.of()),
      Codecs.create("topk+int8", Map.of("fraction", 0.2, "block", 16.0)), Codecs.create("topk+int4", Map.of("fraction", 0.2)),
      Codecs.create("topk+qsgd", Map.of("fraction", 0.2)), Codecs.create("randomk+int8", Map.of("fraction", 0.2)),
      Codecs.create("randomk+qsgd", Map.of("fraction", 0.2)), Codecs.create("randomk+int4", Map.of("fraction", 0.2, "scaled", 0.0)));

  /**
   * An adversarial update of {@code n} values: magnitudes from 2^-149 to 2^{@code maxExp} side by
   * side (random exponent and mantissa), subnormals, zeros of both signs, mixed signs, runs of equal
   * magnitudes (ties for top-k) and Gaussian values.
   */
  private static float[] adversarial(int n, long seed, int maxExp) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      float sign = r.nextBoolean() ? 1 : -1;
      v[i] = switch (r.nextInt(8)) {
        case 0 -> sign * Float.intBitsToFloat(r.nextInt(1, 1 << 23)); // subnormal
        case 1 -> sign * Float.MIN_VALUE;
        case 2 -> r.nextBoolean() ? 0f : -0f;
        case 3 -> sign * Math.scalb(1f, maxExp - r.nextInt(3)); // ties at the top
        case 4 -> sign * 0.75f; // ties in the middle
        case 5 -> (float) r.nextGaussian();
        default -> sign * Math.scalb(1 + r.nextInt(1 << 23) / (float) (1 << 23), r.nextInt(-126, maxExp + 1));
      };
    }
    return v;
  }

  private static BigDecimal exact(float x) {
    return new BigDecimal(x);
  }

  @Test
  void sentPlusResidualIsTheInputExactlyForEveryCodecAndTheNextInputIsTheDocumentedSum() {
    int n = 3000;
    for (Codec codec : ALL) {
      // fp16 sends magnitudes of 65520 and more as infinity: its inputs stay below
      int maxExp = codec.name().contains("fp16") ? 14 : 100;
      ErrorFeedback ef = new ErrorFeedback(codec);
      for (int round = 0; round < 6; round++) {
        for (int t = 0; t < 2; t++) {
          float[] update = round % 3 == 2 ? CodecTesting.gaussian(n, 31L * round + t) : adversarial(n, 17L * round + t, maxExp);
          float[] hi = ef.residual(t, n);
          float[] lo = ef.residualLow(t, n);
          float[] input = update.clone(); // the first time there is no residual (and -0 stays -0)
          if (round > 0) for (int i = 0; i < n; i++) input[i] = (update[i] + hi[i]) + lo[i];
          long seed = 1000L * round + t;
          byte[] bytes = new byte[(int) codec.encodedBytes(n)];
          ef.compress(t, update, ByteBuffer.wrap(bytes), seed);
          String where = codec + " round " + round + " tensor " + t;
          // the documented input, encoded with the same seed, gives the same bytes
          assertArrayEquals(CodecTesting.encode(codec, input, seed), bytes, where + ": input = (update + hi) + lo");
          float[] sent = CodecTesting.decode(codec, bytes, n);
          float[] newHi = ef.residual(t, n);
          float[] newLo = ef.residualLow(t, n);
          for (int i = 0; i < n; i++) {
            BigDecimal sum = exact(sent[i]).add(exact(newHi[i])).add(exact(newLo[i]));
            if (sum.compareTo(exact(input[i])) != 0) {
              throw new AssertionError(where + " coordinate " + i + ": input " + input[i] + ", sent " + sent[i] + " + residual "
                  + newHi[i] + " + " + newLo[i] + " = " + sum.toString());
            }
            assertEquals(Float.floatToRawIntBits(input[i] - sent[i]), Float.floatToRawIntBits(newHi[i]), where + ": hi = f32(input - sent)");
          }
        }
      }
    }
  }

  @Test
  void aTinyValueInABlockOfLargeOnesIsKeptInTheLowPart() {
    // int8, one block: 1e-30 decodes to a multiple of the scale (about 1e-3 / 255) or the minimum;
    // input - sent rounds in float32 to -sent, and the lost 1e-30 is the low part
    ErrorFeedback ef = new ErrorFeedback(Codecs.create("int8", Map.of()));
    float[] update = {1e-30f, 1e-3f, -1e-3f, 0.5e-3f};
    byte[] bytes = new byte[(int) ef.codec().encodedBytes(4)];
    ef.compress(0, update, ByteBuffer.wrap(bytes), 3);
    float[] sent = CodecTesting.decode(ef.codec(), bytes, 4);
    float hi = ef.residual(0, 4)[0];
    float lo = ef.residualLow(0, 4)[0];
    assertTrue(sent[0] != 0, "the block's minimum is -1e-3, so 1e-30 decodes to a nonzero value: " + sent[0]);
    assertEquals(-sent[0], hi);
    assertEquals(1e-30f, lo);
  }

  @Test
  void topKWithFeedbackSendsEveryCoordinateEventually() {
    // A constant update of 10 coordinates, top-1 per round: the residual grows where nothing was
    // sent, so over 10 rounds every coordinate is sent once and the total sent equals the total input.
    ErrorFeedback ef = new ErrorFeedback(Codecs.create("topk", Map.of("count", 1.0)));
    float[] update = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    float[] total = new float[10];
    float[] sent = new float[10];
    for (int round = 0; round < 10; round++) {
      ByteBuffer out = ByteBuffer.allocate((int) ef.codec().encodedBytes(10));
      ef.compress(0, update, out, round);
      out.flip();
      ef.codec().decode(out, sent, 0, 10);
      for (int i = 0; i < 10; i++) total[i] += sent[i];
    }
    float[] residual = ef.residual(0, 10);
    for (int i = 0; i < 10; i++) assertEquals(10f, total[i] + residual[i], "coordinate " + i);
    for (int i = 0; i < 10; i++) assertTrue(total[i] > 0, "coordinate " + i + " was sent");
  }

  @Test
  void lengthChangeIsRefusedAndLeavesTheResidual() {
    ErrorFeedback ef = new ErrorFeedback(Codecs.create("topk", Map.of("count", 1.0)));
    ef.compress(3, new float[] {1, 2}, ByteBuffer.allocate(100), 0);
    float[] before = ef.residual(3, 2);
    assertArrayEquals(new float[] {1, 0}, before);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ef.compress(3, new float[] {1, 2, 3}, ByteBuffer.allocate(100), 0));
    assertEquals("tensor 3 has 3 values, its residual 2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ef.compress(3, new float[] {1, Float.NaN}, ByteBuffer.allocate(100), 0));
    assertArrayEquals(before, ef.residual(3, 2));
  }
}
