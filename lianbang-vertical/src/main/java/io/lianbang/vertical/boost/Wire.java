package io.lianbang.vertical.boost;

import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadReader;
import java.time.Duration;

/** Sending and receiving for the SecureBoost roles: failures become {@link SecureBoostException}s naming the step. */
final class Wire {
  private final PartyLink link;
  private final String role;
  private final Duration timeout;

  Wire(PartyLink link, String role, Duration timeout) {
    this.link = link;
    this.role = role;
    this.timeout = timeout;
  }

  void send(String to, String tag, byte[] payload) {
    try {
      link.send(to, tag, payload);
    } catch (LinkException e) {
      throw new SecureBoostException(role + " " + link.self() + " could not send " + tag + " to " + to + " (" + e.reason() + "): " + e.getMessage(), e);
    }
  }

  /** A reader of the message {@code from} sends under {@code tag}, within the receive timeout. */
  PayloadReader receive(String from, String tag) {
    try {
      return new PayloadReader(tag + " from " + from, link.receive(from, tag, timeout));
    } catch (LinkException e) {
      String what = switch (e.reason()) {
        case TIMEOUT -> "no answer from " + from + " within " + timeout.toMillis() + " ms";
        case PEER_LOST -> "lost " + from;
        case REFUSED -> "refused a message of " + from;
        case CLOSED -> "link closed";
      };
      throw new SecureBoostException(role + " " + link.self() + ": " + what + " at step " + tag + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code parse} and turns a refused payload into a SecureBoostException naming the step. */
  <T> T parse(String from, String tag, java.util.function.Function<PayloadReader, T> parse) {
    PayloadReader in = receive(from, tag);
    try {
      T v = parse.apply(in);
      in.end();
      return v;
    } catch (LinkException e) {
      throw new SecureBoostException(role + " " + link.self() + " refused " + tag + " from " + from + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new SecureBoostException(role + " " + link.self() + " refused " + tag + " from " + from + ": " + e.getMessage(), e);
    }
  }

  static SecureBoostException refuse(String field, String why) {
    return new SecureBoostException(field + " " + why);
  }

  /** The bits of {@code left} as bytes, least significant bit first. */
  static byte[] bitmap(boolean[] left) {
    byte[] b = new byte[(left.length + 7) / 8];
    for (int i = 0; i < left.length; i++) if (left[i]) b[i >> 3] |= (byte) (1 << (i & 7));
    return b;
  }

  /**
   * The {@code length} bits of {@code b}.
   *
   * @throws IllegalArgumentException naming {@code field} if the byte count is wrong or padding bits are set
   */
  static boolean[] bits(byte[] b, int length, String field) {
    if (b.length != (length + 7) / 8) throw new IllegalArgumentException(field + " must have " + (length + 7) / 8 + " bytes for " + length + " rows, got " + b.length);
    boolean[] out = new boolean[length];
    for (int i = 0; i < length; i++) out[i] = (b[i >> 3] >> (i & 7) & 1) != 0;
    for (int i = length; i < b.length * 8; i++) {
      if ((b[i >> 3] >> (i & 7) & 1) != 0) throw new IllegalArgumentException(field + " has bit " + i + " set beyond its " + length + " rows");
    }
    return out;
  }
}
