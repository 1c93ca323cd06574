package io.lianbang.core.compress;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Error feedback (error compensation, "memory"): one client's residuals, per tensor, of what a
 * codec did not send, added to the next update before it is encoded (Seide et al. 2014; Stich,
 * Cordonnier &amp; Jaggi, <i>Sparsified SGD with memory</i>, NeurIPS 2018; Karimireddy, Rebjock,
 * Stich &amp; Jaggi, <i>Error feedback fixes SignSGD and other gradient compression schemes</i>, ICML
 * 2019). With it, biased codecs such as top-k converge like uncompressed SGD.
 *
 * <p>{@link #compress} computes in float32 {@code input = update + residual}, encodes it, decodes
 * what was sent (chunk by chunk, O(chunk) extra memory) and keeps {@code residual = input - sent}.
 * Mass is conserved exactly ({@code sent + residual == input} bit for bit) wherever that subtraction
 * is exact: always for the sparse codecs with float32 values (sent is the input or zero) and for
 * round-to-nearest codecs (fp16, bf16) within their finite range (Sterbenz's lemma: sent is within a
 * factor 2 of the input, or zero); for the stochastic quantisers (int8, int4, qsgd) the subtraction
 * can round, by at most half an ulp of the residual. Not thread-safe: one instance per client.
 */
public final class ErrorFeedback {
  private static final int CHUNK = 4096;

  private final Codec codec;
  private final Map<Integer, float[]> residuals = new HashMap<>();
  private final float[] sent = new float[CHUNK];

  /** Error feedback around {@code codec}; every residual starts at zero. */
  public ErrorFeedback(Codec codec) {
    this.codec = codec;
  }

  /** The codec. */
  public Codec codec() {
    return codec;
  }

  /**
   * Encodes {@code update} plus tensor {@code tensor}'s residual into {@code out} (advancing its
   * position by {@code codec().encodedBytes(update.length)}) and keeps the new residual.
   *
   * @throws IllegalArgumentException if the tensor had a different length before, or as the
   *     codec's {@code encode}; then the residual is unchanged
   */
  public void compress(int tensor, float[] update, ByteBuffer out, long seed) {
    float[] r = residuals.get(tensor);
    if (r != null && r.length != update.length) {
      throw new IllegalArgumentException(
          "tensor " + tensor + " has " + update.length + " values, its residual " + r.length);
    }
    float[] input = new float[update.length];
    if (r == null) System.arraycopy(update, 0, input, 0, update.length);
    else for (int i = 0; i < input.length; i++) input[i] = update[i] + r[i];
    int start = out.position();
    codec.encode(input, 0, input.length, out, seed);
    ChunkDecoder d = codec.decoder(out.duplicate().position(start), input.length);
    for (int off = 0; off < input.length; off += CHUNK) {
      int m = Math.min(CHUNK, input.length - off);
      d.next(sent, 0, m);
      for (int i = 0; i < m; i++) input[off + i] -= sent[i];
    }
    residuals.put(tensor, input);
  }

  /** A copy of tensor {@code tensor}'s residual, or zeros of {@code length} if it has none yet. */
  public float[] residual(int tensor, int length) {
    float[] r = residuals.get(tensor);
    return r == null ? new float[length] : r.clone();
  }

  /** Forgets every residual. */
  public void reset() {
    residuals.clear();
  }
}
