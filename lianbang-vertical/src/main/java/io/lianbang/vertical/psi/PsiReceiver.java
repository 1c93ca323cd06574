package io.lianbang.vertical.psi;

import static io.lianbang.vertical.psi.PsiProtocol.batchCount;
import static io.lianbang.vertical.psi.PsiProtocol.batches;
import static io.lianbang.vertical.psi.PsiProtocol.phase;
import static io.lianbang.vertical.psi.PsiProtocol.receive;
import static io.lianbang.vertical.psi.PsiProtocol.refused;
import static io.lianbang.vertical.psi.PsiProtocol.send;

import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The receiver of the ECDH PSI ({@link io.lianbang.vertical.psi}): it blinds the sender's points
 * again with its secret scalar r and keeps their 128-bit digests, sorted; then it sends its own ids
 * blinded with r, gets them back blinded with the sender's s as well, and looks each up. It learns
 * the intersection; depending on {@link PsiSettings#reveal()} it tells the sender its size or which
 * of the sender's points matched. Either the guest or a host may be the receiver.
 */
public final class PsiReceiver {
  private static final String ROLE = "receiver";
  private final PsiSettings settings;

  /** A receiver with {@code settings}. */
  public PsiReceiver(PsiSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * Runs the PSI with {@code sender} over {@code link}; blocks until done. Every wait for the sender
   * is bounded by {@link PsiSettings#timeout()}.
   *
   * @param ids this party's ids, distinct, of any form (compared as UTF-8 bytes)
   * @return the intersection in ascending {@link String#compareTo} order, its size, times and bytes
   * @throws IllegalArgumentException if {@code ids} holds a null or a repeated id
   * @throws io.lianbang.vertical.link.LinkException if the sender is lost or silent (naming the step) or sends a
   *     message that breaks the protocol (naming the field)
   */
  public PsiResult run(PartyLink link, String sender, List<String> ids) {
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(sender, "sender");
    PsiProtocol.checkIds(ids);
    Duration timeout = settings.timeout();
    Map<String, Duration> phases = new LinkedHashMap<>();
    long sent0 = link.stats().totalBytes(true);
    long received0 = link.stats().totalBytes(false);
    int n = ids.size();
    int b = settings.batchSize();

    long t = System.nanoTime();
    send(link, sender, PsiProtocol.HELLO, PsiProtocol.hello(settings, n, PsiProtocol.RECEIVER_ROLE), ROLE);
    int m = PsiProtocol.readHello(receive(link, sender, PsiProtocol.HELLO, timeout, ROLE), PsiProtocol.HELLO + " from " + sender,
        settings, PsiProtocol.SENDER_ROLE);
    t = phase(phases, "hello", t);

    List<Integer> rows = new ArrayList<>();
    int[] positions;
    try (ParallelBlinding blinding = new ParallelBlinding(new X25519Blinder(new SecureRandom()),
        new HashToCurve25519(settings.domain()), settings.threads(), ROLE)) {
      DigestSet theirs = new DigestSet(m);
      for (int k = 0; k < batches(m, b); k++) {
        String tag = PsiProtocol.SENDER + k;
        String what = tag + " from " + sender;
        int count = batchCount(m, b, k);
        byte[] points = blinding.blindPeerPoints(PsiProtocol.readPoints(receive(link, sender, tag, timeout, ROLE), what, count), count, what);
        for (int i = 0; i < count; i++) theirs.add(points, i * 32, k * b + i);
        send(link, sender, PsiProtocol.ACK + k, PsiProtocol.ack(k), ROLE);
      }
      t = phase(phases, "blind sender's ids", t);
      theirs.sort();
      int repeated = theirs.firstDuplicate();
      if (repeated >= 0) throw refused(PsiProtocol.SENDER + " from " + sender, "the point at position " + repeated + " repeats an earlier one");
      t = phase(phases, "sort", t);

      int queries = batches(n, b);
      List<Integer> matchedPositions = new ArrayList<>();
      for (int k = 0; k < queries + PsiProtocol.WINDOW; k++) {
        if (k < queries) {
          int from = k * b;
          int to = from + batchCount(n, b, k);
          send(link, sender, PsiProtocol.QUERY + k, PsiProtocol.points(blinding.hashAndBlind(ids, null, from, to), to - from), ROLE);
        }
        int j = k - PsiProtocol.WINDOW + 1;
        if (j >= 0 && j < queries) {
          String tag = PsiProtocol.REPLY + j;
          int count = batchCount(n, b, j);
          byte[] points = PsiProtocol.readPoints(receive(link, sender, tag, timeout, ROLE), tag + " from " + sender, count);
          for (int i = 0; i < count; i++) {
            int p = theirs.find(points, i * 32);
            if (p >= 0) {
              rows.add(j * b + i);
              matchedPositions.add(p);
            }
          }
        }
      }
      positions = matchedPositions.stream().mapToInt(Integer::intValue).toArray();
      Arrays.sort(positions);
      t = phase(phases, "query own ids", t);
    }

    List<String> intersection = new ArrayList<>(rows.size());
    for (int r : rows) intersection.add(ids.get(r));
    intersection.sort(null);
    if (settings.reveal() != PsiReveal.NONE) {
      send(link, sender, PsiProtocol.SIZE, new PayloadWriter().putInt(positions.length).toByteArray(), ROLE);
    }
    if (settings.reveal() == PsiReveal.INTERSECTION) {
      for (int k = 0; k < batches(positions.length, b); k++) {
        int from = k * b;
        int[] part = Arrays.copyOfRange(positions, from, from + batchCount(positions.length, b, k));
        send(link, sender, PsiProtocol.RESULT + k, new PayloadWriter().putInts(part).toByteArray(), ROLE);
      }
    }
    phase(phases, "share result", t);
    return new PsiResult(ROLE, n, m, intersection, intersection.size(), phases, link.stats().totalBytes(true) - sent0,
        link.stats().totalBytes(false) - received0);
  }
}
