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
 * <p>A residual is an unevaluated sum of two float32 values per entry, {@code hi + lo} (8 bytes per
 * value). {@link #compress} computes {@code input = f32(f32(update + hi) + lo)} (the first time, with
 * no residual yet, {@code input = update}), encodes it, decodes what was sent (chunk by chunk,
 * O(chunk) extra memory besides the input) and keeps the new residual from the error-free
 * transformation TwoSum (Knuth, <i>TAOCP</i> vol. 2, §4.2.2; Møller 1965) of {@code input} and
 * {@code -sent}, six float32 operations without branches: {@code hi = f32(input - sent)}, {@code v =
 * hi - input}, {@code u = hi - v}, {@code lo = (input - u) + (-sent - v)}. Then {@code input - sent
 * == hi + lo} exactly, for every codec and every finite input whose decoded value and difference are
 * finite (fp16 decodes magnitudes of 65520 and more as infinity): mass is conserved, {@code sent + hi
 * + lo == input} in real arithmetic. Not thread-safe: one instance per client.
 */
public final class ErrorFeedback {
  private static final int CHUNK = 4096;

  private final Codec codec;
  private final Map<Integer, Residual> residuals = new HashMap<>();
  private final float[] sent = new float[CHUNK];

  /** A tensor's residual {@code hi + lo}. */
  private record Residual(float[] hi, float[] lo) {}

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
    Residual r = residuals.get(tensor);
    if (r != null && r.hi.length != update.length) {
      throw new IllegalArgumentException(
          "tensor " + tensor + " has " + update.length + " values, its residual " + r.hi.length);
    }
    float[] input = new float[update.length];
    if (r == null) System.arraycopy(update, 0, input, 0, update.length);
    else for (int i = 0; i < input.length; i++) input[i] = (update[i] + r.hi[i]) + r.lo[i];
    int start = out.position();
    codec.encode(input, 0, input.length, out, seed);
    float[] lo = new float[input.length];
    ChunkDecoder d = codec.decoder(out.duplicate().position(start), input.length);
    for (int off = 0; off < input.length; off += CHUNK) {
      int m = Math.min(CHUNK, input.length - off);
      d.next(sent, 0, m);
      for (int i = 0; i < m; i++) {
        float a = input[off + i];
        float b = -sent[i];
        float s = a + b;
        float v = s - a;
        float u = s - v;
        lo[off + i] = (a - u) + (b - v);
        input[off + i] = s;
      }
    }
    residuals.put(tensor, new Residual(input, lo));
  }

  /**
   * A copy of the high part {@code hi} of tensor {@code tensor}'s residual (its float32 rounding),
   * or zeros of {@code length} if it has none yet.
   */
  public float[] residual(int tensor, int length) {
    Residual r = residuals.get(tensor);
    return r == null ? new float[length] : r.hi.clone();
  }

  /**
   * A copy of the low part {@code lo} of tensor {@code tensor}'s residual (the rounding error of
   * {@code hi}), or zeros of {@code length} if it has none yet.
   */
  public float[] residualLow(int tensor, int length) {
    Residual r = residuals.get(tensor);
    return r == null ? new float[length] : r.lo.clone();
  }

  /** Forgets every residual. */
  public void reset() {
    residuals.clear();
  }
}
