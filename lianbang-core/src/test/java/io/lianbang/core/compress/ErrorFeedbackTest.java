package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Map;
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
        float[] input = new float[update.length];
        for (int i = 0; i < input.length; i++) input[i] = update[i] + old[i];
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
