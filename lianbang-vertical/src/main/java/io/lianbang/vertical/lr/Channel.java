package io.lianbang.vertical.lr;

import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadReader;
import java.time.Duration;

/**
 * A role's view of its {@link PartyLink}: every receive waits at most the run's timeout, and a
 * failure is rethrown naming this party, the peer and the protocol step (the tag).
 */
final class Channel {
  private final PartyLink link;
  private final Duration timeout;

  Channel(PartyLink link, Duration timeout) {
    this.link = link;
    this.timeout = timeout;
  }

  String self() {
    return link.self();
  }

  void send(String to, String tag, byte[] payload) {
    try {
      link.send(to, tag, payload);
    } catch (LinkException e) {
      throw new LinkException(e.reason(), link.self() + " could not send " + tag + " to " + to + " (" + e.reason() + "): " + e.getMessage(), e);
    }
  }

  /** A reader of the message {@code from} sent under {@code tag}. */
  PayloadReader receive(String from, String tag) {
    try {
      return new PayloadReader(tag + " from " + from, link.receive(from, tag, timeout));
    } catch (LinkException e) {
      throw new LinkException(e.reason(), link.self() + " failed waiting for " + tag + " from " + from + " (" + e.reason() + "): " + e.getMessage(), e);
    }
  }
}
