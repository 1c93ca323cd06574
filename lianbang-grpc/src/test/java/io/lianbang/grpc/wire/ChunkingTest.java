package io.lianbang.grpc.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.task.Config;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.proto.v1.TensorChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkingTest {
  private static Parameters model() {
    float[] big = new float[1000];
    for (int i = 0; i < big.length; i++) big[i] = Float.intBitsToFloat(0x3f800000 + i * 7919); // distinct bit patterns
    return Parameters.of(Tensor.of(new int[] {10, 100}, big), Tensor.zeros(0), Tensor.vector(-0f, Float.MIN_VALUE, Float.MAX_VALUE),
        Tensor.zeros(3, 0, 2));
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 12, 1024, 4000, 4004, 1 << 20})
  void roundTripsBitForBitWithBoundedChunks(int maxChunk) {
    Parameters p = model();
    List<TensorChunk> chunks = new ArrayList<>();
    new ChunkEncoder(p, maxChunk).forEachRemaining(chunks::add);
    ChunkAssembler a = new ChunkAssembler(p.shapes(), maxChunk, true);
    for (TensorChunk c : chunks) {
      assertTrue(c.getData().size() <= maxChunk && c.getData().size() > 0);
      a.accept(c);
    }
    Parameters back = a.finish();
    assertEquals(p, back);
    long bytes = chunks.stream().mapToLong(c -> c.getData().size()).sum();
    assertEquals(4 * p.elementCount(), bytes);
    // the wire format is little-endian float32
    int first = Float.floatToRawIntBits(p.tensor(0).get(0));
    assertEquals(first & 0xff, chunks.get(0).getData().byteAt(0) & 0xff);
    assertEquals(first >>> 24, chunks.get(0).getData().byteAt(3) & 0xff);
  }

  @Test
  void specsDescribeMismatchesAndRejectHugeShapes() {
    Parameters p = model();
    assertNull(TensorSpecs.mismatch(p, TensorSpecs.of(p)));
    var huge = TensorSpecs.of(Parameters.of(Tensor.vector(1))).toBuilder();
    huge.setTensors(0, huge.getTensors(0).toBuilder().clearShape().addShape(1L << 40).addShape(1L << 40));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TensorSpecs.shapes(huge.build())).getMessage().contains("holds more than"));
    var negative = TensorSpecs.of(Parameters.of(Tensor.vector(1))).toBuilder();
    negative.setTensors(0, negative.getTensors(0).toBuilder().setShape(0, -3));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TensorSpecs.shapes(negative.build())).getMessage().contains("negative"));
  }

  @Test
  void configValuesRoundTrip() {
    Config c = Config.of(Map.of("lr", 0.1, "epochs", 3, "opt", "sgd", "nesterov", true));
    assertEquals(c, Values.fromProto(Values.toProto(c)));
  }
}
