package io.lianbang.vertical.link;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receiving side of a {@link PartyLink}: messages delivered by peers wait here, keyed by
 * (sender, tag), until the party takes them. Bounds what a peer may queue ({@link LinkLimits}),
 * refuses a tag a peer already used, and wakes waiters when a peer is lost or the box is closed.
 */
public final class Mailbox {
  private final String owner;
  private final LinkLimits limits;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, byte[]> messages = new HashMap<>();
  private final Map<String, Integer> queued = new HashMap<>();
  private final Set<String> used = new HashSet<>();
  private final Map<String, String> lost = new HashMap<>();
  private boolean closed;

  /** An empty mailbox of party {@code owner}. */
  public Mailbox(String owner, LinkLimits limits) {
    this.owner = owner;
    this.limits = limits;
  }

  /**
   * Queues a message from {@code from}.
   *
   * @throws LinkException (REFUSED) if it breaks the limits or repeats a tag; (CLOSED) if closed
   */
  public void deliver(String from, String tag, byte[] payload) {
    limits.check(from, tag, payload.length);
    String key = from + '\u0000' + tag;
    lock.lock();
    try {
      if (closed) throw new LinkException(LinkException.Reason.CLOSED, owner + "'s link is closed");
      if (!used.add(key)) {
        throw new LinkException(LinkException.Reason.REFUSED, "tag " + tag + " from " + from + " was already sent");
      }
      int n = queued.getOrDefault(from, 0);
      if (n >= limits.maxQueuedMessages()) {
        used.remove(key);
        throw new LinkException(LinkException.Reason.REFUSED, from + " has " + n + " messages queued at " + owner
            + ", the limit maxQueuedMessages");
      }
      queued.put(from, n + 1);
      messages.put(key, payload);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes the message {@code from} sent under {@code tag}, waiting at most {@code timeout}.
   *
   * @throws LinkException TIMEOUT, PEER_LOST (with the reason the peer was lost) or CLOSED
   */
  public byte[] take(String from, String tag, Duration timeout) {
    String key = from + '\u0000' + tag;
    long remaining = timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        byte[] m = messages.remove(key);
        if (m != null) {
          queued.merge(from, -1, Integer::sum);
          return m;
        }
        if (closed) throw new LinkException(LinkException.Reason.CLOSED, owner + "'s link is closed");
        if (lost.containsKey(from)) {
          throw new LinkException(LinkException.Reason.PEER_LOST, "lost " + from + " while waiting for " + tag + ": " + lost.get(from));
        }
        if (remaining <= 0) {
          throw new LinkException(LinkException.Reason.TIMEOUT, "no " + tag + " from " + from + " within " + timeout.toMillis() + " ms");
        }
        try {
          remaining = changed.awaitNanos(remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LinkException(LinkException.Reason.CLOSED, "interrupted while waiting for " + tag + " from " + from, e);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Marks {@code peer} as gone: waits for its messages fail with {@code why}. */
  public void peerLost(String peer, String why) {
    lock.lock();
    try {
      lost.put(peer, why);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@code peer} was marked lost. */
  public boolean isLost(String peer) {
    lock.lock();
    try {
      return lost.containsKey(peer);
    } finally {
      lock.unlock();
    }
  }

  /** Drops all queued messages and fails every wait. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      messages.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
