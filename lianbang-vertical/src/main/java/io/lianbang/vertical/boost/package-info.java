/**
 * SecureBoost: hetero (vertically federated) gradient-boosted decision trees (K. Cheng, T. Fan,
 * Y. Jin, Y. Liu, T. Chen, D. Papadopoulos, Q. Yang, "SecureBoost: A Lossless Federated Learning
 * Framework", IEEE Intelligent Systems 2021, arXiv:1901.08755; the second-order trees of XGBoost,
 * T. Chen and C. Guestrin, KDD 2016; the packing of FATE 1.x's HeteroSecureBoost).
 *
 * <p>Roles: {@link io.lianbang.vertical.boost.SecureBoostGuest} (labels, Paillier key) and
 * {@link io.lianbang.vertical.boost.SecureBoostHost} for training;
 * {@link io.lianbang.vertical.boost.SecureBoostPredictGuest} and
 * {@link io.lianbang.vertical.boost.SecureBoostPredictHost} for prediction. Each has a blocking
 * {@code run()} over a {@link io.lianbang.vertical.link.PartyLink}; every receive has the deadline
 * {@link io.lianbang.vertical.boost.BoostParams#receiveTimeout()}.
 *
 * <p>Training, per tree: the guest computes the logistic gradients g and hessians h, packs each
 * row's (g, h) into one Paillier plaintext, encrypts and sends them to every host ({@code sb.gh}).
 * Per depth it sends the rows of each node to split ({@code sb.nodes}; FATE likewise reveals the
 * sample-to-node assignment to hosts). Each host sums the ciphertexts into cumulative histograms
 * over its own quantile bins, packs several bins per ciphertext and returns them ({@code sb.hist}).
 * The guest decrypts, finds the best split over its own and all hosts' features and, for a host
 * split, sends the host the (feature, bin) ({@code sb.split}); the host stores the split point
 * under a record id and returns it with the rows going left ({@code sb.assign}). Prediction walks
 * all trees level by level, asking the host of each host split which rows go left ({@code
 * sbp.route}, {@code sbp.dir}).
 *
 * <p>What every message contains and what each party learns: {@link
 * io.lianbang.vertical.boost.SecureBoostProtocol#MESSAGES} and {@link
 * io.lianbang.vertical.boost.SecureBoostProtocol#LEARNS}; byte layouts in docs/protocol.md. The
 * federated model equals {@link io.lianbang.vertical.boost.GbdtReference} trained on the joined
 * binned data: gradients are rounded to fixed point once and all sums are exact.
 *
 * <p>Randomness: only the Paillier encryptions, from {@link java.security.SecureRandom}; binning,
 * split search and tie-breaking are deterministic.
 */
package io.lianbang.vertical.boost;
