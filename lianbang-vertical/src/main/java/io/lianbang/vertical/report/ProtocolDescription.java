package io.lianbang.vertical.report;

import io.lianbang.vertical.boost.SecureBoostProtocol;
import io.lianbang.vertical.lr.HeteroLrProtocol;
import io.lianbang.vertical.psi.PsiProtocol;
import java.util.Map;
import java.util.Objects;

/**
 * A protocol's description table, the basis of a {@link PrivacyReport}: for each message kind, who
 * sends it to whom and in which form; for each role, what it learns. The tables themselves live
 * beside each protocol ({@link PsiProtocol}, {@link HeteroLrProtocol}, {@link SecureBoostProtocol}).
 *
 * @param name the protocol's name in reports, e.g. {@code PSI}
 * @param messages message kind (the part of a tag before {@code /}) → content and form
 * @param learns role → what a party in that role learns
 */
public record ProtocolDescription(String name, Map<String, String> messages, Map<String, String> learns) {
  /** ECDH private set intersection; roles {@code sender} and {@code receiver}. */
  public static final ProtocolDescription PSI = new ProtocolDescription("PSI", PsiProtocol.MESSAGES, PsiProtocol.LEARNS);
  /** Hetero logistic regression with an arbiter; roles {@code guest}, {@code host}, {@code arbiter}. */
  public static final ProtocolDescription HETERO_LR = new ProtocolDescription("hetero logistic regression", HeteroLrProtocol.MESSAGES,
      HeteroLrProtocol.LEARNS);
  /** Hetero logistic regression without an arbiter; roles {@code guest}, {@code host}. */
  public static final ProtocolDescription HETERO_LR_TWO_PARTY = new ProtocolDescription("hetero logistic regression (two parties)",
      HeteroLrProtocol.TWO_PARTY_MESSAGES, HeteroLrProtocol.TWO_PARTY_LEARNS);
  /** SecureBoost training and prediction; roles {@code guest}, {@code host}. */
  public static final ProtocolDescription SECUREBOOST = new ProtocolDescription("SecureBoost", SecureBoostProtocol.MESSAGES,
      SecureBoostProtocol.LEARNS);

  /** Copies the tables; every argument is required. */
  public ProtocolDescription {
    Objects.requireNonNull(name, "name");
    messages = Map.copyOf(messages);
    learns = Map.copyOf(learns);
  }
}
