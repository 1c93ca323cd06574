package io.lianbang.privacy.secagg;

import io.lianbang.privacy.secagg.SecAggMessage.EncryptedShares;
import io.lianbang.privacy.secagg.SecAggMessage.KeyDirectory;
import io.lianbang.privacy.secagg.SecAggMessage.MaskedInput;
import io.lianbang.privacy.secagg.SecAggMessage.PublicKeys;
import io.lianbang.privacy.secagg.SecAggMessage.Setup;
import io.lianbang.privacy.secagg.SecAggMessage.ShareDelivery;
import io.lianbang.privacy.secagg.SecAggMessage.UnmaskRequest;
import io.lianbang.privacy.secagg.SecAggMessage.UnmaskShares;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The binary encoding of {@link SecAggMessage}s, version 1, as network transports carry them
 * (documented in {@code docs/protocol.md}, section "Secure aggregation"). Integers are big-endian;
 * the encoded length of every message equals its {@link SecAggMessage#wireBytes()}.
 *
 * <pre>
 * header     type u8 | round i32 | index i32
 *            index: the sender for responses, the recipient for Setup, −1 for other requests
 * 1 Setup            n i32, n × (len u16, UTF-8 name) | k i32, k × neighbour i32 | threshold i32 |
 *                    clip_range f64 | modulus_bits i32 | max_weight f64 | dimension i32
 * 2 PublicKeys       cipher key 32 B | mask key 32 B                       (X25519, RFC 7748)
 * 3 KeyDirectory     n i32, n × (client i32, cipher key 32 B, mask key 32 B)
 * 4 EncryptedShares  n i32, n × (recipient i32, len i32, AES-GCM ciphertext)
 * 5 ShareDelivery    n i32, n × (sender i32, len i32, AES-GCM ciphertext)
 * 6 MaskedInput      n i32 | b u8 | n entries of b bits, packed LSB first, zero padding
 * 7 UnmaskRequest    s i32, d i32, s × survivor i32, d × dropped i32
 * 8 UnmaskShares     s i32, d i32, s × (client i32, seed share 33 B), d × (client i32, key share 33 B)
 * </pre>
 *
 * <p>Decoding is strict: an unknown type, a count or length beyond the remaining bytes, a
 * duplicate or negative index, a key of the wrong size, a share outside the field, a masked entry
 * outside the modulus, invalid UTF-8 or trailing bytes are refused with an
 * {@link IllegalArgumentException} naming the problem.
 */
public final class SecAggCodec {
  private static final int KEY = 32;
  private static final int MAX_CIPHERTEXT = 1 << 16;

  private SecAggCodec() {}

  /** The response type a client must answer {@code request} with. */
  public static Class<? extends SecAggMessage> responseType(SecAggMessage request) {
    if (request instanceof Setup) return PublicKeys.class;
    if (request instanceof KeyDirectory) return EncryptedShares.class;
    if (request instanceof ShareDelivery) return MaskedInput.class;
    if (request instanceof UnmaskRequest) return UnmaskShares.class;
    throw new IllegalArgumentException(request.getClass().getSimpleName() + " is a response, not a request");
  }

  /** Whether {@code m} is a server-to-client request. */
  public static boolean isRequest(SecAggMessage m) {
    return m instanceof Setup || m instanceof KeyDirectory || m instanceof ShareDelivery || m instanceof UnmaskRequest;
  }

  /** The index in the header: the sender of a response, the recipient of a Setup, otherwise −1. */
  public static int index(SecAggMessage m) {
    if (m instanceof Setup s) return s.self();
    if (m instanceof PublicKeys p) return p.from();
    if (m instanceof EncryptedShares e) return e.from();
    if (m instanceof MaskedInput y) return y.from();
    if (m instanceof UnmaskShares u) return u.from();
    return -1;
  }

  /** Encodes {@code m}. */
  public static byte[] encode(SecAggMessage m) {
    long size = m.wireBytes();
    if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("message of " + size + " bytes is too large to encode");
    ByteBuffer b = ByteBuffer.allocate((int) size);
    b.put((byte) type(m)).putInt(m.round()).putInt(index(m));
    if (m instanceof Setup s) {
      b.putInt(s.clients().size());
      for (String c : s.clients()) {
        byte[] name = c.getBytes(StandardCharsets.UTF_8);
        if (name.length > 0xFFFF) throw new IllegalArgumentException("client name of " + name.length + " bytes is too long");
        b.putShort((short) name.length).put(name);
      }
      b.putInt(s.neighbours().size());
      for (int v : s.neighbours()) b.putInt(v);
      b.putInt(s.threshold()).putDouble(s.clipRange()).putInt(s.modulusBits()).putDouble(s.maxWeight()).putInt(s.dimension());
    } else if (m instanceof PublicKeys p) {
      b.put(key(p.cipherKey(), "cipher key")).put(key(p.maskKey(), "mask key"));
    } else if (m instanceof KeyDirectory d) {
      b.putInt(d.keys().size());
      d.keys().forEach((v, p) -> b.putInt(v).put(key(p.cipherKey(), "cipher key")).put(key(p.maskKey(), "mask key")));
    } else if (m instanceof EncryptedShares e) {
      putCiphertexts(b, e.ciphertexts());
    } else if (m instanceof ShareDelivery d) {
      putCiphertexts(b, d.ciphertexts());
    } else if (m instanceof MaskedInput y) {
      b.putInt(y.masked().length).put((byte) y.modulusBits());
      b.put(pack(y.masked(), y.modulusBits()));
    } else if (m instanceof UnmaskRequest u) {
      b.putInt(u.survivors().size()).putInt(u.dropped().size());
      for (int v : u.survivors()) b.putInt(v);
      for (int v : u.dropped()) b.putInt(v);
    } else if (m instanceof UnmaskShares u) {
      b.putInt(u.seedShares().size()).putInt(u.keyShares().size());
      u.seedShares().forEach((v, y) -> b.putInt(v).put(Shamir.toBytes(y, Shamir.ELEMENT_BYTES)));
      u.keyShares().forEach((v, y) -> b.putInt(v).put(Shamir.toBytes(y, Shamir.ELEMENT_BYTES)));
    }
    if (b.hasRemaining()) throw new IllegalStateException("encoded " + b.position() + " bytes, wireBytes() says " + size);
    return b.array();
  }

  /**
   * Decodes one message.
   *
   * @throws IllegalArgumentException naming the problem if {@code bytes} is not a valid message
   */
  public static SecAggMessage decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      if (bytes.length < SecAggMessage.HEADER) throw new IllegalArgumentException(bytes.length + " bytes, shorter than the 9-byte header");
      int type = b.get() & 0xFF;
      int round = b.getInt();
      int index = b.getInt();
      if (round < 0) throw new IllegalArgumentException("negative round " + round);
      SecAggMessage m = switch (type) {
        case 1 -> setup(b, round, index);
        case 2 -> new PublicKeys(round, nonNegative(index, "sender"), bytes(b, KEY), bytes(b, KEY));
        case 3 -> {
          int n = count(b, 4 + 2 * KEY, "directory entries");
          Map<Integer, PublicKeys> keys = new TreeMap<>();
          for (int i = 0; i < n; i++) {
            int v = nonNegative(b.getInt(), "directory client");
            if (keys.put(v, new PublicKeys(round, v, bytes(b, KEY), bytes(b, KEY))) != null) throw duplicate("directory client", v);
          }
          yield new KeyDirectory(round, keys);
        }
        case 4 -> new EncryptedShares(round, nonNegative(index, "sender"), ciphertexts(b));
        case 5 -> new ShareDelivery(round, ciphertexts(b));
        case 6 -> masked(b, round, nonNegative(index, "sender"));
        case 7 -> {
          int s = count(b, 4, "survivors");
          int d = b.getInt();
          if (d < 0 || (long) d * 4 > b.remaining() - 4L * s) throw new IllegalArgumentException("dropped count " + d + " exceeds the message");
          yield new UnmaskRequest(round, indices(b, s, "survivor"), indices(b, d, "dropped client"));
        }
        case 8 -> {
          int s = count(b, 4 + Shamir.ELEMENT_BYTES, "seed shares");
          int d = b.getInt();
          if (d < 0 || (long) d * (4 + Shamir.ELEMENT_BYTES) > b.remaining() - (long) s * (4 + Shamir.ELEMENT_BYTES)) {
            throw new IllegalArgumentException("key share count " + d + " exceeds the message");
          }
          yield new UnmaskShares(round, nonNegative(index, "sender"), shares(b, s, "seed share"), shares(b, d, "key share"));
        }
        default -> throw new IllegalArgumentException("unknown message type " + type);
      };
      if (type != 1 && type != 2 && type != 4 && type != 6 && type != 8 && index != -1) {
        throw new IllegalArgumentException("a " + m.getClass().getSimpleName() + " carries index " + index + ", expected -1");
      }
      if (b.hasRemaining()) throw new IllegalArgumentException(b.remaining() + " trailing bytes after a " + m.getClass().getSimpleName());
      return m;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated message: " + bytes.length + " bytes");
    }
  }

  private static int type(SecAggMessage m) {
    if (m instanceof Setup) return 1;
    if (m instanceof PublicKeys) return 2;
    if (m instanceof KeyDirectory) return 3;
    if (m instanceof EncryptedShares) return 4;
    if (m instanceof ShareDelivery) return 5;
    if (m instanceof MaskedInput) return 6;
    if (m instanceof UnmaskRequest) return 7;
    return 8;
  }

  private static Setup setup(ByteBuffer b, int round, int self) {
    int n = count(b, 2, "clients");
    List<String> clients = new ArrayList<>(n);
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    for (int i = 0; i < n; i++) {
      int len = b.getShort() & 0xFFFF;
      try {
        clients.add(decoder.decode(ByteBuffer.wrap(bytes(b, len))).toString());
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("client name " + i + " is not valid UTF-8");
      }
    }
    int k = count(b, 4, "neighbours");
    List<Integer> neighbours = indices(b, k, "neighbour");
    int threshold = b.getInt();
    double clip = b.getDouble();
    int bits = b.getInt();
    double maxWeight = b.getDouble();
    int dimension = b.getInt();
    if (self < 0 || self >= n) throw new IllegalArgumentException("recipient index " + self + " is not among " + n + " clients");
    for (int v : neighbours) if (v >= n) throw new IllegalArgumentException("neighbour " + v + " is not among " + n + " clients");
    if (!(clip > 0) || !Double.isFinite(clip)) throw new IllegalArgumentException("clip range " + clip + " is not positive");
    if (bits < 16 || bits > 62) throw new IllegalArgumentException("modulus bits " + bits + " not in [16, 62]");
    if (!(maxWeight >= 1) || !Double.isFinite(maxWeight)) throw new IllegalArgumentException("max weight " + maxWeight + " is not >= 1");
    if (dimension < 0) throw new IllegalArgumentException("negative dimension " + dimension);
    return new Setup(round, clients, self, neighbours, threshold, clip, bits, maxWeight, dimension);
  }

  private static MaskedInput masked(ByteBuffer b, int round, int from) {
    int n = b.getInt();
    int bits = b.get() & 0xFF;
    if (bits < 16 || bits > 62) throw new IllegalArgumentException("modulus bits " + bits + " not in [16, 62]");
    if (n < 0 || ((long) n * bits + 7) / 8 != b.remaining()) {
      throw new IllegalArgumentException(n + " entries of " + bits + " bits do not fill the " + b.remaining() + " remaining bytes");
    }
    byte[] packed = new byte[b.remaining()];
    b.get(packed);
    return new MaskedInput(round, from, unpack(packed, n, bits), bits);
  }

  /** Packs entries of {@code bits} bits LSB first. */
  static byte[] pack(long[] values, int bits) {
    byte[] out = new byte[(int) (((long) values.length * bits + 7) / 8)];
    long mask = (1L << bits) - 1;
    long pos = 0;
    for (long v : values) {
      if ((v & ~mask) != 0) throw new IllegalArgumentException("entry " + v + " does not fit " + bits + " bits");
      for (int i = 0; i < bits; i++, pos++) {
        if (((v >>> i) & 1) != 0) out[(int) (pos >>> 3)] |= (byte) (1 << (pos & 7));
      }
    }
    return out;
  }

  static long[] unpack(byte[] packed, int n, int bits) {
    long[] out = new long[n];
    long pos = 0;
    for (int j = 0; j < n; j++) {
      long v = 0;
      for (int i = 0; i < bits; i++, pos++) {
        if (((packed[(int) (pos >>> 3)] >>> (pos & 7)) & 1) != 0) v |= 1L << i;
      }
      out[j] = v;
    }
    for (long p = pos; p < (long) packed.length * 8; p++) {
      if (((packed[(int) (p >>> 3)] >>> (p & 7)) & 1) != 0) throw new IllegalArgumentException("padding bits of the masked vector are not zero");
    }
    return out;
  }

  private static void putCiphertexts(ByteBuffer b, Map<Integer, byte[]> c) {
    b.putInt(c.size());
    c.forEach((v, bytes) -> b.putInt(v).putInt(bytes.length).put(bytes));
  }

  private static Map<Integer, byte[]> ciphertexts(ByteBuffer b) {
    int n = count(b, 8, "ciphertexts");
    Map<Integer, byte[]> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      int v = nonNegative(b.getInt(), "ciphertext peer");
      int len = b.getInt();
      if (len < 0 || len > MAX_CIPHERTEXT || len > b.remaining()) throw new IllegalArgumentException("ciphertext length " + len + " is invalid");
      if (out.put(v, bytes(b, len)) != null) throw duplicate("ciphertext peer", v);
    }
    return out;
  }

  private static Map<Integer, BigInteger> shares(ByteBuffer b, int n, String what) {
    Map<Integer, BigInteger> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      int v = nonNegative(b.getInt(), what + " client");
      BigInteger y = new BigInteger(1, bytes(b, Shamir.ELEMENT_BYTES));
      if (y.compareTo(Shamir.P) >= 0) throw new IllegalArgumentException(what + " of client " + v + " is outside the field");
      if (out.put(v, y) != null) throw duplicate(what + " client", v);
    }
    return out;
  }

  private static List<Integer> indices(ByteBuffer b, int n, String what) {
    List<Integer> out = new ArrayList<>(n);
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int i = 0; i < n; i++) {
      int v = nonNegative(b.getInt(), what);
      if (!seen.add(v)) throw duplicate(what, v);
      out.add(v);
    }
    return out;
  }

  /** Reads a count whose entries take at least {@code minBytes} each, checked against what remains. */
  private static int count(ByteBuffer b, int minBytes, String what) {
    int n = b.getInt();
    if (n < 0 || (long) n * minBytes > b.remaining()) throw new IllegalArgumentException("count of " + what + " " + n + " exceeds the message");
    return n;
  }

  private static int nonNegative(int v, String what) {
    if (v < 0) throw new IllegalArgumentException("negative " + what + " index " + v);
    return v;
  }

  private static IllegalArgumentException duplicate(String what, int v) {
    return new IllegalArgumentException("duplicate " + what + " " + v);
  }

  private static byte[] bytes(ByteBuffer b, int n) {
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }

  private static byte[] key(byte[] k, String what) {
    if (k.length != KEY) throw new IllegalArgumentException(what + " has " + k.length + " bytes, expected " + KEY);
    return k;
  }
}
