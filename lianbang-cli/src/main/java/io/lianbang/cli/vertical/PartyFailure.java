package io.lianbang.cli.vertical;

import io.lianbang.vertical.link.LinkException;

/**
 * A vertical run that stopped because a peer was lost, timed out or broke the protocol: one line
 * naming the party, the step and the peer, and the exit code of {@code lianbang vertical}.
 */
public final class PartyFailure {
  /** Exit code when a peer was lost or timed out: run every party again with the same command. */
  public static final int PEER_LOST = 3;
  /** Exit code when a peer sent a message the protocol refuses. */
  public static final int REFUSED = 4;

  private PartyFailure() {}

  /** The innermost {@link LinkException} among {@code t} and its causes, or null. */
  public static LinkException linkCause(Throwable t) {
    LinkException found = null;
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof LinkException e) found = e;
    }
    return found;
  }

  /** The exit code for {@code e}: {@link #PEER_LOST} for a lost or silent peer, else {@link #REFUSED}. */
  public static int exitCode(LinkException e) {
    return e.reason() == LinkException.Reason.PEER_LOST || e.reason() == LinkException.Reason.TIMEOUT ? PEER_LOST : REFUSED;
  }

  /**
   * The line printed for {@code e} at {@code step}, e.g. {@code error: guest, training (hetero_lr):
   * lost host while waiting for lr.forward/3: stopped answering; run every party again with the
   * same command to restart the run}; {@code alsoLost} (peer → why) are the other peers lost by
   * then, e.g. the crashed host when an arbiter waited for the guest.
   */
  public static String line(String party, String step, LinkException e, java.util.Map<String, String> alsoLost) {
    StringBuilder also = new StringBuilder();
    alsoLost.forEach((peer, why) -> {
      if (!e.getMessage().contains("lost " + peer + " ")) also.append(also.length() == 0 ? "; also lost " : ", ").append(peer).append(" (").append(why).append(')');
    });
    String hint = exitCode(e) == PEER_LOST ? "; run every party again with the same command to restart the run"
        : "; the peer broke the protocol (a different version or configuration?)";
    return "error: " + party + ", " + step + ": " + e.getMessage() + also + hint;
  }
}
