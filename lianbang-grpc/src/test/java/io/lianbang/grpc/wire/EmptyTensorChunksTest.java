package io.lianbang.grpc.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.proto.v1.TensorChunk;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/protocol.md, "Chunks": tensors with no values have no chunks, and every chunk holds at least one value. */
class EmptyTensorChunksTest {
  private static final Parameters MODEL = Parameters.of(Tensor.vector(1, 2), Tensor.zeros(new int[] {0, 3}), Tensor.vector(3));

  @Test
  void aTensorWithNoValuesHasNoChunksAndIsAssembledWithoutAny() {
    List<TensorChunk> chunks = new ArrayList<>();
    new ChunkEncoder(MODEL, 4096).forEachRemaining(chunks::add);
    assertEquals(List.of(0, 2), chunks.stream().map(TensorChunk::getTensorIndex).toList());
    ChunkAssembler a = new ChunkAssembler(MODEL.shapes(), 4096, true);
    chunks.forEach(a::accept);
    assertTrue(a.complete());
    assertEquals(MODEL, a.finish());
  }

  @Test
  void anEmptyChunkIsRefusedNamingItsPlace() {
    ChunkAssembler a = new ChunkAssembler(MODEL.shapes(), 4096, true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> a.accept(TensorChunk.newBuilder().setTensorIndex(0).setData(ByteString.EMPTY).build()));
    assertEquals("chunk for tensor[0] at byte 0 is empty", e.getMessage());
  }
}
