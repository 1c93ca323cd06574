package io.lianbang.engine.kernel;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the JDK Vector API, register-blocked for AVX-512 (and AVX2).
 *
 * <p>The GEMM walks the output in panels of {@value #COLS} vectors; within a panel it steps
 * through the reduction in blocks of {@value #KC} indices so that the slice of {@code B} stays in
 * the L1 cache, and for each block of up to 8 rows keeps all partial sums of the block in
 * registers. Each partial sum lives in one lane and is updated by a broadcast-FMA for every
 * reduction index in ascending order, exactly as {@link ScalarKernel} does with
 * {@code Math.fma}, so both produce the same bits. No horizontal reduction is used.
 *
 * <p>Partial sums start from a row-strided "start" array: {@code C} itself (accumulate, or any
 * reduction block after the first), the bias (stride 0), or a shared zero array (stride 0).
 * Row biases are first copied into {@code C} and then accumulated onto.
 *
 * <p>This class references {@code jdk.incubator.vector} and must only be loaded when that module
 * is present; {@link Kernels} instantiates it reflectively.
 */
final class VectorKernel extends AbstractKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
  /** Full vectors per column panel. */
  static final int COLS = 3;
  /** Reduction indices per cache block. */
  static final int KC = 128;
  /** Read-only zeros used as the start of {@link GemmInit#ZERO} products; grows on demand. */
  private static volatile float[] zeros = new float[1024];

  /** Eight floats: the blocks {@link #transpose} turns in registers are 8×8. */
  private static final VectorSpecies<Float> T8 = FloatVector.SPECIES_256;
  /** Two-vector shuffles (an index of 8 or more takes the second vector's lane) of the three stages of an 8×8 transpose. */
  private static final VectorShuffle<Float> EVEN1 = VectorShuffle.fromValues(T8, 0, 8, 2, 10, 4, 12, 6, 14);
  private static final VectorShuffle<Float> ODD1 = VectorShuffle.fromValues(T8, 1, 9, 3, 11, 5, 13, 7, 15);
  private static final VectorShuffle<Float> LOW2 = VectorShuffle.fromValues(T8, 0, 1, 8, 9, 4, 5, 12, 13);
  private static final VectorShuffle<Float> HIGH2 = VectorShuffle.fromValues(T8, 2, 3, 10, 11, 6, 7, 14, 15);
  private static final VectorShuffle<Float> LOW4 = VectorShuffle.fromValues(T8, 0, 1, 2, 3, 8, 9, 10, 11);
  private static final VectorShuffle<Float> HIGH4 = VectorShuffle.fromValues(T8, 4, 5, 6, 7, 12, 13, 14, 15);

  /**
   * The transpose in 8×8 blocks, each loaded as eight rows, turned with three stages of two-vector
   * shuffles and stored as eight columns; the blocks are walked in 32×32 tiles, and the edges that
   * do not fill a block are copied one value at a time. A copy, so the same bits as the default.
   */
  @Override
  public void transpose(int m, int n, float[] src, int srcOffset, float[] dst, int dstOffset) {
    int m8 = m & ~7;
    int n8 = n & ~7;
    for (int i0 = 0; i0 < m8; i0 += 32) {
      for (int j0 = 0; j0 < n8; j0 += 32) {
        for (int i = i0, i1 = Math.min(m8, i0 + 32); i < i1; i += 8) {
          for (int j = j0, j1 = Math.min(n8, j0 + 32); j < j1; j += 8) {
            transpose8(src, srcOffset + i * n + j, n, dst, dstOffset + j * m + i, m);
          }
        }
      }
    }
    for (int i = 0; i < m; i++) {
      for (int j = i < m8 ? n8 : 0; j < n; j++) dst[dstOffset + j * m + i] = src[srcOffset + i * n + j];
    }
  }

  /** Transposes the 8×8 block at {@code s} (row stride {@code ls}) of {@code src} to {@code d} (row stride {@code ld}) of {@code dst}. */
  private static void transpose8(float[] src, int s, int ls, float[] dst, int d, int ld) {
    FloatVector r0 = FloatVector.fromArray(T8, src, s);
    FloatVector r1 = FloatVector.fromArray(T8, src, s + ls);
    FloatVector r2 = FloatVector.fromArray(T8, src, s + 2 * ls);
    FloatVector r3 = FloatVector.fromArray(T8, src, s + 3 * ls);
    FloatVector r4 = FloatVector.fromArray(T8, src, s + 4 * ls);
    FloatVector r5 = FloatVector.fromArray(T8, src, s + 5 * ls);
    FloatVector r6 = FloatVector.fromArray(T8, src, s + 6 * ls);
    FloatVector r7 = FloatVector.fromArray(T8, src, s + 7 * ls);
    // pairs of rows interleaved by single lanes, then by pairs of lanes, then by halves
    FloatVector a0 = r0.rearrange(EVEN1, r1);
    FloatVector a1 = r0.rearrange(ODD1, r1);
    FloatVector a2 = r2.rearrange(EVEN1, r3);
    FloatVector a3 = r2.rearrange(ODD1, r3);
    FloatVector a4 = r4.rearrange(EVEN1, r5);
    FloatVector a5 = r4.rearrange(ODD1, r5);
    FloatVector a6 = r6.rearrange(EVEN1, r7);
    FloatVector a7 = r6.rearrange(ODD1, r7);
    FloatVector b0 = a0.rearrange(LOW2, a2);
    FloatVector b1 = a1.rearrange(LOW2, a3);
    FloatVector b2 = a0.rearrange(HIGH2, a2);
    FloatVector b3 = a1.rearrange(HIGH2, a3);
    FloatVector b4 = a4.rearrange(LOW2, a6);
    FloatVector b5 = a5.rearrange(LOW2, a7);
    FloatVector b6 = a4.rearrange(HIGH2, a6);
    FloatVector b7 = a5.rearrange(HIGH2, a7);
    b0.rearrange(LOW4, b4).intoArray(dst, d);
    b1.rearrange(LOW4, b5).intoArray(dst, d + ld);
    b2.rearrange(LOW4, b6).intoArray(dst, d + 2 * ld);
    b3.rearrange(LOW4, b7).intoArray(dst, d + 3 * ld);
    b0.rearrange(HIGH4, b4).intoArray(dst, d + 4 * ld);
    b1.rearrange(HIGH4, b5).intoArray(dst, d + 5 * ld);
    b2.rearrange(HIGH4, b6).intoArray(dst, d + 6 * ld);
    b3.rearrange(HIGH4, b7).intoArray(dst, d + 7 * ld);
  }

  @Override
  public String name() {
    return "vector(" + S.vectorBitSize() + "-bit)";
  }

  @Override
  int columnPanel() {
    return COLS * L;
  }

  @Override
  int columnUnit() {
    return L;
  }

  private static float[] zeros(int n) {
    float[] z = zeros;
    if (z.length < n) {
      z = new float[Math.max(n, 2 * z.length)];
      zeros = z;
    }
    return z;
  }

  @Override
  void tile(Gemm g, int m0, int m1, int n0, int n1) {
    GemmInit init = g.init;
    if (init == GemmInit.ROW_BIAS) {
      for (int i = m0; i < m1; i++) {
        int ci = g.cOffset + i * g.ldc;
        Arrays.fill(g.c, ci + n0, ci + n1, g.bias[g.biasOffset + i]);
      }
      init = GemmInit.ACCUMULATE;
    }
    final float[] start;
    final int startOffset;
    final int startStride;
    switch (init) {
      case ZERO:
        start = zeros(n1);
        startOffset = 0;
        startStride = 0;
        break;
      case COLUMN_BIAS:
        start = g.bias;
        startOffset = g.biasOffset;
        startStride = 0;
        break;
      default:
        start = g.c;
        startOffset = g.cOffset;
        startStride = g.ldc;
    }
    final int panel = COLS * L;
    int end = n1;
    if ((n1 - n0) % L != 0 && n1 - n0 >= L && (init == GemmInit.ZERO || init == GemmInit.COLUMN_BIAS)) {
      // The ragged last columns: compute the last full vector [n1 - L, n1) first, overlapping
      // columns that the loops below compute again with the same bits. Done first because the
      // loops below start from the start array, not from C, so they never read the overlap.
      oneColumn(g, m0, m1, n1 - L, start, startOffset, startStride);
      end = n1 - (n1 - n0) % L;
    }
    int j = n0;
    for (; j + panel <= end; j += panel) {
      for (int kb = 0; kb < g.k || kb == 0; kb += KC) {
        int ke = Math.min(g.k, kb + KC);
        float[] s = kb == 0 ? start : g.c;
        int so = kb == 0 ? startOffset : g.cOffset;
        int ss = kb == 0 ? startStride : g.ldc;
        int i = m0;
        for (; i + 8 <= m1; i += 8) full8(g, i, j, kb, ke, s, so + i * ss + j, ss);
        for (; i + 4 <= m1; i += 4) full4(g, i, j, kb, ke, s, so + i * ss + j, ss);
        for (; i + 2 <= m1; i += 2) full2(g, i, j, kb, ke, s, so + i * ss + j, ss);
        for (; i < m1; i++) full1(g, i, j, kb, ke, s, so + i * ss + j, ss);
      }
    }
    for (; j + L <= end; j += L) oneColumn(g, m0, m1, j, start, startOffset, startStride);
    if (j < end) tail(g, m0, m1, j, n1, start, startOffset, startStride);
  }

  /**
   * Short reductions only. MLP 784-200-200-10, 2 threads, idle machine, samples/s: batch 10
   * (k = 10) 66.5k–70.5k with the update in registers against 62.7k–63.7k through scratch;
   * batch 64 (k = 64) 88k–104k against 103k–116k. Between those nothing was measured.
   */
  static final int REGISTER_SGD_MAX_K = 16;

  @Override
  int fusedSgdRows(int k, int rows) {
    if (k > REGISTER_SGD_MAX_K) return 0;
    return rows / 8 * 8;
  }

  @Override
  void sgdInRegisters(Gemm g, int m0, int m1, int n0, int n1, float lr) {
    final int panel = COLS * L;
    // rows outermost: the eight rows of A stay in L1 across the panels
    for (int i = m0; i + 8 <= m1; i += 8) {
      for (int j = n0; j + panel <= n1; j += panel) full8Sgd(g, i, j, lr);
    }
  }

  /** Output rows {@code [m0, m1)} of the {@code L} columns from {@code j}, over the whole reduction. */
  private static void oneColumn(Gemm g, int m0, int m1, int j, float[] start, int startOffset, int startStride) {
    for (int kb = 0; kb < g.k || kb == 0; kb += KC) {
      int ke = Math.min(g.k, kb + KC);
      float[] s = kb == 0 ? start : g.c;
      int so = kb == 0 ? startOffset : g.cOffset;
      int ss = kb == 0 ? startStride : g.ldc;
      int i = m0;
      for (; i + 8 <= m1; i += 8) one8(g, i, j, kb, ke, s, so + i * ss + j, ss);
      for (; i + 4 <= m1; i += 4) one4(g, i, j, kb, ke, s, so + i * ss + j, ss);
      for (; i + 2 <= m1; i += 2) one2(g, i, j, kb, ke, s, so + i * ss + j, ss);
      for (; i < m1; i++) one1(g, i, j, kb, ke, s, so + i * ss + j, ss);
    }
  }

  @Override
  void relu(float[] x, int off, int len) {
    final FloatVector zero = FloatVector.zero(S);
    int j = off;
    for (; j + L <= off + len; j += L) {
      FloatVector v = FloatVector.fromArray(S, x, j);
      zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(x, j);
    }
    for (; j < off + len; j++) {
      float v = x[j];
      x[j] = v > 0f ? v : 0f;
    }
  }

  @Override
  public void reluGrad(int len, float[] y, float[] dy, float[] dx) {
    final FloatVector zero = FloatVector.zero(S);
    int i = 0;
    for (; i + L <= len; i += L) {
      FloatVector yv = FloatVector.fromArray(S, y, i);
      zero.blend(FloatVector.fromArray(S, dy, i), yv.compare(VectorOperators.GT, 0f)).intoArray(dx, i);
    }
    for (; i < len; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
  }

  @Override
  void sgd(float[] w, int wo, float[] g, int go, int len, float lr) {
    int j = 0;
    for (; j + L <= len; j += L) {
      FloatVector gv = FloatVector.fromArray(S, g, go + j);
      FloatVector.fromArray(S, w, wo + j).sub(gv.mul(lr)).intoArray(w, wo + j);
    }
    for (; j < len; j++) w[wo + j] -= lr * g[go + j];
  }

  /**
   * Window origins of 2×2 stride-2 pooling, per input plane size: entry {@code o} is the offset
   * of output {@code o}'s top-left input within consecutive planes. Grown to the largest plane
   * count seen; a longer map serves fewer planes too.
   */
  private static final ConcurrentHashMap<Long, int[]> POOL_MAPS = new ConcurrentHashMap<>();

  private static int[] poolMap(int planes, int h, int w) {
    int oh = h / 2;
    int ow = w / 2;
    int size = planes * oh * ow;
    Long key = ((long) h << 32) | w;
    int[] map = POOL_MAPS.get(key);
    if (map != null && map.length >= size) return map;
    map = new int[size];
    int o = 0;
    for (int plane = 0; plane < planes; plane++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) map[o++] = plane * h * w + 2 * oy * w + 2 * ox;
      }
    }
    POOL_MAPS.put(key, map);
    return map;
  }

  /**
   * Gathers the four inputs of {@code L} windows at a time and keeps, per lane, the same
   * running maximum and index as the scalar loop.
   */
  @Override
  public void maxPool2x2(int planes, int h, int w, float[] x, int xOffset, float[] y, int yOffset, int[] argmax) {
    int outs = planes * (h / 2) * (w / 2);
    if (outs < L) {
      super.maxPool2x2(planes, h, w, x, xOffset, y, yOffset, argmax);
      return;
    }
    int[] map = poolMap(planes, h, w);
    int o = 0;
    for (; o + L <= outs; o += L) pool(map, o, w, x, xOffset, y, yOffset, argmax);
    if (o < outs) pool(map, outs - L, w, x, xOffset, y, yOffset, argmax); // overlaps, same values
  }

  private static void pool(int[] map, int o, int w, float[] x, int xOffset, float[] y, int yOffset, int[] argmax) {
    IntVector idx = IntVector.fromArray(I, map, o).add(xOffset);
    FloatVector bv = FloatVector.fromArray(S, x, xOffset, map, o);
    IntVector best = idx;
    VectorMask<Float> bvNan = bv.test(VectorOperators.IS_NAN);
    FloatVector v = FloatVector.fromArray(S, x, xOffset + 1, map, o);
    VectorMask<Float> t = v.compare(VectorOperators.GT, bv).or(v.test(VectorOperators.IS_NAN).andNot(bvNan));
    bv = bv.blend(v, t);
    best = best.blend(idx.add(1), t.cast(I));
    bvNan = bv.test(VectorOperators.IS_NAN);
    v = FloatVector.fromArray(S, x, xOffset + w, map, o);
    t = v.compare(VectorOperators.GT, bv).or(v.test(VectorOperators.IS_NAN).andNot(bvNan));
    bv = bv.blend(v, t);
    best = best.blend(idx.add(w), t.cast(I));
    bvNan = bv.test(VectorOperators.IS_NAN);
    v = FloatVector.fromArray(S, x, xOffset + w + 1, map, o);
    t = v.compare(VectorOperators.GT, bv).or(v.test(VectorOperators.IS_NAN).andNot(bvNan));
    bv = bv.blend(v, t);
    best = best.blend(idx.add(w + 1), t.cast(I));
    bv.intoArray(y, yOffset + o);
    best.intoArray(argmax, yOffset + o);
  }

  /**
   * The last {@code n1 - j < L} columns: copied into zero-padded scratch panels one vector wide,
   * multiplied there with the unmasked kernels, and copied back. (Masked vector loads and
   * stores are much slower than this on current JDKs.)
   */
  private static void tail(Gemm g, int m0, int m1, int j, int n1, float[] start, int startOffset, int startStride) {
    final int w = n1 - j;
    final int rows = m1 - m0;
    Scratch sc = SCRATCH.get();
    float[] bt = sc.b(g.k * L);
    for (int p = 0; p < g.k; p++) {
      System.arraycopy(g.b, g.bOffset + p * g.ldb + j, bt, p * L, w);
      Arrays.fill(bt, p * L + w, (p + 1) * L, 0f);
    }
    float[] ct = sc.c(rows * L);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(start, startOffset + (m0 + r) * startStride + j, ct, r * L, w);
      Arrays.fill(ct, r * L + w, (r + 1) * L, 0f);
    }
    Gemm packed = new Gemm(g.k, g.a, g.aOffset + m0 * g.aRowStride, g.aRowStride, g.aColStride,
        bt, 0, L, ct, 0, L, GemmInit.ACCUMULATE, null, 0);
    for (int kb = 0; kb < g.k || kb == 0; kb += KC) {
      int ke = Math.min(g.k, kb + KC);
      int i = 0;
      for (; i + 8 <= rows; i += 8) one8(packed, i, 0, kb, ke, ct, i * L, L);
      for (; i + 4 <= rows; i += 4) one4(packed, i, 0, kb, ke, ct, i * L, L);
      for (; i + 2 <= rows; i += 2) one2(packed, i, 0, kb, ke, ct, i * L, L);
      for (; i < rows; i++) one1(packed, i, 0, kb, ke, ct, i * L, L);
    }
    for (int r = 0; r < rows; r++) System.arraycopy(ct, r * L, g.c, g.cOffset + (m0 + r) * g.ldc + j, w);
  }

  /** Per-thread scratch for {@link #tail}. */
  private static final class Scratch {
    private float[] b = new float[0];
    private float[] c = new float[0];

    float[] b(int n) {
      if (b.length < n) b = new float[n];
      return b;
    }

    float[] c(int n) {
      if (c.length < n) c = new float[n];
      return c;
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static void full8(Gemm g, int i, int j, int kb, int ke, float[] s, int s0, int ss) {
    final float[] a = g.a;
    final float[] b = g.b;
    final int acs = g.aColStride;
    final int ldb = g.ldb;
    final int a0 = g.aOffset + i * g.aRowStride;
    final int a1 = a0 + g.aRowStride;
    final int a2 = a1 + g.aRowStride;
    final int a3 = a2 + g.aRowStride;
    final int a4 = a3 + g.aRowStride;
    final int a5 = a4 + g.aRowStride;
    final int a6 = a5 + g.aRowStride;
    final int a7 = a6 + g.aRowStride;
    FloatVector s00 = FloatVector.fromArray(S, s, s0);
    FloatVector s01 = FloatVector.fromArray(S, s, s0 + L);
    FloatVector s02 = FloatVector.fromArray(S, s, s0 + 2 * L);
    FloatVector s10 = FloatVector.fromArray(S, s, s0 + ss);
    FloatVector s11 = FloatVector.fromArray(S, s, s0 + ss + L);
    FloatVector s12 = FloatVector.fromArray(S, s, s0 + ss + 2 * L);
    FloatVector s20 = FloatVector.fromArray(S, s, s0 + 2 * ss);
    FloatVector s21 = FloatVector.fromArray(S, s, s0 + 2 * ss + L);
    FloatVector s22 = FloatVector.fromArray(S, s, s0 + 2 * ss + 2 * L);
    FloatVector s30 = FloatVector.fromArray(S, s, s0 + 3 * ss);
    FloatVector s31 = FloatVector.fromArray(S, s, s0 + 3 * ss + L);
    FloatVector s32 = FloatVector.fromArray(S, s, s0 + 3 * ss + 2 * L);
    FloatVector s40 = FloatVector.fromArray(S, s, s0 + 4 * ss);
    FloatVector s41 = FloatVector.fromArray(S, s, s0 + 4 * ss + L);
    FloatVector s42 = FloatVector.fromArray(S, s, s0 + 4 * ss + 2 * L);
    FloatVector s50 = FloatVector.fromArray(S, s, s0 + 5 * ss);
    FloatVector s51 = FloatVector.fromArray(S, s, s0 + 5 * ss + L);
    FloatVector s52 = FloatVector.fromArray(S, s, s0 + 5 * ss + 2 * L);
    FloatVector s60 = FloatVector.fromArray(S, s, s0 + 6 * ss);
    FloatVector s61 = FloatVector.fromArray(S, s, s0 + 6 * ss + L);
    FloatVector s62 = FloatVector.fromArray(S, s, s0 + 6 * ss + 2 * L);
    FloatVector s70 = FloatVector.fromArray(S, s, s0 + 7 * ss);
    FloatVector s71 = FloatVector.fromArray(S, s, s0 + 7 * ss + L);
    FloatVector s72 = FloatVector.fromArray(S, s, s0 + 7 * ss + 2 * L);
    for (int p = kb; p < ke; p++) {
      final int bo = g.bOffset + p * ldb + j;
      final FloatVector b0 = FloatVector.fromArray(S, b, bo);
      final FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      final FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
      final int ap = p * acs;
      FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
      s00 = x.fma(b0, s00);
      s01 = x.fma(b1, s01);
      s02 = x.fma(b2, s02);
      x = FloatVector.broadcast(S, a[a1 + ap]);
      s10 = x.fma(b0, s10);
      s11 = x.fma(b1, s11);
      s12 = x.fma(b2, s12);
      x = FloatVector.broadcast(S, a[a2 + ap]);
      s20 = x.fma(b0, s20);
      s21 = x.fma(b1, s21);
      s22 = x.fma(b2, s22);
      x = FloatVector.broadcast(S, a[a3 + ap]);
      s30 = x.fma(b0, s30);
      s31 = x.fma(b1, s31);
      s32 = x.fma(b2, s32);
      x = FloatVector.broadcast(S, a[a4 + ap]);
      s40 = x.fma(b0, s40);
      s41 = x.fma(b1, s41);
      s42 = x.fma(b2, s42);
      x = FloatVector.broadcast(S, a[a5 + ap]);
      s50 = x.fma(b0, s50);
      s51 = x.fma(b1, s51);
      s52 = x.fma(b2, s52);
      x = FloatVector.broadcast(S, a[a6 + ap]);
      s60 = x.fma(b0, s60);
      s61 = x.fma(b1, s61);
      s62 = x.fma(b2, s62);
      x = FloatVector.broadcast(S, a[a7 + ap]);
      s70 = x.fma(b0, s70);
      s71 = x.fma(b1, s71);
      s72 = x.fma(b2, s72);
    }
    final float[] c = g.c;
    final int c0 = g.cOffset + i * g.ldc + j;
    final int c1 = c0 + g.ldc;
    final int c2 = c1 + g.ldc;
    final int c3 = c2 + g.ldc;
    final int c4 = c3 + g.ldc;
    final int c5 = c4 + g.ldc;
    final int c6 = c5 + g.ldc;
    final int c7 = c6 + g.ldc;
    s00.intoArray(c, c0);
    s01.intoArray(c, c0 + L);
    s02.intoArray(c, c0 + 2 * L);
    s10.intoArray(c, c1);
    s11.intoArray(c, c1 + L);
    s12.intoArray(c, c1 + 2 * L);
    s20.intoArray(c, c2);
    s21.intoArray(c, c2 + L);
    s22.intoArray(c, c2 + 2 * L);
    s30.intoArray(c, c3);
    s31.intoArray(c, c3 + L);
    s32.intoArray(c, c3 + 2 * L);
    s40.intoArray(c, c4);
    s41.intoArray(c, c4 + L);
    s42.intoArray(c, c4 + 2 * L);
    s50.intoArray(c, c5);
    s51.intoArray(c, c5 + L);
    s52.intoArray(c, c5 + 2 * L);
    s60.intoArray(c, c6);
    s61.intoArray(c, c6 + L);
    s62.intoArray(c, c6 + 2 * L);
    s70.intoArray(c, c7);
    s71.intoArray(c, c7 + L);
    s72.intoArray(c, c7 + 2 * L);
  }

  /**
   * Eight rows and one panel of {@code W -= lr·(A·B)}, {@code W} being {@code g.c}: the gradient
   * is accumulated from zero in registers exactly as {@link #full8} does, then each
   * {@code w - lr·g} is a multiply and a subtraction, as in {@code w -= lr * g}.
   */
  private static void full8Sgd(Gemm g, int i, int j, float lr) {
    final int kb = 0;
    final int ke = g.k;
    final FloatVector zero = FloatVector.zero(S);
    final float[] a = g.a;
    final float[] b = g.b;
    final int acs = g.aColStride;
    final int ldb = g.ldb;
    final int a0 = g.aOffset + i * g.aRowStride;
    final int a1 = a0 + g.aRowStride;
    final int a2 = a1 + g.aRowStride;
    final int a3 = a2 + g.aRowStride;
    final int a4 = a3 + g.aRowStride;
    final int a5 = a4 + g.aRowStride;
    final int a6 = a5 + g.aRowStride;
    final int a7 = a6 + g.aRowStride;
    FloatVector s00 = zero;
    FloatVector s01 = zero;
    FloatVector s02 = zero;
    FloatVector s10 = zero;
    FloatVector s11 = zero;
    FloatVector s12 = zero;
    FloatVector s20 = zero;
    FloatVector s21 = zero;
    FloatVector s22 = zero;
    FloatVector s30 = zero;
    FloatVector s31 = zero;
    FloatVector s32 = zero;
    FloatVector s40 = zero;
    FloatVector s41 = zero;
    FloatVector s42 = zero;
    FloatVector s50 = zero;
    FloatVector s51 = zero;
    FloatVector s52 = zero;
    FloatVector s60 = zero;
    FloatVector s61 = zero;
    FloatVector s62 = zero;
    FloatVector s70 = zero;
    FloatVector s71 = zero;
    FloatVector s72 = zero;
    for (int p = kb; p < ke; p++) {
      final int bo = g.bOffset + p * ldb + j;
      final FloatVector b0 = FloatVector.fromArray(S, b, bo);
      final FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      final FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
      final int ap = p * acs;
      FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
      s00 = x.fma(b0, s00);
      s01 = x.fma(b1, s01);
      s02 = x.fma(b2, s02);
      x = FloatVector.broadcast(S, a[a1 + ap]);
      s10 = x.fma(b0, s10);
      s11 = x.fma(b1, s11);
      s12 = x.fma(b2, s12);
      x = FloatVector.broadcast(S, a[a2 + ap]);
      s20 = x.fma(b0, s20);
      s21 = x.fma(b1, s21);
      s22 = x.fma(b2, s22);
      x = FloatVector.broadcast(S, a[a3 + ap]);
      s30 = x.fma(b0, s30);
      s31 = x.fma(b1, s31);
      s32 = x.fma(b2, s32);
      x = FloatVector.broadcast(S, a[a4 + ap]);
      s40 = x.fma(b0, s40);
      s41 = x.fma(b1, s41);
      s42 = x.fma(b2, s42);
      x = FloatVector.broadcast(S, a[a5 + ap]);
      s50 = x.fma(b0, s50);
      s51 = x.fma(b1, s51);
      s52 = x.fma(b2, s52);
      x = FloatVector.broadcast(S, a[a6 + ap]);
      s60 = x.fma(b0, s60);
      s61 = x.fma(b1, s61);
      s62 = x.fma(b2, s62);
      x = FloatVector.broadcast(S, a[a7 + ap]);
      s70 = x.fma(b0, s70);
      s71 = x.fma(b1, s71);
      s72 = x.fma(b2, s72);
    }
    final float[] c = g.c;
    final int c0 = g.cOffset + i * g.ldc + j;
    final int c1 = c0 + g.ldc;
    final int c2 = c1 + g.ldc;
    final int c3 = c2 + g.ldc;
    final int c4 = c3 + g.ldc;
    final int c5 = c4 + g.ldc;
    final int c6 = c5 + g.ldc;
    final int c7 = c6 + g.ldc;
    FloatVector.fromArray(S, c, c0).sub(s00.mul(lr)).intoArray(c, c0);
    FloatVector.fromArray(S, c, c0 + L).sub(s01.mul(lr)).intoArray(c, c0 + L);
    FloatVector.fromArray(S, c, c0 + 2 * L).sub(s02.mul(lr)).intoArray(c, c0 + 2 * L);
    FloatVector.fromArray(S, c, c1).sub(s10.mul(lr)).intoArray(c, c1);
    FloatVector.fromArray(S, c, c1 + L).sub(s11.mul(lr)).intoArray(c, c1 + L);
    FloatVector.fromArray(S, c, c1 + 2 * L).sub(s12.mul(lr)).intoArray(c, c1 + 2 * L);
    FloatVector.fromArray(S, c, c2).sub(s20.mul(lr)).intoArray(c, c2);
    FloatVector.fromArray(S, c, c2 + L).sub(s21.mul(lr)).intoArray(c, c2 + L);
    FloatVector.fromArray(S, c, c2 + 2 * L).sub(s22.mul(lr)).intoArray(c, c2 + 2 * L);
    FloatVector.fromArray(S, c, c3).sub(s30.mul(lr)).intoArray(c, c3);
    FloatVector.fromArray(S, c, c3 + L).sub(s31.mul(lr)).intoArray(c, c3 + L);
    FloatVector.fromArray(S, c, c3 + 2 * L).sub(s32.mul(lr)).intoArray(c, c3 + 2 * L);
    FloatVector.fromArray(S, c, c4).sub(s40.mul(lr)).intoArray(c, c4);
    FloatVector.fromArray(S, c, c4 + L).sub(s41.mul(lr)).intoArray(c, c4 + L);
    FloatVector.fromArray(S, c, c4 + 2 * L).sub(s42.mul(lr)).intoArray(c, c4 + 2 * L);
    FloatVector.fromArray(S, c, c5).sub(s50.mul(lr)).intoArray(c, c5);
    FloatVector.fromArray(S, c, c5 + L).sub(s51.mul(lr)).intoArray(c, c5 + L);
    FloatVector.fromArray(S, c, c5 + 2 * L).sub(s52.mul(lr)).intoArray(c, c5 + 2 * L);
    FloatVector.fromArray(S, c, c6).sub(s60.mul(lr)).intoArray(c, c6);
    FloatVector.fromArray(S, c, c6 + L).sub(s61.mul(lr)).intoArray(c, c6 + L);
    FloatVector.fromArray(S, c, c6 + 2 * L).sub(s62.mul(lr)).intoArray(c, c6 + 2 * L);
    FloatVector.fromArray(S, c, c7).sub(s70.mul(lr)).intoArray(c, c7);
    FloatVector.fromArray(S, c, c7 + L).sub(s71.mul(lr)).intoArray(c, c7 + L);
    FloatVector.fromArray(S, c, c7 + 2 * L).sub(s72.mul(lr)).intoArray(c, c7 + 2 * L);
  }

  private static void full4(Gemm g, int i, int j, int kb, int ke, float[] s, int s0, int ss) {
    final float[] a = g.a;
    final float[] b = g.b;
    final int acs = g.aColStride;
    final int ldb = g.ldb;
    final int a0 = g.aOffset + i * g.aRowStride;
    final int a1 = a0 + g.aRowStride;
    final int a2 = a1 + g.aRowStride;
    final int a3 = a2 + g.aRowStride;
    FloatVector s00 = FloatVector.fromArray(S, s, s0);
    FloatVector s01 = FloatVector.fromArray(S, s, s0 + L);
    FloatVector s02 = FloatVector.fromArray(S, s, s0 + 2 * L);
    FloatVector s10 = FloatVector.fromArray(S, s, s0 + ss);
    FloatVector s11 = FloatVector.fromArray(S, s, s0 + ss + L);
    FloatVector s12 = FloatVector.fromArray(S, s, s0 + ss + 2 * L);
    FloatVector s20 = FloatVector.fromArray(S, s, s0 + 2 * ss);
    FloatVector s21 = FloatVector.fromArray(S, s, s0 + 2 * ss + L);
    FloatVector s22 = FloatVector.fromArray(S, s, s0 + 2 * ss + 2 * L);
    FloatVector s30 = FloatVector.fromArray(S, s, s0 + 3 * ss);
    FloatVector s31 = FloatVector.fromArray(S, s, s0 + 3 * ss + L);
    FloatVector s32 = FloatVector.fromArray(S, s, s0 + 3 * ss + 2 * L);
    for (int p = kb; p < ke; p++) {
      final int bo = g.bOffset + p * ldb + j;
      final FloatVector b0 = FloatVector.fromArray(S, b, bo);
      final FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      final FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
      final int ap = p * acs;
      FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
      s00 = x.fma(b0, s00);
      s01 = x.fma(b1, s01);
      s02 = x.fma(b2, s02);
      x = FloatVector.broadcast(S, a[a1 + ap]);
      s10 = x.fma(b0, s10);
      s11 = x.fma(b1, s11);
      s12 = x.fma(b2, s12);
      x = FloatVector.broadcast(S, a[a2 + ap]);
      s20 = x.fma(b0, s20);
      s21 = x.fma(b1, s21);
      s22 = x.fma(b2, s22);
      x = FloatVector.broadcast(S, a[a3 + ap]);
      s30 = x.fma(b0, s30);
      s31 = x.fma(b1, s31);
      s32 = x.fma(b2, s32);
    }
    final float[] c = g.c;
    final int c0 = g.cOffset + i * g.ldc + j;
    final int c1 = c0 + g.ldc;
    final int c2 = c1 + g.ldc;
    final int c3 = c2 + g.ldc;
    s00.intoArray(c, c0);
    s01.intoArray(c, c0 + L);
    s02.intoArray(c, c0 + 2 * L);
    s10.intoArray(c, c1);
    s11.intoArray(c, c1 + L);
    s12.intoArray(c, c1 + 2 * L);
    s20.intoArray(c, c2);
    s21.intoArray(c, c2 + L);
    s22.intoArray(c, c2 + 2 * L);
    s30.intoArray(c, c3);
    s31.intoArray(c, c3 + L);
    s32.intoArray(c, c3 + 2 * L);
  }

  private static void full2(Gemm g, int i, int j, int kb, int ke, float[] s, int s0, int ss) {
    final float[] a = g.a;
    final float[] b = g.b;
    final int acs = g.aColStride;
    final int ldb = g.ldb;
    final int a0 = g.aOffset + i * g.aRowStride;
    final int a1 = a0 + g.aRowStride;
    FloatVector s00 = FloatVector.fromArray(S, s, s0);
    FloatVector s01 = FloatVector.fromArray(S, s, s0 + L);
    FloatVector s02 = FloatVector.fromArray(S, s, s0 + 2 * L);
    FloatVector s10 = FloatVector.fromArray(S, s, s0 + ss);
    FloatVector s11 = FloatVector.fromArray(S, s, s0 + ss + L);
    FloatVector s12 = FloatVector.fromArray(S, s, s0 + ss + 2 * L);
    for (int p = kb; p < ke; p++) {
      final int bo = g.bOffset + p * ldb + j;
      final FloatVector b0 = FloatVector.fromArray(S, b, bo);
      final FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      final FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
      final int ap = p * acs;
      FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
      s00 = x.fma(b0, s00);
      s01 = x.fma(b1, s01);
      s02 = x.fma(b2, s02);
      x = FloatVector.broadcast(S, a[a1 + ap]);
      s10 = x.fma(b0, s10);
      s11 = x.fma(b1, s11);
      s12 = x.fma(b2, s12);
    }
    final float[] c = g.c;
    final int c0 = g.cOffset + i * g.ldc + j;
    final int c1 = c0 + g.ldc;
    s00.intoArray(c, c0);
    s01.intoArray(c, c0 + L);
    s02.intoArray(c, c0 + 2 * L);
    s10.intoArray(c, c1);
    s11.intoArray(c, c1 + L);
    s12.intoArray(c, c1 + 2 * L);
  }

  private static void full1(Gemm g, int i, int j, int kb, int ke, float[] s, int s0, int ss) {
    final float[] a = g.a;
    final float[] b = g.b;
    final int acs = g.aColStride;
    final int ldb = g.ldb;
    final int a0 = g.aOffset + i * g.aRowStride;
    FloatVector s00 = FloatVector.fromArray(S, s, s0);
    FloatVector s01 = FloatVector.fromArray(S, s, s0 + L);
    FloatVector s02 = FloatVector.fromArray(S, s, s0 + 2 * L);
    for (int p = kb; p < ke; p++) {
      final int bo = g.bOffset + p * ldb + j;
      final FloatVector b0 = FloatVector.fromArray(S, b, bo);
      final FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      final FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
      final int ap = p * acs;
      FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
      s00 = x.fma(b0, s00);
      s01 = x.fma(b1, s01);
      s02 = x.fma(b2, s02);
    }
    final float[] c = g.c;
    final int c0 = g.cOffset + i * g.ldc + j;
    s00.intoArray(c, c0);
    s01.intoArray(c, c0 + L);
    s02.intoArray(c, c0 + 2 * L);
  }

  private static void one8(Gemm g, int i, int j, int kb, int ke, float[] s, int s0, int ss) {
    final float[] a = g.a;
    final float[] b = g.b;
    final int acs = g.aColStride;
    final int ldb = g.ldb;
    final int a0 = g.aOffset + i * g.aRowStride;
    final int a1 = a0 + g.aRowStride;
    final int a2 = a1 + g.aRowStride;
    final int a3 = a2 + g.aRowStride;
    final int a4 = a3 + g.aRowStride;
    final int a5 = a4 + g.aRowStride;
    final int a6 = a5 + g.aRowStride;
    final int a7 = a6 + g.aRowStride;
    FloatVector s00 = FloatVector.fromArray(S, s, s0);
    FloatVector s10 = FloatVector.fromArray(S, s, s0 + ss);
    FloatVector s20 = FloatVector.fromArray(S, s, s0 + 2 * ss);
    FloatVector s30 = FloatVector.fromArray(S, s, s0 + 3 * ss);
    FloatVector s40 = FloatVector.fromArray(S, s, s0 + 4 * ss);
    FloatVector s50 = FloatVector.fromArray(S, s, s0 + 5 * ss);
    FloatVector s60 = FloatVector.fromArray(S, s, s0 + 6 * ss);
    FloatVector s70 = FloatVector.fromArray(S, s, s0 + 7 * ss);
    for (int p = kb; p < ke; p++) {
      final int bo = g.bOffset + p * ldb + j;
      final FloatVector b0 = FloatVector.fromArray(S, b, bo);
      final int ap = p * acs;
      FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
      s00 = x.fma(b0, s00);
      x = FloatVector.broadcast(S, a[a1 + ap]);
      s10 = x.fma(b0, s10);
      x = FloatVector.broadcast(S, a[a2 + ap]);
      s20 = x.fma(b0, s20);
      x = FloatVector.broadcast(S, a[a3 + ap]);
      s30 = x.fma(b0, s30);
      x = FloatVector.broadcast(S, a[a4 + ap]);
      s40 = x.fma(b0, s40);
      x = FloatVector.broadcast(S, a[a5 + ap]);
      s50 = x.fma(b0, s50);
      x = FloatVector.broadcast(S, a[a6 + ap]);
      s60 = x.fma(b0, s60);
      x = FloatVector.broadcast(S, a[a7 + ap]);
      s70 = x.fma(b0, s70);
    }
    final float[] c = g.c;
    final int c0 = g.cOffset + i * g.ldc + j;
    final int c1 = c0 + g.ldc;
    final int c2 = c1 + g.ldc;
    final int c3 = c2 + g.ldc;
    final int c4 = c3 + g.ldc;
    final int c5 = c4 + g.ldc;
    final int c6 = c5 + g.ldc;
    final int c7 = c6 + g.ldc;
    s00.intoArray(c, c0);
    s10.intoArray(c, c1);
    s20.intoArray(c, c2);
    s30.intoArray(c, c3);
    s40.intoArray(c, c4);
    s50.intoArray(c, c5);
    s60.intoArray(c, c6);
    s70.intoArray(c, c7);
  }

  private static void one4(Gemm g, int i, int j, int kb, int ke, float[] s, int s0, int ss) {
    final float[] a = g.a;
    final float[] b = g.b;
    final int acs = g.aColStride;
    final int ldb = g.ldb;
    final int a0 = g.aOffset + i * g.aRowStride;
    final int a1 = a0 + g.aRowStride;
    final int a2 = a1 + g.aRowStride;
    final int a3 = a2 + g.aRowStride;
    FloatVector s00 = FloatVector.fromArray(S, s, s0);
    FloatVector s10 = FloatVector.fromArray(S, s, s0 + ss);
    FloatVector s20 = FloatVector.fromArray(S, s, s0 + 2 * ss);
    FloatVector s30 = FloatVector.fromArray(S, s, s0 + 3 * ss);
    for (int p = kb; p < ke; p++) {
      final int bo = g.bOffset + p * ldb + j;
      final FloatVector b0 = FloatVector.fromArray(S, b, bo);
      final int ap = p * acs;
      FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
      s00 = x.fma(b0, s00);
      x = FloatVector.broadcast(S, a[a1 + ap]);
      s10 = x.fma(b0, s10);
      x = FloatVector.broadcast(S, a[a2 + ap]);
      s20 = x.fma(b0, s20);
      x = FloatVector.broadcast(S, a[a3 + ap]);
      s30 = x.fma(b0, s30);
    }
    final float[] c = g.c;
    final int c0 = g.cOffset + i * g.ldc + j;
    final int c1 = c0 + g.ldc;
    final int c2 = c1 + g.ldc;
    final int c3 = c2 + g.ldc;
    s00.intoArray(c, c0);
    s10.intoArray(c, c1);
    s20.intoArray(c, c2);
    s30.intoArray(c, c3);
  }

  private static void one2(Gemm g, int i, int j, int kb, int ke, float[] s, int s0, int ss) {
    final float[] a = g.a;
    final float[] b = g.b;
    final int acs = g.aColStride;
    final int ldb = g.ldb;
    final int a0 = g.aOffset + i * g.aRowStride;
    final int a1 = a0 + g.aRowStride;
    FloatVector s00 = FloatVector.fromArray(S, s, s0);
    FloatVector s10 = FloatVector.fromArray(S, s, s0 + ss);
    for (int p = kb; p < ke; p++) {
      final int bo = g.bOffset + p * ldb + j;
      final FloatVector b0 = FloatVector.fromArray(S, b, bo);
      final int ap = p * acs;
      FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
      s00 = x.fma(b0, s00);
      x = FloatVector.broadcast(S, a[a1 + ap]);
      s10 = x.fma(b0, s10);
    }
    final float[] c = g.c;
    final int c0 = g.cOffset + i * g.ldc + j;
    final int c1 = c0 + g.ldc;
    s00.intoArray(c, c0);
    s10.intoArray(c, c1);
  }

  private static void one1(Gemm g, int i, int j, int kb, int ke, float[] s, int s0, int ss) {
    final float[] a = g.a;
    final float[] b = g.b;
    final int acs = g.aColStride;
    final int ldb = g.ldb;
    final int a0 = g.aOffset + i * g.aRowStride;
    FloatVector s00 = FloatVector.fromArray(S, s, s0);
    for (int p = kb; p < ke; p++) {
      final int bo = g.bOffset + p * ldb + j;
      final FloatVector b0 = FloatVector.fromArray(S, b, bo);
      final int ap = p * acs;
      FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
      s00 = x.fma(b0, s00);
    }
    final float[] c = g.c;
    final int c0 = g.cOffset + i * g.ldc + j;
    s00.intoArray(c, c0);
  }
}
