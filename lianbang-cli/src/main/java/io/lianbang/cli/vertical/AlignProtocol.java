package io.lianbang.cli.vertical;

import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadReader;
import io.lianbang.vertical.link.PayloadWriter;
import io.lianbang.vertical.report.ProtocolDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one message of a run's alignment beyond PSI: with two or more hosts the guest, which ran PSI
 * with each host, keeps the ids every host shares with it and tells each host which of its PSI
 * intersection these are (tag {@code vfl.align}; docs/protocol.md, "Running a vertical job").
 * With one host the PSI intersection is the run's row set and nothing is sent. An arbiter, which
 * takes no part in PSI, waits for the guest's {@code vfl.ready} before its protocol's own
 * deadlines start.
 */
public final class AlignProtocol {
  /** The message kind and tag of the positions a host keeps. */
  public static final String ALIGN = "vfl.align";
  /** The message kind and tag that tells the arbiter the rows are aligned. */
  public static final String READY = "vfl.ready";

  /** Message kind → content and form; role → what it learns. */
  public static final ProtocolDescription DESCRIPTION = new ProtocolDescription("alignment", Map.of(ALIGN,
      "guest → host (two or more hosts only): ascending positions, in the host's PSI intersection, of the ids that every host shares "
          + "with the guest (plaintext int list)",
      READY, "guest → arbiter (hetero_lr): the number of aligned rows, in the clear, once PSI and alignment are done"),
      Map.of("guest", "the intersection with each host (from PSI) and so the ids every host shares with it",
          "host", "which ids of its own intersection with the guest every other host also holds",
          "arbiter", "the number of aligned rows"));

  private AlignProtocol() {}

  /**
   * The guest's side: the ids in every one of {@code intersections} (host → its ascending PSI
   * intersection), ascending; each host is sent its positions of them when there are two or more.
   */
  public static List<String> guest(PartyLink link, Map<String, List<String>> intersections) {
    List<String> hosts = List.copyOf(intersections.keySet());
    Set<String> common = new HashSet<>(intersections.get(hosts.get(0)));
    for (String h : hosts) common.retainAll(new HashSet<>(intersections.get(h)));
    List<String> out = intersections.get(hosts.get(0)).stream().filter(common::contains).toList();
    if (hosts.size() > 1) {
      for (String h : hosts) {
        List<String> mine = intersections.get(h);
        int[] positions = new int[out.size()];
        int k = 0;
        for (int i = 0; i < mine.size(); i++) {
          if (common.contains(mine.get(i))) positions[k++] = i;
        }
        link.send(h, ALIGN, new PayloadWriter().putInts(positions).toByteArray());
      }
    }
    return out;
  }

  /** The guest tells {@code arbiter} that {@code rows} rows are aligned. */
  public static void ready(PartyLink link, String arbiter, int rows) {
    link.send(arbiter, READY, new PayloadWriter().putInt(rows).toByteArray());
  }

  /**
   * The arbiter waits at most {@code timeout} for the guest's {@link #ready}; returns the row count.
   *
   * @throws LinkException REFUSED if the count is negative
   */
  public static int awaitReady(PartyLink link, String guest, Duration timeout) {
    String what = READY + " from " + guest;
    PayloadReader r = new PayloadReader(what, link.receive(guest, READY, timeout));
    int rows = r.getInt("rows");
    r.end();
    if (rows < 0) throw new LinkException(LinkException.Reason.REFUSED, what + ": rows must be >= 0, got " + rows);
    return rows;
  }

  /**
   * A host's side with {@code hosts} hosts in the run: its PSI {@code intersection} itself with one
   * host; else the guest's positions of it, each checked: ascending, within the intersection.
   *
   * @throws LinkException REFUSED naming the field and value if the positions are malformed
   */
  public static List<String> host(PartyLink link, String guest, int hosts, List<String> intersection, Duration timeout) {
    if (hosts < 2) return intersection;
    String what = ALIGN + " from " + guest;
    PayloadReader r = new PayloadReader(what, link.receive(guest, ALIGN, timeout));
    int[] positions = r.getInts("positions", intersection.size());
    r.end();
    List<String> out = new ArrayList<>(positions.length);
    int last = -1;
    for (int i = 0; i < positions.length; i++) {
      int p = positions[i];
      if (p <= last || p >= intersection.size()) {
        throw new LinkException(LinkException.Reason.REFUSED, what + ": positions[" + i + "] is " + p + ", must be ascending and in [0, "
            + intersection.size() + ")");
      }
      out.add(intersection.get(p));
      last = p;
    }
    return out;
  }
}
