package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpdateEncoderTest {
  private static final Parameters START = Parameters.of(Tensor.vector(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));

  private static Parameters plus(float... d) {
    float[] v = START.flatten();
    for (int i = 0; i < v.length; i++) v[i] += d[i];
    return Parameters.of(Tensor.vector(v));
  }

  @Test
  void encodesTheUpdateNotTheModelAndKeepsWhatTopKDidNotSend() {
    UpdateEncoder e = new UpdateEncoder(Codecs.create("topk", Map.of("count", 2.0)), true);
    Parameters trained = plus(0.5f, -4, 0.25f, 0, 0, 3, 0, 0, 0, 0.125f);
    Parameters received = e.encode(START, trained, 7).addTo(START);
    assertArrayEquals(plus(0, -4, 0, 0, 0, 3, 0, 0, 0, 0).flatten(), received.flatten(), "the two largest changes");
    assertArrayEquals(new float[] {0.5f, 0, 0.25f, 0, 0, 0, 0, 0, 0, 0.125f}, e.residual(0, 10), "sent + residual = update");
    // next time the residual is added: 0.5 + 0.5 now beats the new change of 0.75
    Parameters again = e.encode(START, plus(0.5f, 0, 0, 0.75f, 0, 0, 0, 0, 0, 0), 8).addTo(START);
    assertArrayEquals(plus(1, 0, 0, 0.75f, 0, 0, 0, 0, 0, 0).flatten(), again.flatten());
  }

  @Test
  void withoutErrorFeedbackNothingIsKept() {
    UpdateEncoder e = new UpdateEncoder(Codecs.create("topk", Map.of("count", 1.0)), false);
    e.encode(START, plus(0.5f, -4, 0, 0, 0, 0, 0, 0, 0, 0), 1);
    assertArrayEquals(new float[10], e.residual(0, 10));
  }

  @Test
  void aNonFiniteUpdateIsRefusedAndLeavesTheResidualsAlone() {
    UpdateEncoder e = new UpdateEncoder(Codecs.create("topk", Map.of("count", 1.0)), true);
    e.encode(START, plus(0.5f, -4, 0, 0, 0, 0, 0, 0, 0, 0), 1);
    float[] before = e.residual(0, 10);
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
        () -> e.encode(START, plus(Float.NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0), 2));
    assertTrue(x.getMessage().contains("non-finite"), x.getMessage());
    assertArrayEquals(before, e.residual(0, 10));
  }

  @Test
  void matchesOnlyTheSameCodecParametersAndFeedback() {
    UpdateEncoder e = new UpdateEncoder(Codecs.create("int8", Map.of("block", 256.0)), true);
    assertTrue(e.matches(Codecs.create("int8", Map.of("block", 256.0)), true));
    assertFalse(e.matches(Codecs.create("int8", Map.of()), true));
    assertFalse(e.matches(Codecs.create("int8", Map.of("block", 256.0)), false));
    assertEquals("int8", e.codec().name());
  }
}
