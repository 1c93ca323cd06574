package io.lianbang.vertical.psi;

import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadReader;
import io.lianbang.vertical.link.PayloadWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages of the ECDH PSI (docs/protocol.md, "Vertical federated learning", "PSI"), their
 * encoding and bounds, shared by {@link PsiSender} and {@link PsiReceiver}. {@link #MESSAGES} and
 * {@link #LEARNS} are the basis of the privacy report.
 */
public final class PsiProtocol {
  /** The protocol version in {@code psi.hello}. */
  public static final int VERSION = 1;
  /** Batches a party may have sent and not yet had acknowledged or answered. */
  public static final int WINDOW = 4;

  /** Message kind -> who sends it to whom, what it contains and in which form. */
  public static final Map<String, String> MESSAGES = Map.of(
      "psi.hello", "both ways, first: version, domain tag, batch size, own id count, role, reveal mode (plain; set sizes are revealed)",
      "psi.sender", "sender -> receiver, batch k: the sender's ids hashed to Curve25519 and blinded with the sender's secret "
          + "scalar s, X25519(s, H(x)), in an order shuffled with a SecureRandom permutation",
      "psi.ack", "receiver -> sender, batch k: the batch number (flow control)",
      "psi.query", "receiver -> sender, batch k: the receiver's ids hashed and blinded with its secret scalar r, X25519(r, H(y)), in the receiver's order",
      "psi.reply", "sender -> receiver, batch k: the query's points blinded again with s, X25519(s, X25519(r, H(y))), in the query's order",
      "psi.size", "receiver -> sender (reveal SIZE or INTERSECTION): the intersection's size",
      "psi.result", "receiver -> sender (reveal INTERSECTION), batch k: ascending positions, in the shuffled psi.sender order, of the sender's points that matched");

  /** Party -> what it learns. */
  public static final Map<String, String> LEARNS = Map.of(
      "receiver", "the intersection and its size; the sender's id count; nothing about the sender's other ids (they reach it only "
          + "as X25519(r, X25519(s, H(x))) under the sender's secret s)",
      "sender", "the receiver's id count; with reveal SIZE the intersection's size; with INTERSECTION the intersection (which of its own "
          + "ids matched), never the receiver's other ids (they reach it only blinded with the receiver's secret r)");

  static final String HELLO = "psi.hello";
  static final String SENDER = "psi.sender/";
  static final String ACK = "psi.ack/";
  static final String QUERY = "psi.query/";
  static final String REPLY = "psi.reply/";
  static final String SIZE = "psi.size";
  static final String RESULT = "psi.result/";
  static final int SENDER_ROLE = 0;
  static final int RECEIVER_ROLE = 1;

  private PsiProtocol() {}

  /** The hello a party sends: its settings, id count and role. */
  static byte[] hello(PsiSettings s, int count, int role) {
    return new PayloadWriter().putInt(VERSION).putString(s.domain()).putInt(s.batchSize()).putInt(count).putInt(role)
        .putInt(s.reveal().ordinal()).toByteArray();
  }

  /**
   * Reads the peer's hello and checks it against this party's settings; returns the peer's id count.
   *
   * @throws LinkException (REFUSED) naming the field that differs or is out of bounds
   */
  static int readHello(byte[] payload, String what, PsiSettings s, int expectedRole) {
    PayloadReader r = new PayloadReader(what, payload);
    int version = r.getInt("version");
    String domain = r.getString("domain", 255);
    int batch = r.getInt("batchSize");
    int count = r.getInt("count");
    int role = r.getInt("role");
    int reveal = r.getInt("reveal");
    r.end();
    if (version != VERSION) throw refused(what, "version is " + version + ", expected " + VERSION);
    if (!domain.equals(s.domain())) throw refused(what, "domain is '" + domain + "', expected '" + s.domain() + "'");
    if (batch != s.batchSize()) throw refused(what, "batchSize is " + batch + ", expected " + s.batchSize());
    if (count < 0 || count > s.maxPeerIds()) throw refused(what, "count must be in [0, " + s.maxPeerIds() + "] (maxPeerIds), got " + count);
    if (role != expectedRole) throw refused(what, "role is " + role + ", expected " + expectedRole + " (0 sender, 1 receiver)");
    if (reveal != s.reveal().ordinal()) {
      throw refused(what, "reveal is " + reveal + ", expected " + s.reveal().ordinal() + " (" + s.reveal() + ")");
    }
    return count;
  }

  /** The number of batches for {@code n} ids. */
  static int batches(int n, int batchSize) {
    return (int) (((long) n + batchSize - 1) / batchSize);
  }

  /** The number of ids in batch {@code k} of {@code n}. */
  static int batchCount(int n, int batchSize, int k) {
    return (int) Math.min(batchSize, (long) n - (long) k * batchSize);
  }

  /** A batch of {@code count} 32-byte points. */
  static byte[] points(byte[] points, int count) {
    return new PayloadWriter().putInt(count).putBytes(points).toByteArray();
  }

  /**
   * Reads a batch of points that must hold exactly {@code expected} points.
   *
   * @throws LinkException (REFUSED) naming the field and value
   */
  static byte[] readPoints(byte[] payload, String what, int expected) {
    PayloadReader r = new PayloadReader(what, payload);
    int count = r.getInt("count");
    if (count != expected) throw refused(what, "count is " + count + ", expected " + expected);
    byte[] points = r.getBytes("points", expected * 32);
    r.end();
    if (points.length != expected * 32) {
      throw refused(what, "points has " + points.length + " bytes, expected 32 per point * " + expected + " = " + expected * 32);
    }
    return points;
  }

  /** A batch number. */
  static byte[] ack(int k) {
    return new PayloadWriter().putInt(k).toByteArray();
  }

  /** Reads an ack that must carry {@code k}. */
  static void readAck(byte[] payload, String what, int k) {
    PayloadReader r = new PayloadReader(what, payload);
    int got = r.getInt("batch");
    r.end();
    if (got != k) throw refused(what, "batch is " + got + ", expected " + k);
  }

  /** Receives {@code tag} from {@code peer}; a link failure names the role and the step. */
  static byte[] receive(PartyLink link, String peer, String tag, Duration timeout, String role) {
    try {
      return link.receive(peer, tag, timeout);
    } catch (LinkException e) {
      throw new LinkException(e.reason(), "PSI " + role + " " + link.self() + ", waiting for " + tag + " from " + peer + ": " + e.getMessage(), e);
    }
  }

  /** Sends {@code tag} to {@code peer}; a link failure names the role and the step. */
  static void send(PartyLink link, String peer, String tag, byte[] payload, String role) {
    try {
      link.send(peer, tag, payload);
    } catch (LinkException e) {
      throw new LinkException(e.reason(), "PSI " + role + " " + link.self() + ", sending " + tag + " to " + peer + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks that {@code ids} has no null and no repeated id.
   *
   * @throws IllegalArgumentException naming the positions and the id
   */
  static void checkIds(List<String> ids) {
    Map<String, Integer> seen = new HashMap<>(Math.max(16, ids.size() * 4 / 3 + 1));
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      if (id == null) throw new IllegalArgumentException("ids[" + i + "] is null");
      Integer before = seen.put(id, i);
      if (before != null) throw new IllegalArgumentException("ids[" + before + "] and ids[" + i + "] are both '" + id + "'");
    }
  }

  /** Records the time since {@code since} as phase {@code name}; returns now. */
  static long phase(Map<String, Duration> phases, String name, long since) {
    long now = System.nanoTime();
    phases.put(name, Duration.ofNanos(now - since));
    return now;
  }

  static LinkException refused(String what, String why) {
    return new LinkException(LinkException.Reason.REFUSED, what + ": " + why);
  }
}
