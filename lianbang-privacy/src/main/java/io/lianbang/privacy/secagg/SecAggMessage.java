package io.lianbang.privacy.secagg;

import java.math.BigInteger;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The messages of one SecAgg+ round, in stage order. Each stage is one request from the server to
 * every remaining client and one response back; a transport carries them
 * ({@link SecAggTransport}). Clients are named by their index in {@link Setup#clients()}.
 *
 * <pre>
 * stage 0  Setup            → PublicKeys        advertise keys (c_pk for encryption, s_pk for masks)
 * stage 1  KeyDirectory     → EncryptedShares   Shamir shares of b_u and s_sk, AES-GCM per neighbour
 * stage 2  ShareDelivery    → MaskedInput       y_u = x_u + PRG(b_u) ± Σ PRG(s_uv)  mod 2^bits
 * stage 3  UnmaskRequest    → UnmaskShares      b-shares of survivors, s_sk-shares of dropped clients
 * </pre>
 *
 * <p>{@link #wireBytes()} is the size of the message in the binary encoding of {@link SecAggCodec}:
 * a 1-byte type, the 4-byte round, the 4-byte sender or recipient index, then the fields: indices
 * as 4 bytes, keys as 32 bytes, field elements as 33 bytes, byte strings with a 4-byte length,
 * masked vectors packed at {@code modulusBits} bits per entry.
 */
public sealed interface SecAggMessage {
  /** The round the message belongs to. */
  int round();

  /** Bytes of the message on the wire. */
  long wireBytes();

  /** The 9-byte header: type, round, index. */
  int HEADER = 9;

  /** The encoded size of a ciphertext map: its count, then per entry the id, the length and the ciphertext. */
  private static long ciphertextsBytes(Map<Integer, byte[]> ciphertexts) {
    long n = 4;
    for (byte[] c : ciphertexts.values()) n += 4 + 4 + c.length;
    return n;
  }

  /** Stage 0 request: who takes part, the recipient's place and neighbours, and the parameters. */
  record Setup(int round, List<String> clients, int self, List<Integer> neighbours, int threshold,
               double clipRange, int modulusBits, double maxWeight, int dimension) implements SecAggMessage {
    public Setup {
      clients = List.copyOf(clients);
      neighbours = List.copyOf(neighbours);
    }

    @Override
    public long wireBytes() {
      long names = 0;
      for (String c : clients) names += 2 + c.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      return HEADER + 4 + names + 4 + 4L * neighbours.size() + 4 + 8 + 4 + 8 + 4;
    }
  }

  /** Stage 0 response: the client's two X25519 public keys. */
  record PublicKeys(int round, int from, byte[] cipherKey, byte[] maskKey) implements SecAggMessage {
    @Override
    public long wireBytes() {
      return HEADER + 64;
    }
  }

  /** Stage 1 request: the public keys of the recipient's neighbours that advertised them. */
  record KeyDirectory(int round, Map<Integer, PublicKeys> keys) implements SecAggMessage {
    public KeyDirectory {
      keys = Collections.unmodifiableMap(new TreeMap<>(keys));
    }

    @Override
    public long wireBytes() {
      return HEADER + 4 + keys.size() * (4L + 64);
    }
  }

  /** Stage 1 response: one AES-GCM ciphertext of (b-share, s_sk-share) per neighbour. */
  record EncryptedShares(int round, int from, Map<Integer, byte[]> ciphertexts) implements SecAggMessage {
    public EncryptedShares {
      ciphertexts = Collections.unmodifiableMap(new TreeMap<>(ciphertexts));
    }

    @Override
    public long wireBytes() {
      return HEADER + ciphertextsBytes(ciphertexts);
    }
  }

  /**
   * Stage 2 request: the ciphertexts addressed to the recipient, by sender. The senders are the
   * recipient's neighbours that completed stage 1; it masks with exactly those.
   */
  record ShareDelivery(int round, Map<Integer, byte[]> ciphertexts) implements SecAggMessage {
    public ShareDelivery {
      ciphertexts = Collections.unmodifiableMap(new TreeMap<>(ciphertexts));
    }

    @Override
    public long wireBytes() {
      return HEADER + ciphertextsBytes(ciphertexts);
    }
  }

  /** Stage 2 response: the masked, quantised input (update coordinates, then the weight). */
  record MaskedInput(int round, int from, long[] masked, int modulusBits) implements SecAggMessage {
    @Override
    public long wireBytes() {
      return HEADER + 4 + 1 + ((long) masked.length * modulusBits + 7) / 8;
    }
  }

  /** Stage 3 request: which clients' masked inputs are in the sum and which dropped after stage 1. */
  record UnmaskRequest(int round, List<Integer> survivors, List<Integer> dropped) implements SecAggMessage {
    public UnmaskRequest {
      survivors = List.copyOf(survivors);
      dropped = List.copyOf(dropped);
    }

    @Override
    public long wireBytes() {
      return HEADER + 8 + 4L * (survivors.size() + dropped.size());
    }
  }

  /**
   * Stage 3 response: for each neighbour (and itself) that survived, its share of that client's
   * self-mask seed; for each neighbour that dropped, its share of that client's mask key. Never
   * both for one client.
   */
  record UnmaskShares(int round, int from, Map<Integer, BigInteger> seedShares, Map<Integer, BigInteger> keyShares)
      implements SecAggMessage {
    public UnmaskShares {
      seedShares = Collections.unmodifiableMap(new TreeMap<>(seedShares));
      keyShares = Collections.unmodifiableMap(new TreeMap<>(keyShares));
    }

    @Override
    public long wireBytes() {
      return HEADER + 8 + (seedShares.size() + keyShares.size()) * (4L + Shamir.ELEMENT_BYTES);
    }
  }
}
