package io.lianbang.vertical.lr;

import static io.lianbang.vertical.lr.HeteroLrProtocol.MAX_FEATURES;
import static io.lianbang.vertical.lr.HeteroLrProtocol.MAX_ROWS;
import static io.lianbang.vertical.lr.HeteroLrProtocol.tag;

import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadReader;
import io.lianbang.vertical.link.PayloadWriter;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The arbiter of hetero logistic regression: it generates the Paillier key pair, decrypts the
 * masked gradient sums and the loss, and decides convergence; it never holds data or weights.
 * See the package javadoc for the protocol.
 */
public final class HeteroLrArbiter {
  private final HeteroLrParams params;
  private final String guest;
  private final List<String> hosts;
  private final PaillierKeyPair keys;

  /**
   * An arbiter for {@code guest} and {@code hosts} that generates a fresh key pair of
   * {@link HeteroLrParams#keyBits()} bits when it runs.
   *
   * @throws IllegalArgumentException if there is no host, a name repeats, or the early stop needs
   *     the loss (DIFF, ABS) with more than one host
   */
  public HeteroLrArbiter(HeteroLrParams params, String guest, List<String> hosts) {
    this(params, guest, hosts, null);
  }

  /**
   * An arbiter for {@code guest} and {@code hosts} with a key pair generated in advance (null: a
   * fresh one per run).
   *
   * @throws IllegalArgumentException if there is no host, a name repeats, or the early stop needs
   *     the loss (DIFF, ABS) with more than one host
   */
  public HeteroLrArbiter(HeteroLrParams params, String guest, List<String> hosts, PaillierKeyPair keys) {
    this.params = Objects.requireNonNull(params, "params");
    this.guest = Objects.requireNonNull(guest, "guest");
    this.hosts = List.copyOf(hosts);
    HeteroLrGuest.checkParties(params, guest, this.hosts);
    if (keys != null && keys.publicKey().bits() != params.keyBits()) {
      throw new IllegalArgumentException("keys have " + keys.publicKey().bits() + " bits, keyBits is " + params.keyBits());
    }
    this.keys = keys;
  }

  /**
   * Runs the arbiter's side until the guest and hosts finish.
   *
   * @throws LinkException naming the peer and step if a peer is lost, times out or sends a malformed message
   */
  public HeteroLrArbiterResult run(PartyLink link) {
    Channel ch = new Channel(link, params.timeout());
    SecureRandom random = new SecureRandom();
    PaillierKeyPair keys = this.keys != null ? this.keys : PaillierKeyPair.generate(params.keyBits(), random);
    PaillierPublicKey pub = keys.publicKey();
    int keyBits = params.keyBits();
    byte[] key = new PayloadWriter().putBigInteger(pub.n()).toByteArray();
    ch.send(guest, "lr.key/0", key);
    for (String h : hosts) ch.send(h, "lr.key/0", key);

    PayloadReader plan = ch.receive(guest, "lr.plan/0");
    int rows = plan.getInt("rows");
    int guestLength = plan.getInt("gradientLength");
    int batches = plan.getInt("batches");
    plan.end();
    check("lr.plan/0 from " + guest, "rows", rows, 1, MAX_ROWS);
    check("lr.plan/0 from " + guest, "gradientLength", guestLength, 1, MAX_FEATURES + 1);
    check("lr.plan/0 from " + guest, "batches", batches, 1, rows);
    int[] hostLength = new int[hosts.size()];
    for (int k = 0; k < hosts.size(); k++) {
      PayloadReader hello = ch.receive(hosts.get(k), "lr.hello/0");
      hostLength[k] = hello.getInt("features");
      hello.end();
      check("lr.hello/0 from " + hosts.get(k), "features", hostLength[k], 1, MAX_FEATURES);
    }

    boolean withLoss = hosts.size() == 1;
    List<Double> history = new ArrayList<>();
    Double previous = null;
    boolean converged = false;
    int t = 0;
    while (t < params.maxIter() && !converged) {
      double lossSum = 0;
      for (int b = 0; b < batches; b++) {
        String tag = tag("lr.masked_gradient", t, b);
        for (int k = 0; k < hosts.size(); k++) unmaskFor(ch, keys, hosts.get(k), tag, hostLength[k], keyBits, t, b);
        unmaskFor(ch, keys, guest, tag, guestLength, keyBits, t, b);
        if (withLoss) {
          String lt = tag("lr.loss", t, b);
          PayloadReader r = ch.receive(guest, lt);
          int batchRows = r.getInt("batchRows");
          BigInteger[] c = r.getBigIntegers("loss", 1, 2 * keyBits);
          r.end();
          check(lt + " from " + guest, "batchRows", batchRows, 1, rows);
          if (c.length != 1) throw refused(lt + " from " + guest, "loss count must be 1, got " + c.length);
          LrCrypto.checkCiphertexts(lt + " from " + guest, "loss", c, pub);
          lossSum += LrCrypto.decode(LrCrypto.signed(keys.privateKey().decrypt(c[0]), pub.n()), 2 * params.fractionBits()) / batchRows;
        }
      }
      Double loss = withLoss ? lossSum / batches : null;
      if (loss != null) history.add(loss);
      switch (params.earlyStop()) {
        case WEIGHT_DIFF -> {
          double norm2 = deltaNorm(ch, guest, t);
          for (String h : hosts) norm2 += deltaNorm(ch, h, t);
          converged = Math.sqrt(norm2) < params.tol();
        }
        case DIFF -> converged = previous != null && Math.abs(previous - loss) < params.tol();
        case ABS -> converged = loss <= params.tol();
      }
      previous = loss;
      byte[] flag = new PayloadWriter().putInt(converged ? 1 : 0).toByteArray();
      ch.send(guest, tag("lr.converged", t), flag);
      for (String h : hosts) ch.send(h, tag("lr.converged", t), flag);
      t++;
    }
    return new HeteroLrArbiterResult(history, t, converged);
  }

  private static void unmaskFor(Channel ch, PaillierKeyPair keys, String party, String tag, int length, int keyBits, int t, int b) {
    PayloadReader r = ch.receive(party, tag);
    String what = tag + " from " + party;
    BigInteger[] c = r.getBigIntegers("maskedGradient", length, 2 * keyBits);
    r.end();
    if (c.length != length) throw refused(what, "maskedGradient count must be " + length + " (the party's gradient length), got " + c.length);
    LrCrypto.checkCiphertexts(what, "maskedGradient", c, keys.publicKey());
    BigInteger[] plain = new BigInteger[length];
    for (int j = 0; j < length; j++) plain[j] = keys.privateKey().decrypt(c[j]);
    ch.send(party, tag("lr.masked_plain", t, b), new PayloadWriter().putBigIntegers(plain).toByteArray());
  }

  private static double deltaNorm(Channel ch, String party, int t) {
    String tag = tag("lr.delta_norm", t);
    PayloadReader r = ch.receive(party, tag);
    double v = r.getDouble("deltaNorm2");
    r.end();
    if (v < 0) throw refused(tag + " from " + party, "deltaNorm2 must be >= 0, got " + v);
    return v;
  }

  static void check(String what, String field, int v, int min, int max) {
    if (v < min || v > max) throw refused(what, field + " must be in [" + min + ", " + max + "], got " + v);
  }

  static LinkException refused(String what, String why) {
    return new LinkException(LinkException.Reason.REFUSED, what + ": " + why);
  }
}
