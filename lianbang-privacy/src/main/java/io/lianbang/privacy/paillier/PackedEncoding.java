package io.lianbang.privacy.paillier;

import java.math.BigInteger;

/**
 * Packs several fixed-point values into one Paillier plaintext, so that one encryption (the
 * costly r^n mod n²) carries k values and one homomorphic addition adds k pairs of values: the
 * "GH packing" and ciphertext compression of FATE's SecureBoost, which encrypts a sample's
 * gradient and hessian as one number and packs several histogram bins per ciphertext, applied to
 * the per-bin gradient sums of Cheng et al. 2019 ("SecureBoost: A Lossless Federated Learning
 * Framework", Algorithm 1).
 *
 * <p>Layout. A value x with |x| ≤ {@code maxAbsValue} becomes the integer v = round(x·2^f)
 * (f = {@code fractionBits}, ties to even) and is shifted by the offset B = round(maxAbsValue·2^f)
 * into u = v + B ∈ [0, 2B], so negative values need no modular wrap. Each slot is w bits wide with
 * w = bitLength(M·2B), M = {@code maxAdditions}: the sum of up to M shifted values, at most M·2B,
 * never carries into the next slot. Slot i holds bits [i·w, (i+1)·w) of the plaintext, slot 0
 * being the least significant:
 *
 * <pre>
 *   plaintext = Σ_{i &lt; k} u_i · 2^(i·w),   k = ⌊(bits(n) − 1) / w⌋ slots unless fewer are asked for
 * </pre>
 *
 * Because k·w ≤ bits(n) − 1 a plaintext, and any sum of at most M plaintexts, is below
 * 2^(bits(n)−1) ≤ n, so Paillier's addition modulo n never wraps. Values after the last one of a
 * vector fill their slots with 0 (u = B). After adding m ≤ M packed plaintexts homomorphically,
 * slot i holds Σ u = Σ v + m·B; {@link #unpack} subtracts m·B and divides by 2^f.
 *
 * <p>Error bound. The decoded sum of m values is exactly the sum of their fixed-point encodings,
 * so it differs from the sum of the doubles by at most m·2^−(f+1) (each value is rounded by at
 * most 2^−(f+1)), plus the rounding of the result to a double (relative 2^−53).
 */
public final class PackedEncoding {
  /** Bits of n left unused above the slots: k·w ≤ bits(n) − 1 keeps every sum below n. */
  public static final int SAFETY_MARGIN_BITS = 1;
  /** The largest offset B = maxAbsValue·2^f, so that v + B ∈ [0, 2B] fits a long. */
  public static final long MAX_OFFSET = 1L << 61;

  private final int fractionBits;
  private final double maxAbsValue;
  private final long offset;
  private final int maxAdditions;
  private final int slotBits;
  private final int slots;
  private final BigInteger slotMask;

  private PackedEncoding(int fractionBits, double maxAbsValue, long offset, int maxAdditions, int slotBits, int slots) {
    this.fractionBits = fractionBits;
    this.maxAbsValue = maxAbsValue;
    this.offset = offset;
    this.maxAdditions = maxAdditions;
    this.slotBits = slotBits;
    this.slots = slots;
    this.slotMask = BigInteger.ONE.shiftLeft(slotBits).subtract(BigInteger.ONE);
  }

  /** A builder for packing under {@code key}; the number of slots follows from its size. */
  public static Builder builder(PaillierPublicKey key) {
    return new Builder(key);
  }

  /** Fraction bits f of the fixed-point encoding. */
  public int fractionBits() {
    return fractionBits;
  }

  /** The largest |x| accepted by {@link #pack}. */
  public double maxAbsValue() {
    return maxAbsValue;
  }

  /** The offset B = round(maxAbsValue·2^f) added to every encoded value. */
  public long offset() {
    return offset;
  }

  /** The largest number m of packed plaintexts whose sum {@link #unpack} decodes. */
  public int maxAdditions() {
    return maxAdditions;
  }

  /** The width w of a slot in bits. */
  public int slotBits() {
    return slotBits;
  }

  /** The number k of values per plaintext. */
  public int slots() {
    return slots;
  }

  /** The number of plaintexts that {@code count} values pack into. */
  public int plaintextsFor(int count) {
    if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
    return (count + slots - 1) / slots;
  }

  /** The largest difference between a decoded sum of m values and the sum of the doubles packed. */
  public double errorBound(int additions) {
    return additions * Math.scalb(1.0, -(fractionBits + 1));
  }

  /**
   * Packs {@code values} into ⌈length/k⌉ plaintexts in [0, n), value j in slot j mod k of
   * plaintext j / k.
   *
   * @throws IllegalArgumentException if a value is not finite or |value| exceeds maxAbsValue
   */
  public BigInteger[] pack(double[] values) {
    BigInteger[] out = new BigInteger[plaintextsFor(values.length)];
    for (int p = 0; p < out.length; p++) {
      BigInteger m = BigInteger.ZERO;
      for (int s = slots - 1; s >= 0; s--) {
        int j = p * slots + s;
        long u = j < values.length ? shifted(values[j], j) : offset;
        m = m.shiftLeft(slotBits).or(BigInteger.valueOf(u));
      }
      out[p] = m;
    }
    return out;
  }

