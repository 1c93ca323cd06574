package io.lianbang.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DuoTest {
  @Test
  void runsBothPartsOnceEachTime() {
    int[] counts = new int[2];
    for (int i = 0; i < 20_000; i++) {
      Duo.invoke(p -> counts[p]++);
    }
    // each part's count is written by one thread per call and published by the hand-back
    assertEquals(20_000, counts[0]);
    assertEquals(20_000, counts[1]);
  }

  @Test
  void rethrowsAFailureOfEitherPart() {
    for (int failing = 0; failing < 2; failing++) {
      int f = failing;
      for (int i = 0; i < 200; i++) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Duo.invoke(p -> {
          if (p == f) throw new IllegalArgumentException("part " + p);
        }));
        assertEquals("part " + f, e.getMessage());
      }
    }
    int[] ok = new int[2];
    Duo.invoke(p -> ok[p] = 1);
    assertEquals(2, ok[0] + ok[1]);
  }

  @Test
  void concurrentCallersAllComplete() throws InterruptedException {
    AtomicInteger parts = new AtomicInteger();
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread c = new Thread(() -> {
        for (int i = 0; i < 5_000; i++) Duo.invoke(p -> parts.incrementAndGet());
      });
      callers.add(c);
      c.start();
    }
    for (Thread c : callers) c.join(60_000);
    assertEquals(4 * 5_000 * 2, parts.get());
  }
  @Test
  void gemmsSplitInTwoGiveTheSameBitsAsOneThread() {
    long saved = AbstractKernel.duoMinWork;
    try {
      AbstractKernel.duoMinWork = 1;
      java.util.SplittableRandom r = new java.util.SplittableRandom(3);
      // wide (column halves), narrow and tall (row halves), narrow with few rows (vector halves), one row
      int[][] shapes = {{10, 200, 784}, {200, 10, 200}, {3, 40, 50}, {1, 100, 30}, {7, 5, 9}, {784, 200, 10}};
      for (Kernel kernel : KernelTest.kernels()) {
        for (int[] sh : shapes) {
          int m = sh[0], n = sh[1], k = sh[2];
          float[] a = new float[m * k];
          float[] b = new float[k * n];
          float[] bias = new float[n];
          for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble() - 0.5f;
          for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble() - 0.5f;
          for (int i = 0; i < n; i++) bias[i] = (float) r.nextDouble() - 0.5f;
          float[] want = new float[m * n];
          float[] got = new float[m * n];
          kernel.gemm(m, n, k, a, 0, k, 1, b, 0, n, want, 0, n, GemmInit.COLUMN_BIAS, bias, 0, true, 1);
          kernel.gemm(m, n, k, a, 0, k, 1, b, 0, n, got, 0, n, GemmInit.COLUMN_BIAS, bias, 0, true, 2);
          org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, kernel + " gemm " + m + "x" + n + "x" + k);
          float[] w1 = new float[m * n];
          java.util.Arrays.fill(w1, 0.25f);
          float[] w2 = w1.clone();
          kernel.gemmSgd(m, n, k, a, 0, k, 1, b, 0, n, w1, 0, n, 0.05f, 1);
          kernel.gemmSgd(m, n, k, a, 0, k, 1, b, 0, n, w2, 0, n, 0.05f, 2);
          org.junit.jupiter.api.Assertions.assertArrayEquals(w1, w2, kernel + " gemmSgd " + m + "x" + n + "x" + k);
        }
      }
    } finally {
      AbstractKernel.duoMinWork = saved;
    }
  }
}
