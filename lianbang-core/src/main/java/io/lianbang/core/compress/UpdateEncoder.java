package io.lianbang.core.compress;

import io.lianbang.core.random.Seeds;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A client's side of a compressed uplink: encodes the update {@code trained − start} (float32) with
 * one codec, through the client's {@link ErrorFeedback} if it uses it. The residuals live as long
 * as this object: a client process keeps one across reconnections, a simulation one per virtual
 * client. Not thread-safe (a client trains one task at a time).
 */
public final class UpdateEncoder {
  private final Codec codec;
  private final ErrorFeedback feedback;

  /**
   * @param codec the codec of updates
   * @param errorFeedback whether to keep and resend what the codec did not send
   */
  public UpdateEncoder(Codec codec, boolean errorFeedback) {
    this.codec = Objects.requireNonNull(codec, "codec");
    this.feedback = errorFeedback ? new ErrorFeedback(codec) : null;
  }

  /** Whether this encoder encodes as {@code codec} (same name and parameters) with or without error feedback as asked. */
  public boolean matches(Codec other, boolean errorFeedback) {
    return codec.name().equals(other.name()) && codec.parameters().equals(other.parameters()) && (feedback != null) == errorFeedback;
  }

  /** The codec. */
  public Codec codec() {
    return codec;
  }

  /**
   * The encoding of {@code trained − start} for the fit task seeded with {@code taskSeed}; tensor
   * {@code t} draws its randomness from {@link EncodedTensors#tensorSeed tensorSeed(s, t)} with
   * {@code s = Seeds.derive(taskSeed, "uplink")}.
   *
   * @throws IllegalArgumentException if the layouts differ, or the codec refuses a value (a
   *     non-finite update); then the residuals are unchanged
   */
  public EncodedTensors encode(Parameters start, Parameters trained, long taskSeed) {
    long seed = Seeds.derive(taskSeed, "uplink");
    ParameterMath.requireSameLayout(start, trained);
    Parameters update = ParameterMath.zip(trained, start, (i, w, s) -> w - s);
    String nonFinite = update.firstNonFinite();
    if (nonFinite != null) throw new IllegalArgumentException("the update contains a non-finite value: " + nonFinite);
    if (feedback == null) return EncodedTensors.encode(codec, update, seed);
    List<byte[]> out = new ArrayList<>(update.count());
    for (int t = 0; t < update.count(); t++) {
      float[] u = update.tensor(t).toArray();
      byte[] bytes = new byte[Math.toIntExact(codec.encodedBytes(u.length))];
      feedback.compress(t, u, ByteBuffer.wrap(bytes), EncodedTensors.tensorSeed(seed, t));
      out.add(bytes);
    }
    return new EncodedTensors(codec, out);
  }

  /** The residual error feedback holds for tensor {@code t} of {@code length} values, its high part ({@link ErrorFeedback#residual}; zeros without error feedback). */
  public float[] residual(int t, int length) {
    return feedback == null ? new float[length] : feedback.residual(t, length);
  }

  /** The low part of that residual ({@link ErrorFeedback#residualLow}; zeros without error feedback). */
  public float[] residualLow(int t, int length) {
    return feedback == null ? new float[length] : feedback.residualLow(t, length);
  }
}
