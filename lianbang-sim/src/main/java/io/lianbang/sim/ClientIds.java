package io.lianbang.sim;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The ids of a simulation's clients, {@code client-0} ... {@code client-(n-1)} zero-padded to one
 * width so that they sort like their indices, computed on demand: a list of 100,000 ids costs a
 * few bytes, not 100,000 strings. Immutable.
 */
final class ClientIds extends AbstractList<String> implements RandomAccess {
  private static final String PREFIX = "client-";
  private final int size;
  private final int digits;

  ClientIds(int size) {
    if (size < 1) throw new IllegalArgumentException("client count must be >= 1, got " + size);
    this.size = size;
    this.digits = String.valueOf(size - 1).length();
  }

  @Override
  public String get(int index) {
    if (index < 0 || index >= size) throw new IndexOutOfBoundsException("client index " + index + " outside [0, " + size + ")");
    char[] c = new char[PREFIX.length() + digits];
    PREFIX.getChars(0, PREFIX.length(), c, 0);
    for (int i = c.length - 1, v = index; i >= PREFIX.length(); i--, v /= 10) c[i] = (char) ('0' + v % 10);
    return new String(c);
  }

  @Override
  public int size() {
    return size;
  }

  /** The index of {@code id}, or -1 if it is not one of these ids. */
  @Override
  public int indexOf(Object id) {
    if (!(id instanceof String s) || s.length() != PREFIX.length() + digits || !s.startsWith(PREFIX)) return -1;
    int v = 0;
    for (int i = PREFIX.length(); i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') return -1;
      v = v * 10 + (ch - '0');
    }
    return v < size ? v : -1;
  }

  @Override
  public int lastIndexOf(Object id) {
    return indexOf(id);
  }

  @Override
  public boolean contains(Object id) {
    return indexOf(id) >= 0;
  }
}
