package io.lianbang.core.strategy;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The server-side state a strategy carries from round to round (momentum, moment estimates,
 * control variates), as tensors plus named numbers, so that it can be checkpointed and restored.
 * Each stateful strategy documents the layout of its tensors. {@link #toBytes()} is the form
 * {@link StatefulStrategy#exportState()} returns for checkpoints.
 *
 * @param tensors the state tensors (empty before the first update)
 * @param numbers named scalar state, sorted by name
 */
public record StrategyState(Parameters tensors, Map<String, Double> numbers) {
  public StrategyState {
    Objects.requireNonNull(tensors, "tensors");
    numbers = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(numbers, "numbers")));
  }

  private static final int MAGIC = 0x4c425353; // "LBSS"
  private static final int VERSION = 1;

  /** No state yet. */
  public static StrategyState empty() {
    return new StrategyState(Parameters.empty(), Map.of());
  }

  /**
   * Big-endian encoding: magic {@code LBSS}, version 1, the tensor count, per tensor its rank,
   * dimensions and float32 values, then the number count and per number its UTF name and double.
   */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(tensors.count());
      for (Tensor t : tensors.tensors()) {
        out.writeInt(t.rank());
        for (int d = 0; d < t.rank(); d++) out.writeInt(t.dim(d));
        for (int i = 0; i < t.size(); i++) out.writeFloat(t.get(i));
      }
      out.writeInt(numbers.size());
      for (Map.Entry<String, Double> e : numbers.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeDouble(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes {@link #toBytes()}; an empty array is the empty state.
   *
   * @throws IllegalArgumentException if the bytes are not a state of this format and version
   */
  public static StrategyState fromBytes(byte[] bytes) {
    if (bytes.length == 0) return empty();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) throw new IllegalArgumentException("strategy state: not a Lianbang strategy state");
      int version = in.readInt();
      if (version != VERSION) throw new IllegalArgumentException("strategy state: unsupported version " + version);
      int count = in.readInt();
      List<Tensor> ts = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int[] shape = new int[in.readInt()];
        long n = 1;
        for (int d = 0; d < shape.length; d++) {
          shape[d] = in.readInt();
          n *= shape[d];
        }
        if (n < 0 || n > bytes.length) throw new IllegalArgumentException("strategy state: tensor " + i + " is truncated");
        float[] v = new float[(int) n];
        for (int k = 0; k < v.length; k++) v[k] = in.readFloat();
        ts.add(Tensor.adopt(shape, v));
      }
      Map<String, Double> nums = new java.util.TreeMap<>();
      int m = in.readInt();
      for (int i = 0; i < m; i++) nums.put(in.readUTF(), in.readDouble());
      return new StrategyState(Parameters.of(ts), nums);
    } catch (IOException e) {
      throw new IllegalArgumentException("strategy state is truncated or corrupt: " + e, e);
    }
  }
}
