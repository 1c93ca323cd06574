/**
 * Private set intersection by elliptic-curve Diffie-Hellman on Curve25519, as in FATE 2.x's PSI
 * component (Meadows, "A more efficient cryptographic matchmaking protocol", IEEE S&amp;P 1986;
 * Huberman, Franklin and Hogg, "Enhancing privacy and trust in electronic communities", EC 1999;
 * hash to curve by RFC 9380's {@code curve25519_XMD:SHA-512_ELL2_RO_}, blinding by RFC 7748's X25519).
 *
 * <p>Two roles, each with a blocking {@code run} over a {@link io.lianbang.vertical.link.PartyLink}:
 * {@link io.lianbang.vertical.psi.PsiSender} (ids X, secret scalar s) and
 * {@link io.lianbang.vertical.psi.PsiReceiver} (ids Y, secret scalar r); the guest or a host may take
 * either. With H the hash to the curve and [k]P the X25519 blinding:
 * <ol>
 *   <li>{@code psi.hello} both ways: settings and set sizes.
 *   <li>{@code psi.sender/k}: the sender sends [s]H(x) for its ids in a SecureRandom-shuffled order, in
 *       batches; the receiver computes [r][s]H(x), keeps the first 16 bytes (sorted) and acknowledges each batch
 *       ({@code psi.ack/k}; at most {@link io.lianbang.vertical.psi.PsiProtocol#WINDOW} unacknowledged).
 *   <li>{@code psi.query/k}: the receiver sends [r]H(y) for its ids; {@code psi.reply/k}: the sender returns
 *       [s][r]H(y) in the same order; the receiver finds y in the intersection iff [s][r]H(y) = [r][s]H(x) for some x.
 *   <li>{@code psi.size}, {@code psi.result/k} (by {@link io.lianbang.vertical.psi.PsiReveal}): the size, and the
 *       ascending positions of the matched points in the sender's shuffled order, from which the sender learns
 *       which of its ids are common.
 * </ol>
 *
 * <p>Who learns what ({@link io.lianbang.vertical.psi.PsiProtocol#LEARNS}): both learn the other's set
 * size; the receiver learns the intersection; the sender learns nothing more, the size, or the intersection.
 * Neither learns the other's ids outside the intersection: they only see them blinded with the other's secret
 * scalar (decisional Diffie-Hellman assumption, hash modelled as a random oracle); the shuffle hides which of the
 * sender's ids matched from a receiver under {@code NONE} or {@code SIZE}. Security is against semi-honest parties;
 * a malicious party can still, e.g., include ids it does not hold. Every batch a peer sends is checked: exact
 * counts announced in the hello, 32 bytes a point, canonical u-coordinates, no small-order points.
 */
package io.lianbang.vertical.psi;