  /**
   * The first {@code count} values of sums of {@code additions} packed vectors: {@code sums[p]}
   * is the decrypted sum of plaintext p of each vector.
   *
   * @throws IllegalArgumentException if additions is outside [1, maxAdditions], count does not
   *     match the number of plaintexts, or a plaintext is not such a sum (too wide, or a slot above
   *     additions·2B)
   */
  public double[] unpack(BigInteger[] sums, int count, int additions) {
    if (additions < 1 || additions > maxAdditions) {
      throw new IllegalArgumentException("additions must be in [1, " + maxAdditions + "] (the headroom of the slots), got " + additions);
    }
    if (count < 0 || plaintextsFor(count) != sums.length) {
      throw new IllegalArgumentException("count " + count + " does not fit " + sums.length + " plaintexts of " + slots + " slots");
    }
    BigInteger bias = BigInteger.valueOf(offset).multiply(BigInteger.valueOf(additions));
    BigInteger slotMax = bias.shiftLeft(1);
    double scale = Math.scalb(1.0, fractionBits);
    double[] out = new double[count];
    for (int p = 0; p < sums.length; p++) {
      BigInteger m = sums[p];
      if (m.signum() < 0 || m.bitLength() > slots * slotBits) {
        throw new IllegalArgumentException("plaintext " + p + " has " + m.bitLength() + " bits, more than " + slots + " slots of " + slotBits);
      }
      for (int s = 0; s < slots; s++) {
        BigInteger u = m.shiftRight(s * slotBits).and(slotMask);
        if (u.compareTo(slotMax) > 0) {
          throw new IllegalArgumentException("slot " + s + " of plaintext " + p + " exceeds the sum of " + additions + " values");
        }
        int j = p * slots + s;
        if (j < count) out[j] = u.subtract(bias).doubleValue() / scale;
      }
    }
    return out;
  }

  private long shifted(double x, int index) {
    double scaled = Math.rint(Math.scalb(x, fractionBits));
    if (!(Math.abs(scaled) <= offset)) {
      throw new IllegalArgumentException("value " + x + " at index " + index + " is outside [-" + maxAbsValue + ", " + maxAbsValue + "]");
    }
    return (long) scaled + offset;
  }

  /** Validates the parameters and computes the slot width and count. */
  public static final class Builder {
    private final PaillierPublicKey key;
    private int fractionBits = 40;
    private double maxAbsValue = 1.0;
    private int maxAdditions = 1 << 20;
    private int slots;

    private Builder(PaillierPublicKey key) {
      this.key = java.util.Objects.requireNonNull(key, "key");
    }

    /** Fraction bits f in [0, 60] (default 40). */
    public Builder fractionBits(int fractionBits) {
      if (fractionBits < 0 || fractionBits > 60) throw new IllegalArgumentException("fractionBits must be in [0, 60], got " + fractionBits);
      this.fractionBits = fractionBits;
      return this;
    }

    /** The largest |x| to pack, positive and finite (default 1). */
    public Builder maxAbsValue(double maxAbsValue) {
      if (!(maxAbsValue > 0) || !Double.isFinite(maxAbsValue)) throw new IllegalArgumentException("maxAbsValue must be positive and finite, got " + maxAbsValue);
      this.maxAbsValue = maxAbsValue;
      return this;
    }

    /** The most packed plaintexts that will be summed before unpacking, ≥ 1 (default 2^20). */
    public Builder maxAdditions(int maxAdditions) {
      if (maxAdditions < 1) throw new IllegalArgumentException("maxAdditions must be >= 1, got " + maxAdditions);
      this.maxAdditions = maxAdditions;
      return this;
    }

    /** Values per plaintext, ≥ 1 (default: as many as fit the key). */
    public Builder slots(int slots) {
      if (slots < 1) throw new IllegalArgumentException("slots must be >= 1, got " + slots);
      this.slots = slots;
      return this;
    }

    /**
     * The encoding.
     *
     * @throws IllegalArgumentException if maxAbsValue·2^f is below 1 or above 2^61, or the slots do
     *     not fit in bits(n) − 1 bits
     */
    public PackedEncoding build() {
      double b = Math.rint(Math.scalb(maxAbsValue, fractionBits));
      if (b < 1 || b > MAX_OFFSET) {
        throw new IllegalArgumentException("maxAbsValue·2^fractionBits must be in [1, 2^61], got " + maxAbsValue + "·2^" + fractionBits);
      }
      long offset = (long) b;
      int slotBits = BigInteger.valueOf(offset).shiftLeft(1).multiply(BigInteger.valueOf(maxAdditions)).bitLength();
      int usable = key.bits() - SAFETY_MARGIN_BITS;
      int capacity = usable / slotBits;
      if (capacity < 1) {
        throw new IllegalArgumentException("a slot of " + slotBits + " bits (maxAbsValue " + maxAbsValue + ", fractionBits " + fractionBits
            + ", maxAdditions " + maxAdditions + ") does not fit a " + key.bits() + "-bit key");
      }
      if (slots > capacity) {
        throw new IllegalArgumentException("slots must be at most " + capacity + " for " + slotBits + "-bit slots under a " + key.bits() + "-bit key, got " + slots);
      }
      return new PackedEncoding(fractionBits, maxAbsValue, offset, maxAdditions, slotBits, slots == 0 ? capacity : slots);
    }
  }
}
