package io.lianbang.sim;

import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.Codecs;
import io.lianbang.core.compress.Compression;
import io.lianbang.sim.spec.CompressionSpec;
import io.lianbang.sim.spec.PrivacySpec;

/**
 * Applies a {@link CompressionSpec} beside the privacy settings, the same way for {@code simulate}
 * and {@code server}.
 *
 * <ul>
 *   <li>Client-side DP: clients compress after clipping and noise (the compressing layer is
 *       outermost), so the guarantee is unchanged (post-processing).
 *   <li>Secure aggregation: the update leaves the client only masked, in SecAgg's field; a
 *       sparsifying codec is refused (the masks make every masked vector dense) and so is error
 *       feedback (the client never learns what the field rounded away). A dense codec of b bits
 *       per value instead narrows the field to {@code b + ⌈log2 n⌉} bits for n clients per round
 *       (at least 16, never more than {@code privacy.secagg.modulus_bits}): the same resolution
 *       per client, {@code (32 − that)/32} fewer masked bytes than 32 bits.
 *   <li>Paillier aggregation: refused; clients send ciphertexts, which no codec shrinks.
 *   <li>Robust aggregators and server-side DP see decoded updates: nothing to do.
 * </ul>
 */
public final class CompressionWiring {
  /** The narrowest field secure aggregation accepts. */
  private static final int MIN_MODULUS_BITS = 16;

  private CompressionWiring() {}

  /**
   * Refuses settings that cannot work together.
   *
   * @throws IllegalArgumentException naming the keys and the reason
   */
  public static void requireCompatible(CompressionSpec c, PrivacySpec p) {
    if (p.paillier().enabled() && c.active()) {
      throw new IllegalArgumentException("compression (uplink " + c.uplink().codec() + ", downlink " + c.downlink().codec()
          + ") cannot be used with privacy.paillier: clients send ciphertexts of their updates, which no codec shrinks");
    }
    if (p.secagg().enabled()) {
      String up = c.uplink().codec();
      if (Codecs.SPARSE.contains(up)) {
        throw new IllegalArgumentException("compression.uplink.codec " + up + " cannot be used with privacy.secagg: "
            + "the masks make every masked vector dense, so a sparse update saves nothing");
      }
      if (c.uplink().errorFeedback()) {
        throw new IllegalArgumentException("compression.uplink.error_feedback cannot be used with privacy.secagg: "
            + "the update is rounded inside the protocol's field, so the client cannot know what was not sent");
      }
    }
  }

  /**
   * The round loop's compression: as specified, except that under secure aggregation the uplink
   * codec only narrows the field ({@link #secAggModulusBits}) and updates are not encoded.
   */
  public static Compression compression(CompressionSpec c, PrivacySpec p) {
    Compression full = c.compression();
    return p.secagg().enabled() ? new Compression(null, false, full.downlink(), full.downlinkDelta()) : full;
  }

  /**
   * The bits of secure aggregation's field for rounds of at most {@code clientsPerRound} clients:
   * {@code privacy.secagg.modulus_bits}, or narrower with a dense uplink codec (see the class
   * comment).
   */
  public static int secAggModulusBits(CompressionSpec c, PrivacySpec p, int clientsPerRound) {
    int configured = p.secagg().modulusBits();
    Codec up = c.uplink().toCodec();
    if (up == null) return configured;
    int headroom = 32 - Integer.numberOfLeadingZeros(Math.max(1, clientsPerRound) - 1);
    return Math.min(configured, Math.max(MIN_MODULUS_BITS, bitsPerValue(up) + headroom));
  }

  /** The resolution of a dense codec: its bits per value, metadata left out (int8: 8, fp16: 16). */
  private static int bitsPerValue(Codec codec) {
    int n = 1 << 20;
    return (int) (8 * codec.encodedBytes(n) / n);
  }
}
