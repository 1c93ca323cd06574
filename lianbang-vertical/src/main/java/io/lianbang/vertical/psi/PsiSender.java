package io.lianbang.vertical.psi;

import static io.lianbang.vertical.psi.PsiProtocol.batchCount;
import static io.lianbang.vertical.psi.PsiProtocol.batches;
import static io.lianbang.vertical.psi.PsiProtocol.receive;
import static io.lianbang.vertical.psi.PsiProtocol.refused;
import static io.lianbang.vertical.psi.PsiProtocol.send;

import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadReader;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sender of the ECDH PSI ({@link io.lianbang.vertical.psi}): it sends its ids blinded with its
 * secret scalar s in a shuffled order, then blinds the receiver's queries with s. Under
 * {@link PsiReveal#INTERSECTION} it learns the intersection from the receiver; it never sees the
 * receiver's other ids. Either the guest or a host may be the sender.
 */
public final class PsiSender {
  private static final String ROLE = "sender";
  private final PsiSettings settings;

  /** A sender with {@code settings}. */
  public PsiSender(PsiSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * Runs the PSI with {@code receiver} over {@code link}; blocks until done. Every wait for the
   * receiver is bounded by {@link PsiSettings#timeout()}.
   *
   * @param ids this party's ids, distinct, of any form (compared as UTF-8 bytes)
   * @throws IllegalArgumentException if {@code ids} holds a null or a repeated id
   * @throws io.lianbang.vertical.link.LinkException if the receiver is lost or silent (naming the step) or sends a
   *     message that breaks the protocol (naming the field)
   */
  public PsiResult run(PartyLink link, String receiver, List<String> ids) {
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(receiver, "receiver");
    PsiProtocol.checkIds(ids);
    Duration timeout = settings.timeout();
    Map<String, Duration> phases = new LinkedHashMap<>();
    long sent0 = link.stats().totalBytes(true);
    long received0 = link.stats().totalBytes(false);
    int n = ids.size();
    int b = settings.batchSize();

    long t = System.nanoTime();
    send(link, receiver, PsiProtocol.HELLO, PsiProtocol.hello(settings, n, PsiProtocol.SENDER_ROLE), ROLE);
    String what = PsiProtocol.HELLO + " from " + receiver;
    int m = PsiProtocol.readHello(receive(link, receiver, PsiProtocol.HELLO, timeout, ROLE), what, settings, PsiProtocol.RECEIVER_ROLE);
    t = PsiProtocol.phase(phases, "hello", t);

    SecureRandom random = new SecureRandom();
    int[] order = shuffle(n, random);
    List<String> intersection = null;
    int size = -1;
    try (ParallelBlinding blinding = new ParallelBlinding(new X25519Blinder(random), new HashToCurve25519(settings.domain()),
        settings.threads(), ROLE)) {
      int own = batches(n, b);
      for (int k = 0; k < own; k++) {
        if (k >= PsiProtocol.WINDOW) {
          String tag = PsiProtocol.ACK + (k - PsiProtocol.WINDOW);
          PsiProtocol.readAck(receive(link, receiver, tag, timeout, ROLE), tag + " from " + receiver, k - PsiProtocol.WINDOW);
        }
        int from = k * b;
        int to = from + batchCount(n, b, k);
        send(link, receiver, PsiProtocol.SENDER + k, PsiProtocol.points(blinding.hashAndBlind(ids, order, from, to), to - from), ROLE);
      }
      for (int k = Math.max(0, own - PsiProtocol.WINDOW); k < own; k++) {
        String tag = PsiProtocol.ACK + k;
        PsiProtocol.readAck(receive(link, receiver, tag, timeout, ROLE), tag + " from " + receiver, k);
      }
      t = PsiProtocol.phase(phases, "send own ids", t);

      int queries = batches(m, b);
      for (int k = 0; k < queries; k++) {
        String tag = PsiProtocol.QUERY + k;
        int count = batchCount(m, b, k);
        byte[] points = PsiProtocol.readPoints(receive(link, receiver, tag, timeout, ROLE), tag + " from " + receiver, count);
        send(link, receiver, PsiProtocol.REPLY + k, PsiProtocol.points(blinding.blindPeerPoints(points, count, tag + " from " + receiver), count), ROLE);
      }
      t = PsiProtocol.phase(phases, "answer queries", t);
    }

    if (settings.reveal() != PsiReveal.NONE) {
      String what2 = PsiProtocol.SIZE + " from " + receiver;
      PayloadReader r = new PayloadReader(what2, receive(link, receiver, PsiProtocol.SIZE, timeout, ROLE));
      size = r.getInt("size");
      r.end();
      if (size < 0 || size > Math.min(n, m)) throw refused(what2, "size must be in [0, " + Math.min(n, m) + "], got " + size);
    }
    if (settings.reveal() == PsiReveal.INTERSECTION) {
      intersection = new ArrayList<>(size);
      int last = -1;
      for (int k = 0; k < batches(size, b); k++) {
        String tag = PsiProtocol.RESULT + k;
        int expected = batchCount(size, b, k);
        PayloadReader r = new PayloadReader(tag + " from " + receiver, receive(link, receiver, tag, timeout, ROLE));
        int[] positions = r.getInts("positions", expected);
        r.end();
        if (positions.length != expected) throw refused(tag + " from " + receiver, "positions count is " + positions.length + ", expected " + expected);
        for (int i = 0; i < positions.length; i++) {
          int p = positions[i];
          if (p <= last || p >= n) {
            throw refused(tag + " from " + receiver, "positions[" + i + "] is " + p + ", must be ascending in (" + last + ", " + n + ")");
          }
          last = p;
          intersection.add(ids.get(order[p]));
        }
      }
      intersection.sort(null);
    }
    if (settings.reveal() != PsiReveal.NONE) PsiProtocol.phase(phases, "learn result", t);
    return new PsiResult(ROLE, n, m, intersection, size, phases, link.stats().totalBytes(true) - sent0,
        link.stats().totalBytes(false) - received0);
  }

  /** A uniformly random permutation of [0, n) (Fisher-Yates with {@code random}). */
  private static int[] shuffle(int n, SecureRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int x = order[i];
      order[i] = order[j];
      order[j] = x;
    }
    return order;
  }
}
