package io.lianbang.vertical.link;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parties of one process connected in memory: each party's {@link PartyLink} delivers straight into
 * the others' {@link Mailbox}es. Payloads are copied, so no party can touch another's arrays.
 * {@link #kill} simulates a crashed party.
 */
public final class InMemoryLinks {
  private final Map<String, Mailbox> boxes = new ConcurrentHashMap<>();
  private final Map<String, Link> links = new LinkedHashMap<>();

  private InMemoryLinks(List<String> parties, LinkLimits limits) {
    for (String p : parties) {
      Objects.requireNonNull(p, "party");
      if (boxes.putIfAbsent(p, new Mailbox(p, limits)) != null) throw new IllegalArgumentException("party " + p + " named twice");
    }
    for (String p : parties) links.put(p, new Link(p));
  }

  /** Connects {@code parties} (at least two distinct names) with the default limits. */
  public static InMemoryLinks connect(String... parties) {
    return connect(LinkLimits.DEFAULTS, parties);
  }

  /** Connects {@code parties} (at least two distinct names) with {@code limits}. */
  public static InMemoryLinks connect(LinkLimits limits, String... parties) {
    if (parties.length < 2) throw new IllegalArgumentException("a vertical run needs at least two parties, got " + parties.length);
    return new InMemoryLinks(List.of(parties), limits);
  }

  /** The link of {@code party}. */
  public PartyLink link(String party) {
    Link l = links.get(party);
    if (l == null) throw new IllegalArgumentException("unknown party " + party + "; parties are " + links.keySet());
    return l;
  }

  /** Simulates a crash of {@code party}: its link closes and every other party sees it as lost. */
  public void kill(String party) {
    link(party).close();
    boxes.forEach((p, box) -> {
      if (!p.equals(party)) box.peerLost(party, party + " crashed");
    });
  }

  private final class Link implements PartyLink {
    private final String self;
    private final LinkStats stats = new LinkStats();
    private volatile boolean closed;

    Link(String self) {
      this.self = self;
    }

    @Override
    public String self() {
      return self;
    }

    @Override
    public void send(String to, String tag, byte[] payload) {
      if (closed) throw new LinkException(LinkException.Reason.CLOSED, self + "'s link is closed");
      Mailbox box = boxes.get(to);
      if (box == null || to.equals(self)) throw new LinkException(LinkException.Reason.PEER_LOST, "no party " + to);
      if (links.get(to).closed) throw new LinkException(LinkException.Reason.PEER_LOST, to + " is gone");
      box.deliver(self, tag, payload.clone());
      stats.sent(to, tag, payload.length);
    }

    @Override
    public byte[] receive(String from, String tag, Duration timeout) {
      if (closed) throw new LinkException(LinkException.Reason.CLOSED, self + "'s link is closed");
      byte[] m = boxes.get(self).take(from, tag, timeout);
      stats.received(from, tag, m.length);
      return m;
    }

    @Override
    public LinkStats stats() {
      return stats;
    }

    @Override
    public void close() {
      closed = true;
      boxes.get(self).close();
    }
  }
}
