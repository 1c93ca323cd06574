package io.lianbang.privacy.secagg;

import java.util.Objects;

/**
 * A secure-aggregation protocol fault: a message failed authentication, was inconsistent, or a
 * stage cannot proceed. Its {@link #kind()} says which, for code that decides what to do; the
 * message is for humans.
 */
public final class SecAggException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** A request or response out of order, for another round, or inconsistent with the round's setup. */
    PROTOCOL,
    /** Settings that would not protect the inputs: a threshold unsafe for the degree, too few clients or neighbours. */
    UNSAFE,
    /** A share ciphertext failed authentication: altered in transit, or not from its claimed sender. */
    AUTHENTICATION,
    /** Fewer masked inputs arrived than the round needs to release the sum. */
    TOO_FEW_SURVIVORS,
    /** The survivors are not linked by masks into one group, so their sum is not released. */
    DISCONNECTED_SURVIVORS,
    /** A secret cannot be reconstructed from the shares received (too few, or inconsistent). */
    RECONSTRUCTION,
    /** The transport cannot reach the participant. */
    UNREACHABLE;

    /** The kind named {@code name}, or null if there is none (a name from another version, or none at all). */
    public static Kind parse(String name) {
      for (Kind k : values()) if (k.name().equals(name)) return k;
      return null;
    }
  }

  private final Kind kind;

  public SecAggException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** What went wrong. */
  public Kind kind() {
    return kind;
  }
}
