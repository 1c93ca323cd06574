package io.lianbang.core.compress;

import io.lianbang.core.simd.VectorApi;

/**
 * The two loops of 8-bit block quantisation that dominate its cost, in a scalar and a Vector API
 * implementation ({@link VectorApi} chooses) that write the same bytes.
 */
interface Int8Kernel {
  /** The kernel for this JVM. */
  static Int8Kernel get() {
    return Holder.KERNEL;
  }

  /**
   * The least and the greatest of {@code sortable(bits(v[i]))} over {@code [base, base + m)}, as
   * {@code (long) lo << 32 | hi & 0xffffffffL}; see {@link BlockQuantizer}.
   */
  long sortableRange(float[] v, int base, int m);

  /**
   * The codes {@code min(trunc((v[base + i] − min) · inv + u_i · 2^-16), 255)} of {@code i < m} into
   * {@code codes}, in float arithmetic, {@code u_i} the 16 bits {@code 16 (i mod 4)} up of {@code
   * SplitMix64.mix(key + (i / 4 + 1) · GOLDEN_GAMMA)}.
   */
  void quantise(float[] v, int base, int m, float min, float inv, long key, byte[] codes);

  /** The kernel chosen once per JVM. */
  final class Holder {
    static final Int8Kernel KERNEL = load();

    private Holder() {}

    private static Int8Kernel load() {
      if (!VectorApi.selected()) return new ScalarInt8Kernel();
      try {
        return (Int8Kernel) Class.forName("io.lianbang.core.compress.VectorInt8Kernel").getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        throw new IllegalStateException("the vector 8-bit quantiser could not be loaded: " + e, e);
      }
    }
  }
}
