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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The client side of one SecAgg+ round (Bell et al., CCS 2020, Algorithm 2, semi-honest variant;
 * stages as in Bonawitz et al., CCS 2017, Figure 4). It holds the client's input, keys, self-mask
 * seed and the shares other clients entrusted to it; only the {@link SecAggMessage} responses
 * leave it.
 *
 * <p>Lifecycle per round: {@link #setInput} (the trained update, before stage 2), then one
 * {@link #respond} per stage in order: {@code Setup}, {@code KeyDirectory}, {@code ShareDelivery},
 * {@code UnmaskRequest}. A request out of order, for another round, or inconsistent with the
 * earlier stages is refused with a {@link SecAggException}, and so is a second unmask request:
 * a client never reveals both the self-mask seed share and the mask-key share of one client.
 * A {@code Setup} whose threshold is not safe for its neighbourhood ({@link SecAggParams#minThreshold}:
 * at least 2 and more than half of the client and its neighbours) is refused before any key is
 * generated, so no share or masked input is ever sent under such parameters; and the client
 * answers an {@code UnmaskRequest} only if at least t of the holders of its secrets (itself
 * included) are listed as survivors.
 * A share whose AES-GCM authentication fails aborts the client's round (it then counts as having
 * dropped out, and its masks are removed like any dropout's).
 *
 * <p>Keys, seeds and the Shamir polynomials come from a {@link SecureRandom}; the masks therefore
 * differ from run to run, but they cancel exactly, so the unmasked sum, and with it the run, is
 * reproducible from the run seed (stochastic rounding draws from the seed given with the input).
 *
 * <p>Thread-safe (methods are synchronized); a transport may call it from any thread.
 */
public final class SecAggParticipant {
  private static final byte[] MASK_INFO = "lianbang secagg v1 pairwise mask".getBytes(StandardCharsets.US_ASCII);
  private static final int PLAINTEXT_BYTES = 8 + 2 * Shamir.ELEMENT_BYTES;

  private enum Stage { IDLE, KEYS_ADVERTISED, SHARES_SENT, MASKED_SENT, DONE }

  private final SecureRandom random;

  private int inputRound = -1;
  private float[] delta;
  private long examples;
  private long roundingSeed;

  private Stage stage = Stage.IDLE;
  private Setup setup;
  private KeyPair cipherPair;
  private KeyPair maskPair;
  private byte[] selfSeed;
  private Map<Integer, PublicKeys> directory;
  private final Map<Integer, BigInteger> seedSharesHeld = new TreeMap<>();
  private final Map<Integer, BigInteger> keySharesHeld = new TreeMap<>();

  /** A participant drawing keys and seeds from {@code random}. */
  public SecAggParticipant(SecureRandom random) {
    this.random = random;
  }

  /** A participant with a fresh {@link SecureRandom}. */
  public SecAggParticipant() {
    this(new SecureRandom());
  }

  /**
   * Sets this client's input for {@code round}: its model update and example count.
   *
   * @param delta the update (trained − global); the participant keeps a reference
   * @param roundingSeed seeds the stochastic rounding
   * @throws IllegalArgumentException if a value is not finite or the count is not positive
   */
  public synchronized void setInput(int round, float[] delta, long examples, long roundingSeed) {
    for (int i = 0; i < delta.length; i++) {
      if (!Float.isFinite(delta[i])) throw new IllegalArgumentException("update[" + i + "] = " + delta[i] + " is not finite");
    }
    if (examples <= 0) throw new IllegalArgumentException("examples must be > 0, got " + examples);
    this.inputRound = round;
    this.delta = delta;
    this.examples = examples;
    this.roundingSeed = roundingSeed;
  }

  /**
   * Answers one stage request.
   *
   * @throws SecAggException if the request is out of order, for another round, inconsistent, or
   *     a received share fails authentication
   */
  public synchronized SecAggMessage respond(SecAggMessage request) {
    if (request instanceof Setup s) return setup(s);
    if (setup == null || request.round() != setup.round()) {
      throw new SecAggException(SecAggException.Kind.PROTOCOL, "request for round " + request.round() + " without a setup for that round");
    }
    if (request instanceof KeyDirectory d) return shareKeys(d);
    if (request instanceof ShareDelivery d) return maskedInput(d);
    if (request instanceof UnmaskRequest u) return unmask(u);
    throw new SecAggException(SecAggException.Kind.PROTOCOL, "a client does not answer " + request.getClass().getSimpleName());
  }

  private PublicKeys setup(Setup s) {
    if (s.self() < 0 || s.self() >= s.clients().size()) throw new SecAggException(SecAggException.Kind.PROTOCOL, "setup names index " + s.self() + " out of " + s.clients().size());
    Set<Integer> distinct = new HashSet<>();
    for (int v : s.neighbours()) {
      if (v < 0 || v >= s.clients().size() || v == s.self()) throw new SecAggException(SecAggException.Kind.PROTOCOL, "setup names an invalid neighbour " + v);
      if (!distinct.add(v)) throw new SecAggException(SecAggException.Kind.PROTOCOL, "setup names neighbour " + v + " twice");
    }
    int k = s.neighbours().size();
    if (k == 0) throw new SecAggException(SecAggException.Kind.UNSAFE, "unsafe setup refused: no neighbours to mask with");
    String unsafe = s.threshold() == 0 ? "must be >= " + SecAggParams.minThreshold(k) + ", got 0" : SecAggParams.thresholdProblem(s.threshold(), k);
    if (unsafe != null) throw new SecAggException(SecAggException.Kind.UNSAFE, "unsafe setup refused: threshold " + unsafe);
    setup = s;
    stage = Stage.KEYS_ADVERTISED;
    cipherPair = X25519.generate(random);
    maskPair = X25519.generate(random);
    selfSeed = null;
    directory = null;
    seedSharesHeld.clear();
    keySharesHeld.clear();
    return new PublicKeys(s.round(), s.self(), X25519.encode(cipherPair.getPublic()), X25519.encode(maskPair.getPublic()));
  }

  private EncryptedShares shareKeys(KeyDirectory d) {
    expect(Stage.KEYS_ADVERTISED, "KeyDirectory");
    Set<Integer> allowed = new HashSet<>(setup.neighbours());
    for (int v : d.keys().keySet()) {
      if (!allowed.contains(v)) throw new SecAggException(SecAggException.Kind.PROTOCOL, "key directory lists client " + v + ", not a neighbour");
    }
    int self = setup.self();
    int[] xs = new int[d.keys().size() + 1];
    xs[0] = self + 1;
    int i = 1;
    for (int v : d.keys().keySet()) xs[i++] = v + 1;
    if (xs.length < setup.threshold()) {
      throw new SecAggException(SecAggException.Kind.UNSAFE, "only " + (xs.length - 1) + " neighbours advertised keys, the threshold is " + setup.threshold());
    }
    selfSeed = new byte[32];
    random.nextBytes(selfSeed);
    List<Shamir.Share> seedShares = Shamir.split(selfSeed, setup.threshold(), xs, random);
    List<Shamir.Share> keyShares = Shamir.split(X25519.encode(maskPair.getPrivate()), setup.threshold(), xs, random);
    seedSharesHeld.put(self, seedShares.get(0).y());
    keySharesHeld.put(self, keyShares.get(0).y());
    Map<Integer, byte[]> out = new TreeMap<>();
    i = 1;
    for (Map.Entry<Integer, PublicKeys> e : d.keys().entrySet()) {
      int v = e.getKey();
      ByteBuffer plain = ByteBuffer.allocate(PLAINTEXT_BYTES).putInt(self).putInt(v)
          .put(Shamir.toBytes(seedShares.get(i).y(), Shamir.ELEMENT_BYTES))
          .put(Shamir.toBytes(keyShares.get(i).y(), Shamir.ELEMENT_BYTES));
      ShareCipher c = new ShareCipher(X25519.agree(cipherPair.getPrivate(), X25519.decodePublic(e.getValue().cipherKey())));
      out.put(v, c.encrypt(plain.array(), setup.round(), self, v, random));
      i++;
    }
    directory = d.keys();
    stage = Stage.SHARES_SENT;
    return new EncryptedShares(setup.round(), self, out);
  }

  private MaskedInput maskedInput(ShareDelivery d) {
    expect(Stage.SHARES_SENT, "ShareDelivery");
    stage = Stage.DONE; // whatever happens below, this round's secrets are not used again
    if (inputRound != setup.round()) throw new SecAggException(SecAggException.Kind.PROTOCOL, "no input was set for round " + setup.round());
    int self = setup.self();
    for (Map.Entry<Integer, byte[]> e : d.ciphertexts().entrySet()) {
      int v = e.getKey();
      PublicKeys keys = directory.get(v);
      if (keys == null) throw new SecAggException(SecAggException.Kind.PROTOCOL, "received a share from client " + v + ", which is not a neighbour that advertised keys");
      ShareCipher c = new ShareCipher(X25519.agree(cipherPair.getPrivate(), X25519.decodePublic(keys.cipherKey())));
      byte[] plain;
      try {
        plain = c.decrypt(e.getValue(), setup.round(), v, self);
      } catch (SecAggException ex) {
        throw new SecAggException(ex.kind(), "share from client " + v + ": " + ex.getMessage());
      }
      ByteBuffer b = ByteBuffer.wrap(plain);
      if (plain.length != PLAINTEXT_BYTES || b.getInt() != v || b.getInt() != self) {
        throw new SecAggException(SecAggException.Kind.PROTOCOL, "share from client " + v + " is not addressed from " + v + " to " + self);
      }
      byte[] y = new byte[Shamir.ELEMENT_BYTES];
      b.get(y);
      seedSharesHeld.put(v, new BigInteger(1, y));
      b.get(y);
      keySharesHeld.put(v, new BigInteger(1, y));
    }
    if (d.ciphertexts().size() + 1 < setup.threshold()) {
      throw new SecAggException(SecAggException.Kind.UNSAFE, "only " + d.ciphertexts().size() + " neighbours shared keys, the threshold is " + setup.threshold());
    }
    int bits = setup.modulusBits();
    int m = setup.clients().size();
    Quantizer values = new Quantizer(-setup.clipRange(), setup.clipRange(), bits, m);
    Quantizer weights = new Quantizer(0, 1, bits, m);
    if (delta.length != setup.dimension()) {
      throw new SecAggException(SecAggException.Kind.PROTOCOL, "input has " + delta.length + " values, the round aggregates " + setup.dimension());
    }
    double r = Math.min(1.0, examples / setup.maxWeight());
    long[] y = new long[delta.length + 1];
    SplittableRandom rounding = new SplittableRandom(roundingSeed);
    for (int i = 0; i < delta.length; i++) y[i] = values.encode(r * delta[i], rounding);
    y[delta.length] = weights.encode(r, rounding);
    MaskPrg.addMask(y, selfSeed, +1, bits);
    for (int v : d.ciphertexts().keySet()) {
      byte[] seed = pairwiseSeed(X25519.agree(maskPair.getPrivate(), X25519.decodePublic(directory.get(v).maskKey())));
      MaskPrg.addMask(y, seed, self < v ? +1 : -1, bits);
    }
    stage = Stage.MASKED_SENT;
    return new MaskedInput(setup.round(), self, y, bits);
  }

  private UnmaskShares unmask(UnmaskRequest u) {
    expect(Stage.MASKED_SENT, "UnmaskRequest");
    stage = Stage.DONE;
    Set<Integer> survivors = new HashSet<>(u.survivors());
    for (int v : u.dropped()) {
      if (survivors.contains(v)) throw new SecAggException(SecAggException.Kind.PROTOCOL, "client " + v + " is listed as both survivor and dropped");
    }
    if (!survivors.contains(setup.self())) throw new SecAggException(SecAggException.Kind.PROTOCOL, "this client is not listed among the survivors");
    int known = 0;
    for (int v : seedSharesHeld.keySet()) if (survivors.contains(v)) known++;
    if (known < setup.threshold()) {
      throw new SecAggException(SecAggException.Kind.UNSAFE, "only " + known + " of this client's neighbours survived, the threshold is " + setup.threshold());
    }
    Map<Integer, BigInteger> seeds = new TreeMap<>();
    Map<Integer, BigInteger> keys = new TreeMap<>();
    for (int v : u.survivors()) if (seedSharesHeld.containsKey(v)) seeds.put(v, seedSharesHeld.get(v));
    for (int v : u.dropped()) if (keySharesHeld.containsKey(v) && v != setup.self()) keys.put(v, keySharesHeld.get(v));
    return new UnmaskShares(setup.round(), setup.self(), seeds, keys);
  }

  private void expect(Stage s, String what) {
    if (stage != s) throw new SecAggException(SecAggException.Kind.PROTOCOL, what + " arrived in stage " + stage + ", expected " + s);
  }

  /** The pairwise mask seed from an X25519 shared secret: HKDF-SHA256 to 32 bytes. */
  static byte[] pairwiseSeed(byte[] sharedSecret) {
    return Hkdf.derive(null, sharedSecret, MASK_INFO, 32);
  }
}
