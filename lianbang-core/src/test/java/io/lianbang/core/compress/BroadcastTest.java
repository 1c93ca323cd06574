package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BroadcastTest {
  private static Parameters model(SplittableRandom r, float scale) {
    float[] w = new float[3000];
    float[] b = new float[10];
    for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * scale);
    for (int i = 0; i < b.length; i++) b[i] = (float) (r.nextGaussian() * scale);
    return Parameters.of(Tensor.of(new int[] {300, 10}, w), Tensor.vector(b));
  }

  @Test
  void modelModeSendsTheEncodedModelAndClientsStartFromItsDecoding() {
    Codec fp16 = Codecs.create("fp16", Map.of());
    Parameters g = model(new SplittableRandom(1), 1);
    Download d = new Broadcast(fp16, false, 5).prepare(1, g);
    assertEquals(0, d.baseRound());
    assertArrayEquals(d.encoded().decodeAs(g.shapes()).flatten(), d.start().flatten());
    assertTrue(d.encodingFor(0).isPresent(), "anyone can decode the model itself");
    float[] start = d.start().flatten();
    float[] exact = g.flatten();
    for (int i = 0; i < start.length; i++) assertEquals(exact[i], start[i], Math.abs(exact[i]) / 1024);
  }

  @Test
  void deltaModeSendsDifferencesThatAHolderReproducesBitForBitAndThatDoNotDrift() {
    Codec int8 = Codecs.create("int8", Map.of("block", 256.0));
    Broadcast b = new Broadcast(int8, true, 9);
    SplittableRandom r = new SplittableRandom(2);
    Parameters g = model(r, 1);
    Download first = b.prepare(1, g);
    assertSame(g, first.start(), "the first round has nothing to differ from: the model itself, as float32");
    assertTrue(first.encodingFor(0).isEmpty());
    Parameters held = first.start();
    double maxError = 0;
    for (int round = 2; round <= 30; round++) {
      float[] step = model(r, 0.01f).flatten();
      float[] next = g.flatten();
      for (int i = 0; i < next.length; i++) next[i] += step[i];
      g = Parameters.unflatten(g.shapes(), next);
      Download d = b.prepare(round, g);
      assertEquals(round - 1, d.baseRound());
      assertTrue(d.encodingFor(round - 2).isEmpty(), "a client holding an older model gets float32");
      Parameters decoded = d.encodingFor(round - 1).orElseThrow().addTo(held);
      assertArrayEquals(d.start().flatten(), decoded.flatten(), "round " + round);
      held = decoded;
      float[] s = d.start().flatten();
      for (int i = 0; i < s.length; i++) maxError = Math.max(maxError, Math.abs(s[i] - next[i]));
    }
    // one round's difference spans about ±0.04 per block: an 8-bit step of 0.0003; errors do not add up over 29 rounds
    assertTrue(maxError < 0.001, "largest distance of a start from the global model " + maxError);
  }

  @Test
  void encodedTensorsRefuseBytesOfTheWrongSizeNamingTheTensor() {
    Codec int8 = Codecs.create("int8", Map.of());
    Parameters g = model(new SplittableRandom(3), 1);
    EncodedTensors e = EncodedTensors.encode(int8, g, 1);
    EncodedTensors cut = new EncodedTensors(int8, java.util.List.of(e.tensors().get(0), new byte[3]));
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> cut.addTo(g));
    assertTrue(x.getMessage().contains("tensor 1") && x.getMessage().contains("3 bytes"), x.getMessage());
    assertEquals(int8.encodedBytes(3000) + int8.encodedBytes(10), e.bytes());
  }
}
