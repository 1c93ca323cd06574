package io.lianbang.grpc.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.Codecs;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md, "Compressed fit": the held start and the error-feedback residuals belong to the
 * client within a run (they survive a new session) and are reset when the run id changes.
 */
class CompressionStateTest {
  @Test
  void theHeldStartAndTheResidualsLastForTheRunAndAreResetByAnother() {
    CompressionState state = new CompressionState();
    state.enter("run-a");
    Parameters start = Parameters.of(Tensor.vector(1, 2, 3, 4));
    state.hold(2, start);
    Codec topOne = Codecs.create("topk", Map.of("count", 1.0));
    state.encoder(topOne, true).encode(Parameters.of(Tensor.vector(0, 0, 0, 0)), Parameters.of(Tensor.vector(0.5f, -4, 0.25f, 1)), 7);
    float[] residual = state.residual(0, 4);
    assertArrayEquals(new float[] {0.5f, 0, 0.25f, 1}, residual, "what top-1 did not send");

    state.enter("run-a"); // registering again in the same run
    assertEquals(2, state.heldRound());
    assertSame(start, state.start(2));
    assertArrayEquals(residual, state.residual(0, 4));

    state.enter("run-b");
    assertEquals(0, state.heldRound());
    assertNull(state.start(2));
    assertArrayEquals(new float[4], state.residual(0, 4));
  }
}
