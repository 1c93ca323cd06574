package io.lianbang.bench;

import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Paillier throughput at a given key size: encryptions, homomorphic additions and CRT
 * decryptions per second on one thread, after a warm-up. Run through {@code bench/paillier.sh}.
 *
 * <p>Usage: {@code PaillierBench [bits=2048] [seconds per operation=3]}
 */
public final class PaillierBench {
  private PaillierBench() {}

  public static void main(String[] args) {
    int bits = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    SecureRandom random = new SecureRandom();
    long t0 = System.nanoTime();
    PaillierKeyPair keys = PaillierKeyPair.generate(bits, random);
    double keygen = (System.nanoTime() - t0) / 1e9;
    PaillierPublicKey pub = keys.publicKey();
    BigInteger m = new BigInteger(bits - 8, random);
    BigInteger c = pub.encrypt(m, random);
    BigInteger c2 = pub.encrypt(m.shiftRight(1), random);
    // Warm-up.
    for (int i = 0; i < 20; i++) keys.privateKey().decrypt(pub.add(pub.encrypt(m, random), c));

    long n = 0;
    long start = System.nanoTime();
    long until = start + (long) (seconds * 1e9);
    BigInteger sink = BigInteger.ZERO;
    while (System.nanoTime() < until) {
      sink = sink.xor(pub.encrypt(m, random));
      n++;
    }
    double enc = n / ((System.nanoTime() - start) / 1e9);

    n = 0;
    start = System.nanoTime();
    until = start + (long) (seconds * 1e9);
    BigInteger acc = c;
    while (System.nanoTime() < until) {
      for (int i = 0; i < 1000; i++) acc = pub.add(acc, c2);
      n += 1000;
    }
    double add = n / ((System.nanoTime() - start) / 1e9);

    n = 0;
    start = System.nanoTime();
    until = start + (long) (seconds * 1e9);
    while (System.nanoTime() < until) {
      sink = sink.xor(keys.privateKey().decrypt(c));
      n++;
    }
    double dec = n / ((System.nanoTime() - start) / 1e9);
    if (!keys.privateKey().decrypt(c).equals(m)) throw new AssertionError("decryption is wrong");

    System.out.printf("paillier %d-bit  keygen %.2f s%n", bits, keygen);
    System.out.printf("  encryptions/s   %10.1f%n", enc);
    System.out.printf("  additions/s     %10.1f%n", add);
    System.out.printf("  decryptions/s   %10.1f  (CRT)%n", dec);
    System.out.printf("  ciphertext      %10d bytes (a float32 is 4)%n", (2 * bits + 7) / 8);
    System.out.printf("  100k-parameter update: %.0f s to encrypt on one core%n", 100_000 / enc);
    if (sink.signum() < -1) System.out.println(sink);
  }
}
