package io.lianbang.vertical.psi;

/**
 * The receiver's store of the sender's double-blinded ids: per id its first 16 bytes as two longs
 * and its position in the sender's sequence, 20 bytes an id, sorted for binary search. Two distinct
 * ids collide on 128 bits with probability at most n_sender * n_receiver / 2^128 (about 3e-27 for
 * 10^8 ids on each side), since the double-blinded values are uniform over the prime-order subgroup.
 */
final class DigestSet {
  private final int capacity;
  private long[] hi;
  private long[] lo;
  private int[] index;
  private int size;
  private boolean sorted;

  /** A set for at most {@code capacity} digests; memory grows with what is added, not with the capacity. */
  DigestSet(int capacity) {
    this.capacity = capacity;
    int initial = Math.min(capacity, 1 << 16);
    hi = new long[initial];
    lo = new long[initial];
    index = new int[initial];
  }

  /** Adds the digest of the 32-byte point at {@code points[offset]}, sent at {@code position}. */
  void add(byte[] points, int offset, int position) {
    if (sorted) throw new IllegalStateException("already sorted");
    if (size == hi.length) {
      if (size == capacity) throw new IllegalStateException("more than " + capacity + " digests");
      int grown = (int) Math.min(capacity, Math.max(16L, 2L * size));
      hi = java.util.Arrays.copyOf(hi, grown);
      lo = java.util.Arrays.copyOf(lo, grown);
      index = java.util.Arrays.copyOf(index, grown);
    }
    hi[size] = readLong(points, offset);
    lo[size] = readLong(points, offset + 8);
    index[size] = position;
    size++;
  }

  int size() {
    return size;
  }

  /** Sorts the digests; call once after the last {@link #add}. */
  void sort() {
    quicksort(0, size - 1);
    sorted = true;
  }

  /** The sender position of the point at {@code points[offset]}, or -1 if absent. */
  int find(byte[] points, int offset) {
    long h = readLong(points, offset);
    long l = readLong(points, offset + 8);
    int a = 0;
    int b = size - 1;
    while (a <= b) {
      int m = (a + b) >>> 1;
      int c = compare(hi[m], lo[m], h, l);
      if (c < 0) a = m + 1;
      else if (c > 0) b = m - 1;
      else return index[m];
    }
    return -1;
  }

  /** A sender position whose digest repeats another one's (sorted neighbours), or -1; repeated points are refused. */
  int firstDuplicate() {
    for (int i = 1; i < size; i++) {
      if (hi[i] == hi[i - 1] && lo[i] == lo[i - 1]) return Math.max(index[i], index[i - 1]);
    }
    return -1;
  }

  private static int compare(long h1, long l1, long h2, long l2) {
    int c = Long.compareUnsigned(h1, h2);
    return c != 0 ? c : Long.compareUnsigned(l1, l2);
  }

  private static long readLong(byte[] b, int o) {
    long v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | (b[o + i] & 0xffL);
    return v;
  }

  // Quicksort on the three parallel arrays; the digests are pseudo-random (blinded with the
  // receiver's secret), so middle pivots give O(n log n); recursion only into the smaller half.
  private void quicksort(int left, int right) {
    while (right - left > 16) {
      int m = (left + right) >>> 1;
      long ph = hi[m];
      long pl = lo[m];
      int i = left;
      int j = right;
      while (i <= j) {
        while (compare(hi[i], lo[i], ph, pl) < 0) i++;
        while (compare(hi[j], lo[j], ph, pl) > 0) j--;
        if (i <= j) swap(i++, j--);
      }
      if (j - left < right - i) {
        quicksort(left, j);
        left = i;
      } else {
        quicksort(i, right);
        right = j;
      }
    }
    for (int i = left + 1; i <= right; i++) {
      for (int j = i; j > left && compare(hi[j - 1], lo[j - 1], hi[j], lo[j]) > 0; j--) swap(j, j - 1);
    }
  }

  private void swap(int a, int b) {
    long t = hi[a];
    hi[a] = hi[b];
    hi[b] = t;
    t = lo[a];
    lo[a] = lo[b];
    lo[b] = t;
    int x = index[a];
    index[a] = index[b];
    index[b] = x;
  }
}
