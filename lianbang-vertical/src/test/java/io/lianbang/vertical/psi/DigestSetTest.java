package io.lianbang.vertical.psi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sorted digest store against a HashMap of the same 16-byte prefixes. */
class DigestSetTest {
  @Test
  void findsExactlyTheStoredDigests() {
    Random random = new Random(5);
    int n = 100_000;
    byte[] points = new byte[n * 32];
    random.nextBytes(points);
    DigestSet set = new DigestSet(n);
    Map<String, Integer> reference = new HashMap<>();
    for (int i = 0; i < n; i += 2) {
      set.add(points, i * 32, i);
      reference.put(prefix(points, i), i);
    }
    set.sort();
    assertEquals(-1, set.firstDuplicate());
    for (int i = 0; i < n; i++) assertEquals(reference.getOrDefault(prefix(points, i), -1), set.find(points, i * 32), "point " + i);
  }

  @Test
  void reportsARepeatedDigest() {
    byte[] points = new byte[96];
    new Random(6).nextBytes(points);
    System.arraycopy(points, 0, points, 64, 16); // same first 16 bytes as point 0
    DigestSet set = new DigestSet(3);
    for (int i = 0; i < 3; i++) set.add(points, i * 32, i);
    set.sort();
    assertEquals(2, set.firstDuplicate());
  }

  private static String prefix(byte[] points, int i) {
    return java.util.HexFormat.of().formatHex(points, i * 32, i * 32 + 16);
  }
}
