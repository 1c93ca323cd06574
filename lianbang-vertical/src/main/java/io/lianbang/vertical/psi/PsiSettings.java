package io.lianbang.vertical.psi;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an ECDH PSI run; both parties must agree on {@code batchSize}, {@code reveal} and
 * {@code domain} (checked in the hello exchange). Use {@link #DEFAULTS} and the {@code with...}
 * methods.
 *
 * @param batchSize ids per message (default 65,536; 1 to 4,194,304, i.e. at most 128 MiB of points)
 * @param threads threads for hashing and blinding (default: the available processors, at most 8; 1 to 256)
 * @param timeout the longest wait for one message of the peer (default 10 minutes; positive)
 * @param reveal what the sender learns at the end (default {@link PsiReveal#INTERSECTION})
 * @param maxPeerIds the most ids a peer may announce (default 200,000,000; bounds the receiver's memory
 *     to 20 bytes per sender id)
 * @param domain the hash-to-curve domain separation tag (default {@link #DEFAULT_DOMAIN}; 1 to 255 UTF-8 bytes)
 */
public record PsiSettings(int batchSize, int threads, Duration timeout, PsiReveal reveal, int maxPeerIds, String domain) {
  /** The default domain separation tag, after RFC 9380's naming convention. */
  public static final String DEFAULT_DOMAIN = "LIANBANG-V01-PSI-with-curve25519_XMD:SHA-512_ELL2_RO_";
  /** The largest batch: 4,194,304 points of 32 bytes (128 MiB). */
  public static final int MAX_BATCH = 1 << 22;

  /** The defaults. */
  public static final PsiSettings DEFAULTS = new PsiSettings(65_536, Math.min(8, Runtime.getRuntime().availableProcessors()),
      Duration.ofMinutes(10), PsiReveal.INTERSECTION, 200_000_000, DEFAULT_DOMAIN);

  /** Validates every setting, naming the parameter and value. */
  public PsiSettings {
    if (batchSize < 1 || batchSize > MAX_BATCH) throw new IllegalArgumentException("batchSize must be in [1, " + MAX_BATCH + "], got " + batchSize);
    if (threads < 1 || threads > 256) throw new IllegalArgumentException("threads must be in [1, 256], got " + threads);
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    Objects.requireNonNull(reveal, "reveal");
    if (maxPeerIds < 0) throw new IllegalArgumentException("maxPeerIds must be >= 0, got " + maxPeerIds);
    Objects.requireNonNull(domain, "domain");
    int bytes = domain.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes < 1 || bytes > 255) throw new IllegalArgumentException("domain must have 1 to 255 UTF-8 bytes, got " + bytes);
  }

  /** These settings with {@code batchSize}. */
  public PsiSettings withBatchSize(int batchSize) {
    return new PsiSettings(batchSize, threads, timeout, reveal, maxPeerIds, domain);
  }

  /** These settings with {@code threads}. */
  public PsiSettings withThreads(int threads) {
    return new PsiSettings(batchSize, threads, timeout, reveal, maxPeerIds, domain);
  }

  /** These settings with {@code timeout}. */
  public PsiSettings withTimeout(Duration timeout) {
    return new PsiSettings(batchSize, threads, timeout, reveal, maxPeerIds, domain);
  }

  /** These settings with {@code reveal}. */
  public PsiSettings withReveal(PsiReveal reveal) {
    return new PsiSettings(batchSize, threads, timeout, reveal, maxPeerIds, domain);
  }

  /** These settings with {@code maxPeerIds}. */
  public PsiSettings withMaxPeerIds(int maxPeerIds) {
    return new PsiSettings(batchSize, threads, timeout, reveal, maxPeerIds, domain);
  }

  /** These settings with {@code domain}. */
  public PsiSettings withDomain(String domain) {
    return new PsiSettings(batchSize, threads, timeout, reveal, maxPeerIds, domain);
  }
}
