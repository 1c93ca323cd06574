package io.lianbang.vertical.link;

/**
 * What a party accepts from its peers: every message is checked against these before it is
 * queued or parsed.
 *
 * @param maxMessageBytes the largest payload of one message (default 256 MiB)
 * @param maxQueuedMessages the most messages queued from one peer and not yet received (default 1,024)
 * @param maxTagLength the longest tag in characters (default 128)
 */
public record LinkLimits(int maxMessageBytes, int maxQueuedMessages, int maxTagLength) {
  /** The defaults: 256 MiB per message, 1,024 queued messages per peer, 128-character tags. */
  public static final LinkLimits DEFAULTS = new LinkLimits(256 << 20, 1024, 128);

  /** Validates the limits. */
  public LinkLimits {
    if (maxMessageBytes < 1) throw new IllegalArgumentException("maxMessageBytes must be >= 1, got " + maxMessageBytes);
    if (maxQueuedMessages < 1) throw new IllegalArgumentException("maxQueuedMessages must be >= 1, got " + maxQueuedMessages);
    if (maxTagLength < 1) throw new IllegalArgumentException("maxTagLength must be >= 1, got " + maxTagLength);
  }

  /**
   * Checks one message from {@code peer}.
   *
   * @throws LinkException (REFUSED) naming the field and value if the tag or payload is out of bounds
   */
  public void check(String peer, String tag, int payloadBytes) {
    if (tag == null || tag.isEmpty() || tag.length() > maxTagLength) {
      throw new LinkException(LinkException.Reason.REFUSED, "tag from " + peer + " must have 1 to " + maxTagLength + " characters, got "
          + (tag == null ? "none" : tag.length()));
    }
    if (payloadBytes > maxMessageBytes) {
      throw new LinkException(LinkException.Reason.REFUSED, "payload of " + tag + " from " + peer + " has " + payloadBytes
          + " bytes, more than maxMessageBytes " + maxMessageBytes);
    }
  }
}
